// Calendar arithmetic of incremental aggregation: UTC bucket alignment from
// seconds to years (leap years, month lengths, times before 1970), date
// strings with zone offsets, `within` wildcard patterns and `per` names.
#include <doctest/doctest.h>

#include "runtime/aggregation/bucket_time.h"

namespace eddy::runtime {
namespace {

int64_t Ms(const char* text) {
  const std::optional<int64_t> ms = ParseDateTime(text);
  REQUIRE(ms.has_value());
  return *ms;
}

TEST_CASE("dates parse as UTC, or at the zone offset given") {
  CHECK(Ms("1970-01-01 00:00:00") == 0);
  CHECK(Ms("2017-06-01 04:05:50") == 1496289950000);
  CHECK(Ms("2017-06-01 09:35:50 +05:30") == 1496289950000);
  CHECK(Ms("2017-05-31 23:05:50 -05:00") == 1496289950000);
  CHECK(Ms("2020-02-29 12:00:00") == 1582977600000);
  CHECK(Ms("1969-12-31 23:59:59") == -1000);
  CHECK_FALSE(ParseDateTime("2019-02-29 00:00:00"));  // not a leap year
  CHECK_FALSE(ParseDateTime("2017-13-01 00:00:00"));
  CHECK_FALSE(ParseDateTime("2017-06-01 24:00:00"));
  CHECK_FALSE(ParseDateTime("2017-06-01 04:05"));
  CHECK_FALSE(ParseDateTime("2017-06-01T04:05:50"));
  CHECK_FALSE(ParseDateTime("2017-06-01 04:05:50 +0530"));
  CHECK_FALSE(ParseDateTime("2017-06-01 04:05:**"));  // wildcards only in patterns
}

TEST_CASE("buckets align to the UTC calendar") {
  const int64_t t = Ms("2016-02-29 13:47:21") + 345;
  CHECK(BucketStart(t, Granularity::kSecond) == Ms("2016-02-29 13:47:21"));
  CHECK(BucketStart(t, Granularity::kMinute) == Ms("2016-02-29 13:47:00"));
  CHECK(BucketStart(t, Granularity::kHour) == Ms("2016-02-29 13:00:00"));
  CHECK(BucketStart(t, Granularity::kDay) == Ms("2016-02-29 00:00:00"));
  CHECK(BucketStart(t, Granularity::kMonth) == Ms("2016-02-01 00:00:00"));
  CHECK(BucketStart(t, Granularity::kYear) == Ms("2016-01-01 00:00:00"));
  // Before 1970 buckets still round down.
  CHECK(BucketStart(-1, Granularity::kSecond) == -1000);
  CHECK(BucketStart(-1, Granularity::kMonth) == Ms("1969-12-01 00:00:00"));
  CHECK(BucketStart(-1, Granularity::kYear) == Ms("1969-01-01 00:00:00"));
}

TEST_CASE("BucketStarts gives every granularity's start, also across days, months and years") {
  BucketStarts starts;
  for (const char* text : {"2016-02-29 13:47:21", "2016-02-29 23:59:59", "2016-03-01 00:00:00", "2015-12-31 10:00:00",
                           "1969-12-31 23:59:59", "2016-03-01 00:00:01"}) {
    const int64_t t = Ms(text) + 999;
    starts.Set(t);
    for (Granularity g : {Granularity::kSecond, Granularity::kMinute, Granularity::kHour, Granularity::kDay,
                          Granularity::kMonth, Granularity::kYear}) {
      CHECK(starts[g] == BucketStart(t, g));
    }
  }
}

TEST_CASE("the next bucket follows month lengths and leap years") {
  CHECK(NextBucketStart(Ms("2016-02-01 00:00:00"), Granularity::kMonth) == Ms("2016-03-01 00:00:00"));
  CHECK(NextBucketStart(Ms("2017-02-01 00:00:00"), Granularity::kMonth) == Ms("2017-03-01 00:00:00"));
  CHECK(NextBucketStart(Ms("2017-12-01 00:00:00"), Granularity::kMonth) == Ms("2018-01-01 00:00:00"));
  CHECK(NextBucketStart(Ms("2000-01-01 00:00:00"), Granularity::kYear) == Ms("2001-01-01 00:00:00"));
  CHECK(NextBucketStart(Ms("2017-06-30 00:00:00"), Granularity::kDay) == Ms("2017-07-01 00:00:00"));
  CHECK(NextBucketStart(Ms("2017-06-30 23:59:00"), Granularity::kMinute) == Ms("2017-07-01 00:00:00"));
}

TEST_CASE("a within pattern spans the field before its first wildcard") {
  const auto range = [](const char* text) {
    const std::optional<TimeRange> r = ParseWithinPattern(text);
    REQUIRE(r.has_value());
    return std::pair(r->start, r->end);
  };
  CHECK(range("2017-06-01 04:05:**") == std::pair(Ms("2017-06-01 04:05:00"), Ms("2017-06-01 04:06:00")));
  CHECK(range("2017-06-01 04:**:**") == std::pair(Ms("2017-06-01 04:00:00"), Ms("2017-06-01 05:00:00")));
  CHECK(range("2017-06-01 **:**:**") == std::pair(Ms("2017-06-01 00:00:00"), Ms("2017-06-02 00:00:00")));
  CHECK(range("2016-02-** **:**:**") == std::pair(Ms("2016-02-01 00:00:00"), Ms("2016-03-01 00:00:00")));
  CHECK(range("2017-**-** **:**:**") == std::pair(Ms("2017-01-01 00:00:00"), Ms("2018-01-01 00:00:00")));
  CHECK(range("2017-06-01 04:05:06") == std::pair(Ms("2017-06-01 04:05:06"), Ms("2017-06-01 04:05:07")));
  // The calendar of the zone: June at +05:30 starts 5.5 hours before June in UTC.
  CHECK(range("2017-06-** **:**:** +05:30") ==
        std::pair(Ms("2017-06-01 00:00:00 +05:30"), Ms("2017-07-01 00:00:00 +05:30")));
  CHECK_FALSE(ParseWithinPattern("2017-06-01 **:05:**"));  // a field after a wildcard
  CHECK_FALSE(ParseWithinPattern("****-06-01 00:00:00"));
  CHECK_FALSE(ParseWithinPattern("2017-06-01"));
  CHECK_FALSE(ParseWithinPattern("2017-06-01 04:05:*"));
}

TEST_CASE("per names: plural, singular and short forms, any case; no weeks") {
  CHECK(ParseGranularity("seconds") == Granularity::kSecond);
  CHECK(ParseGranularity("SEC") == Granularity::kSecond);
  CHECK(ParseGranularity("Minutes") == Granularity::kMinute);
  CHECK(ParseGranularity("h") == Granularity::kHour);
  CHECK(ParseGranularity("day") == Granularity::kDay);
  CHECK(ParseGranularity("months") == Granularity::kMonth);
  CHECK(ParseGranularity("YEARS") == Granularity::kYear);
  CHECK_FALSE(ParseGranularity("weeks"));
  CHECK_FALSE(ParseGranularity("fortnight"));
  CHECK_FALSE(ParseGranularity(""));
}

}  // namespace
}  // namespace eddy::runtime
