#include "runtime/cron.h"

#include <doctest/doctest.h>

#include <stdexcept>

namespace eddy::runtime {
namespace {

constexpr int64_t kDay = 86'400'000;

int64_t Next(const char* expr, int64_t after) { return CronSchedule::Parse(expr).NextAfter(after).value(); }

TEST_CASE("cron: seconds, steps and fixed times") {
  CHECK(Next("* * * * * ?", 0) == 1000);
  CHECK(Next("* * * * * ?", 1500) == 2000);  // strictly after, on whole seconds
  CHECK(Next("0/15 * * * * ?", 0) == 15'000);
  CHECK(Next("*/2 * * * * ?", 1000) == 2000);
  CHECK(Next("0 0 12 * * ?", 0) == 12 * 3'600'000);
  CHECK(Next("0 0 12 * * ?", 12 * 3'600'000) == kDay + 12 * 3'600'000);
  CHECK(Next("30 10 * * * ?", 0) == 10 * 60'000 + 30'000);
}

TEST_CASE("cron: ranges wrap and lists combine") {
  // 22-2 covers 22, 23, 0, 1, 2.
  CHECK(Next("0 0 22-2 * * ?", 2 * 3'600'000) == 22 * 3'600'000);
  CHECK(Next("0 0 22-2 * * ?", 23 * 3'600'000) == kDay);
  CHECK(Next("0 0 1,5 * * ?", 2 * 3'600'000) == 5 * 3'600'000);
}

TEST_CASE("cron: weekdays, names and the day-of-month forms") {
  // 1970-01-01 was a Thursday.
  const int64_t ten_fifteen = 10 * 3'600'000 + 15 * 60'000;
  CHECK(Next("0 15 10 ? * MON-FRI", 0) == ten_fifteen);
  CHECK(Next("0 15 10 ? * MON-FRI", ten_fifteen) == kDay + ten_fifteen);      // Friday
  CHECK(Next("0 15 10 ? * MON-FRI", kDay + ten_fifteen) == 4 * kDay + ten_fifteen);  // Monday
  CHECK(Next("0 0 0 L * ?", 0) == 30 * kDay);                   // Jan 31
  CHECK(Next("0 0 0 L-1 * ?", 0) == 29 * kDay);                 // Jan 30
  CHECK(Next("0 0 0 ? * 6#3", 0) == 15 * kDay);                 // third Friday: Jan 16
  CHECK(Next("0 0 0 ? * 6L", 0) == 2'505'600'000);              // last Friday: Jan 30
  CHECK(Next("0 0 0 15W FEB ?", 0) == 3'974'400'000);           // Sun Feb 15 -> Mon Feb 16
  CHECK(Next("0 0 0 1W AUG ?", 0) == 18'489'600'000);           // Sat Aug 1 -> Mon Aug 3
  CHECK(Next("0 0 0 29 2 ? 2024", 0) == 1'709'164'800'000);     // a leap day
  CHECK(Next("0 0 0 1 1 ? 2030", 0) == 1'893'456'000'000);
  CHECK_FALSE(CronSchedule::Parse("0 0 0 1 1 ? 1971").NextAfter(kDay * 400).has_value());
}

TEST_CASE("cron: malformed expressions are rejected with the field named") {
  CHECK_THROWS_AS(CronSchedule::Parse("* * * * *"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(CronSchedule::Parse("61 * * * * ?"), doctest::Contains("seconds"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(CronSchedule::Parse("0 0 0 * * MON"), doctest::Contains("must be '?'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(CronSchedule::Parse("0 0 0 ? FOO *"), doctest::Contains("month"), std::invalid_argument);
  CHECK_THROWS_AS(CronSchedule::Parse("0 0 0 ? * 2#9"), std::invalid_argument);
  CHECK_THROWS_AS(CronSchedule::Parse("0/0 * * * * ?"), std::invalid_argument);
}

}  // namespace
}  // namespace eddy::runtime
