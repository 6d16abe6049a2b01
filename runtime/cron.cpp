#include "runtime/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace eddy::runtime {
namespace {

constexpr std::array<const char*, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                 "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 7> kWeekdays = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (the classic
// era-based conversion).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int& year, int& month, int& day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2));
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// 1 = Sunday ... 7 = Saturday (1970-01-01 was a Thursday).
int Weekday(int64_t days) { return static_cast<int>(((days + 4) % 7 + 7) % 7) + 1; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// One field's text, parsed into the values it allows.
class FieldParser {
 public:
  FieldParser(std::string_view field, std::string name, int min, int max, const char* const* names = nullptr,
              int names_base = 0, int name_count = 0)
      : field_(field), name_(std::move(name)), min_(min), max_(max), names_(names), names_base_(names_base),
        name_count_(name_count) {}

  [[noreturn]] void Fail(const std::string& why) const {
    throw std::invalid_argument("the " + name_ + " field '" + std::string(field_) + "' " + why);
  }

  int Value(std::string_view text) const {
    if (names_ != nullptr && !text.empty() && std::isalpha(static_cast<unsigned char>(text[0]))) {
      const std::string upper = Upper(text);
      for (int i = 0; i < name_count_; ++i) {
        if (upper == names_[i]) return names_base_ + i;
      }
      Fail("has an unknown name '" + std::string(text) + "'");
    }
    if (text.empty()) Fail("has an empty value");
    int v = 0;
    for (char c : text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) Fail("has '" + std::string(text) + "', not a number");
      v = v * 10 + (c - '0');
      if (v > 100000) Fail("has a value out of range");
    }
    if (v < min_ || v > max_) {
      Fail("has " + std::to_string(v) + ", outside " + std::to_string(min_) + "-" + std::to_string(max_));
    }
    return v;
  }

  // `*`, `a`, `a-b` (wrapping when a > b), each optionally `/step`.
  template <typename Set>
  void Item(std::string_view item, Set& set) const {
    int step = 1;
    if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      step = 0;
      for (char c : step_text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) Fail("has a bad step '" + std::string(step_text) + "'");
        step = step * 10 + (c - '0');
        if (step > 100000) break;
      }
      if (step_text.empty() || step <= 0 || step > max_) Fail("has a bad step '" + std::string(step_text) + "'");
      item = item.substr(0, slash);
    }
    int from = min_;
    int to = max_;
    if (item != "*") {
      const size_t dash = item.find('-');
      from = Value(item.substr(0, dash));
      // `a/n` runs from a to the end of the range.
      to = dash != std::string_view::npos ? Value(item.substr(dash + 1)) : (step > 1 ? max_ : from);
    }
    const int span = max_ - min_ + 1;
    const int count = (to >= from ? to - from : to - from + span) + 1;
    for (int i = 0; i < count; i += step) set.set(static_cast<size_t>(min_ + (from - min_ + i) % span));
  }

  template <typename Set>
  void List(Set& set) const {
    size_t start = 0;
    while (start <= field_.size()) {
      const size_t comma = field_.find(',', start);
      const std::string_view item = field_.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (item.empty()) Fail("has an empty list item");
      Item(item, set);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }

 private:
  std::string_view field_;
  std::string name_;
  int min_, max_;
  const char* const* names_;
  int names_base_, name_count_;
};

}  // namespace

