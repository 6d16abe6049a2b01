// Quartz cron expressions, as `cron` windows and `define trigger ... at '<cron>'`
// take them: "sec min hour day-of-month month day-of-week [year]", in UTC.
//
// Fields take `*`, values, ranges `a-b`, lists `a,b`, steps `a/n` and `a-b/n`,
// month names JAN-DEC and weekday names SUN-SAT (1 = Sunday). Day-of-month takes
// `?`, `L`, `L-n`, `nW` and `LW`; day-of-week takes `?`, `nL` (the last such
// weekday of the month) and `n#k` (the k-th). As in Quartz, exactly one of the
// two day fields must be `?`.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eddy::runtime {

class CronSchedule {
 public:
  // Throws std::invalid_argument with a message naming the bad field.
  static CronSchedule Parse(std::string_view text);

  // The first firing strictly after `after_ms` (epoch milliseconds, UTC), or
  // nullopt when the expression never fires again (a year field in the past).
  std::optional<int64_t> NextAfter(int64_t after_ms) const;

 private:
  bool DayMatches(int64_t days, int year, int month, int day) const;

  std::bitset<60> seconds_, minutes_;
  std::bitset<24> hours_;
  std::bitset<13> months_;           // 1..12
  std::bitset<32> days_of_month_;    // 1..31
  bool any_day_of_month_ = false;    // `?` (or `*`)
  int last_day_offset_ = -1;         // `L` (0) or `L-n` (n); -1: unused
  int nearest_weekday_ = 0;          // `nW` (n), or -1 for `LW`; 0: unused
  std::bitset<8> days_of_week_;      // 1..7, Sunday first
  bool any_day_of_week_ = false;
  int last_weekday_ = 0;             // `nL`: the last weekday n of the month; 0: unused
  int nth_weekday_ = 0, nth_ = 0;    // `n#k`
  std::bitset<2100> years_;          // 1970..2099, by year
  bool any_year_ = true;
};

}  // namespace eddy::runtime