CronSchedule CronSchedule::Parse(std::string_view text) {
  std::vector<std::string_view> fields;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() < 6 || fields.size() > 7) {
    throw std::invalid_argument("a Quartz cron expression has 6 or 7 fields (sec min hour day-of-month month "
                                "day-of-week [year]), this one has " + std::to_string(fields.size()));
  }
  CronSchedule c;
  FieldParser(fields[0], "seconds", 0, 59).List(c.seconds_);
  FieldParser(fields[1], "minutes", 0, 59).List(c.minutes_);
  FieldParser(fields[2], "hours", 0, 23).List(c.hours_);
  FieldParser(fields[4], "month", 1, 12, kMonths.data(), 1, 12).List(c.months_);

  const std::string dom = Upper(fields[3]);
  FieldParser dom_parser(fields[3], "day-of-month", 1, 31);
  if (dom == "?") {
    c.any_day_of_month_ = true;
  } else if (dom == "L") {
    c.last_day_offset_ = 0;
  } else if (dom.rfind("L-", 0) == 0) {
    c.last_day_offset_ = dom_parser.Value(std::string_view(dom).substr(2));
    if (c.last_day_offset_ > 30) dom_parser.Fail("is too far before the month's end");
  } else if (dom == "LW") {
    c.nearest_weekday_ = -1;
  } else if (dom.size() > 1 && dom.back() == 'W') {
    c.nearest_weekday_ = dom_parser.Value(std::string_view(dom).substr(0, dom.size() - 1));
  } else {
    dom_parser.List(c.days_of_month_);
    if (dom == "*") c.any_day_of_month_ = true;
  }

  const std::string dow = Upper(fields[5]);
  FieldParser dow_parser(fields[5], "day-of-week", 1, 7, kWeekdays.data(), 1, 7);
  if (dow == "?") {
    c.any_day_of_week_ = true;
  } else if (dow == "L") {
    c.last_weekday_ = 7;
  } else if (dow.size() > 1 && dow.back() == 'L') {
    c.last_weekday_ = dow_parser.Value(std::string_view(dow).substr(0, dow.size() - 1));
  } else if (const size_t hash = dow.find('#'); hash != std::string::npos) {
    c.nth_weekday_ = dow_parser.Value(std::string_view(dow).substr(0, hash));
    c.nth_ = FieldParser(std::string_view(dow).substr(hash + 1), "day-of-week occurrence", 1, 5)
                 .Value(std::string_view(dow).substr(hash + 1));
  } else {
    dow_parser.List(c.days_of_week_);
    if (dow == "*") c.any_day_of_week_ = true;
  }
  // Quartz: exactly one of the day fields is '?' (a '*' next to a '?' is fine).
  if (dom != "?" && dow != "?") {
    throw std::invalid_argument("one of day-of-month ('" + std::string(fields[3]) + "') and day-of-week ('" +
                                std::string(fields[5]) + "') must be '?'");
  }
  if (dom == "?" && dow == "?") {
    throw std::invalid_argument("day-of-month and day-of-week cannot both be '?'");
  }

  if (fields.size() == 7 && fields[6] != "*") {
    c.any_year_ = false;
    FieldParser(fields[6], "year", 1970, 2099).List(c.years_);
  }
  return c;
}

bool CronSchedule::DayMatches(int64_t days, int year, int month, int day) const {
  if (!any_day_of_month_) {
    const int last = DaysInMonth(year, month);
    if (last_day_offset_ >= 0) return day == last - last_day_offset_;
    if (nearest_weekday_ != 0) {
      // The weekday nearest the target day, without leaving the month.
      const int target = nearest_weekday_ < 0 ? last : std::min(nearest_weekday_, last);
      const int64_t target_days = days - day + target;
      int chosen = target;
      const int wd = Weekday(target_days);
      if (wd == 7) chosen = target == 1 ? target + 2 : target - 1;     // Saturday
      else if (wd == 1) chosen = target == last ? target - 2 : target + 1;  // Sunday
      return day == chosen;
    }
    return days_of_month_[static_cast<size_t>(day)];
  }
  if (!any_day_of_week_) {
    const int wd = Weekday(days);
    if (last_weekday_ != 0) return wd == last_weekday_ && day + 7 > DaysInMonth(year, month);
    if (nth_ != 0) return wd == nth_weekday_ && (day - 1) / 7 + 1 == nth_;
    return days_of_week_[static_cast<size_t>(wd)];
  }
  return true;
}

std::optional<int64_t> CronSchedule::NextAfter(int64_t after_ms) const {
  // Firings fall on whole seconds.
  int64_t t = (after_ms >= 0 ? after_ms / 1000 : (after_ms - 999) / 1000) + 1;
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t second_of_day = t - days * 86400;
  for (int guard = 0; guard < 366 * 140; ++guard, ++days, second_of_day = 0) {
    int year, month, day;
    CivilFromDays(days, year, month, day);
    if (year > 2099) return std::nullopt;
    if (!any_year_ && (year < 1970 || !years_[static_cast<size_t>(year)])) {
      days = DaysFromCivil(year + 1, 1, 1) - 1;  // the next year
      continue;
    }
    if (!months_[static_cast<size_t>(month)]) {
      days = DaysFromCivil(year, month, DaysInMonth(year, month));  // the month's last day
      continue;
    }
    if (!DayMatches(days, year, month, day)) continue;
    for (int h = static_cast<int>(second_of_day / 3600); h < 24; ++h) {
      if (!hours_[static_cast<size_t>(h)]) continue;
      const bool first_hour = h == second_of_day / 3600;
      for (int m = first_hour ? static_cast<int>(second_of_day / 60 % 60) : 0; m < 60; ++m) {
        if (!minutes_[static_cast<size_t>(m)]) continue;
        const bool first_minute = first_hour && m == second_of_day / 60 % 60;
        for (int s = first_minute ? static_cast<int>(second_of_day % 60) : 0; s < 60; ++s) {
          if (seconds_[static_cast<size_t>(s)]) return (days * 86400 + h * 3600 + m * 60 + s) * 1000;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace eddy::runtime
