#include "runtime/aggregation/bucket_time.h"

#include <cctype>

namespace eddy::runtime {
namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

// Floor division: bucket starts of times before 1970 round down too.
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), by
// counting in 400-year eras that start on March 1st (so that the leap day
// ends a year).
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t year_of_era = year - era * 400;                          // 0..399
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;  // 0..365
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct CivilDate {
  int64_t year;
  int month;  // 1..12
};

// The year and month of day `days` since 1970-01-01 (inverse of DaysFromCivil).
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t day_of_era = days - era * 146097;                                            // 0..146096
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;  // March-based month 0..11
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month};
}

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Reads `digits` decimal digits at text[at...]; -1 when they are not digits, -2
// when they are the wildcard "**"/"****" (only if `wildcard_ok`).
int64_t ReadField(std::string_view text, size_t at, size_t digits, bool wildcard_ok) {
  if (at + digits > text.size()) return -1;
  if (wildcard_ok && text.substr(at, digits).find_first_not_of('*') == std::string_view::npos) return -2;
  int64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// The fields of a date-time pattern; -2 marks a wildcard.
struct DateFields {
  int64_t field[6];  // year, month, day, hour, minute, second
  int64_t offset_ms = 0;
};

// Parses 'yyyy-MM-dd HH:mm:ss[ +hh:mm]' into fields, wildcards allowed where
// `wildcards`; checks ranges of the fields given and that wildcards trail.
std::optional<DateFields> ParseFields(std::string_view text, bool wildcards) {
  // Field positions and widths, and the separator after each.
  static constexpr size_t kAt[] = {0, 5, 8, 11, 14, 17};
  static constexpr size_t kWidth[] = {4, 2, 2, 2, 2, 2};
  static constexpr char kSeparator[] = {'-', '-', ' ', ':', ':', '\0'};
  if (text.size() < 19) return std::nullopt;
  DateFields out;
  bool wild = false;
  for (int f = 0; f < 6; ++f) {
    const int64_t v = ReadField(text, kAt[f], kWidth[f], wildcards && f > 0);
    if (v == -1) return std::nullopt;
    if (v == -2) {
      wild = true;
    } else if (wild) {
      return std::nullopt;  // a field after a wildcard must be one too
    }
    out.field[f] = v;
    if (kSeparator[f] != '\0' && text[kAt[f] + kWidth[f]] != kSeparator[f]) return std::nullopt;
  }
  const auto given = [&](int f) { return out.field[f] != -2; };
  if (given(1) && (out.field[1] < 1 || out.field[1] > 12)) return std::nullopt;
  if (given(2) && (out.field[2] < 1 || out.field[2] > DaysInMonth(out.field[0], static_cast<int>(out.field[1])))) {
    return std::nullopt;
  }
  if ((given(3) && out.field[3] > 23) || (given(4) && out.field[4] > 59) || (given(5) && out.field[5] > 59)) {
    return std::nullopt;
  }
  std::string_view zone = text.substr(19);
  if (zone.empty()) return out;
  // ' +hh:mm' or ' -hh:mm'
  if (zone.size() != 7 || zone[0] != ' ' || (zone[1] != '+' && zone[1] != '-') || zone[4] != ':') return std::nullopt;
  const int64_t hours = ReadField(zone, 2, 2, false);
  const int64_t minutes = ReadField(zone, 5, 2, false);
  if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) return std::nullopt;
  out.offset_ms = (hours * kHourMs + minutes * kMinuteMs) * (zone[1] == '-' ? -1 : 1);
  return out;
}

// Epoch ms of fields with wildcards replaced by their first value.
int64_t FieldsToMs(const DateFields& d) {
  const auto or_first = [&](int f, int64_t first) { return d.field[f] == -2 ? first : d.field[f]; };
  const int64_t days = DaysFromCivil(d.field[0], static_cast<int>(or_first(1, 1)), static_cast<int>(or_first(2, 1)));
  return days * kDayMs + or_first(3, 0) * kHourMs + or_first(4, 0) * kMinuteMs + or_first(5, 0) * kSecondMs -
         d.offset_ms;
}

}  // namespace

std::string_view GranularityName(Granularity g) {
  switch (g) {
    case Granularity::kSecond: return "seconds";
    case Granularity::kMinute: return "minutes";
    case Granularity::kHour: return "hours";
    case Granularity::kDay: return "days";
    case Granularity::kMonth: return "months";
    case Granularity::kYear: return "years";
  }
  return "?";
}

std::optional<Granularity> ParseGranularity(std::string_view text) {
  static constexpr std::pair<std::string_view, Granularity> kNames[] = {
      {"seconds", Granularity::kSecond}, {"second", Granularity::kSecond}, {"sec", Granularity::kSecond},
      {"minutes", Granularity::kMinute}, {"minute", Granularity::kMinute}, {"min", Granularity::kMinute},
      {"hours", Granularity::kHour},     {"hour", Granularity::kHour},     {"h", Granularity::kHour},
      {"days", Granularity::kDay},       {"day", Granularity::kDay},       {"months", Granularity::kMonth},
      {"month", Granularity::kMonth},    {"years", Granularity::kYear},    {"year", Granularity::kYear},
  };
  // Lower-cased into a buffer as long as the longest name: longer text is no name.
  char lower[7];
  if (text.size() > sizeof lower) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  const std::string_view key(lower, text.size());
  for (const auto& [name, g] : kNames) {
    if (key == name) return g;
  }
  return std::nullopt;
}

int64_t BucketStart(int64_t ms, Granularity g) {
  switch (g) {
    case Granularity::kSecond: return FloorDiv(ms, kSecondMs) * kSecondMs;
    case Granularity::kMinute: return FloorDiv(ms, kMinuteMs) * kMinuteMs;
    case Granularity::kHour: return FloorDiv(ms, kHourMs) * kHourMs;
    case Granularity::kDay: return FloorDiv(ms, kDayMs) * kDayMs;
    case Granularity::kMonth: {
      const CivilDate date = CivilFromDays(FloorDiv(ms, kDayMs));
      return DaysFromCivil(date.year, date.month, 1) * kDayMs;
    }
    case Granularity::kYear: {
      const CivilDate date = CivilFromDays(FloorDiv(ms, kDayMs));
      return DaysFromCivil(date.year, 1, 1) * kDayMs;
    }
  }
  return ms;
}

void BucketStarts::Set(int64_t ms) {
  starts_[static_cast<int>(Granularity::kSecond)] = FloorDiv(ms, kSecondMs) * kSecondMs;
  starts_[static_cast<int>(Granularity::kMinute)] = FloorDiv(ms, kMinuteMs) * kMinuteMs;
  starts_[static_cast<int>(Granularity::kHour)] = FloorDiv(ms, kHourMs) * kHourMs;
  const int64_t day = FloorDiv(ms, kDayMs);
  if (day == day_) return;
  day_ = day;
  starts_[static_cast<int>(Granularity::kDay)] = day * kDayMs;
  const CivilDate date = CivilFromDays(day);
  starts_[static_cast<int>(Granularity::kMonth)] = DaysFromCivil(date.year, date.month, 1) * kDayMs;
  starts_[static_cast<int>(Granularity::kYear)] = DaysFromCivil(date.year, 1, 1) * kDayMs;
}

int64_t NextBucketStart(int64_t start, Granularity g) {
  switch (g) {
    case Granularity::kSecond: return start + kSecondMs;
    case Granularity::kMinute: return start + kMinuteMs;
    case Granularity::kHour: return start + kHourMs;
    case Granularity::kDay: return start + kDayMs;
    case Granularity::kMonth: {
      const CivilDate date = CivilFromDays(FloorDiv(start, kDayMs));
      return (date.month == 12 ? DaysFromCivil(date.year + 1, 1, 1) : DaysFromCivil(date.year, date.month + 1, 1)) *
             kDayMs;
    }
    case Granularity::kYear: {
      const CivilDate date = CivilFromDays(FloorDiv(start, kDayMs));
      return DaysFromCivil(date.year + 1, 1, 1) * kDayMs;
    }
  }
  return start;
}

std::optional<int64_t> ParseDateTime(std::string_view text) {
  const std::optional<DateFields> fields = ParseFields(text, false);
  if (!fields) return std::nullopt;
  return FieldsToMs(*fields);
}

std::optional<TimeRange> ParseWithinPattern(std::string_view text) {
  const std::optional<DateFields> fields = ParseFields(text, true);
  if (!fields) return std::nullopt;
  // The first wildcard field sets the span: all of the field before it.
  int first_wild = 6;
  for (int f = 1; f < 6; ++f) {
    if (fields->field[f] == -2) {
      first_wild = f;
      break;
    }
  }
  const int64_t start = FieldsToMs(*fields);
  const int64_t local = start + fields->offset_ms;  // the calendar as written
  static constexpr Granularity kSpan[] = {Granularity::kYear,   Granularity::kYear, Granularity::kMonth,
                                          Granularity::kDay,    Granularity::kHour, Granularity::kMinute,
                                          Granularity::kSecond};
  return TimeRange{start, NextBucketStart(local, kSpan[first_wild]) - fields->offset_ms};
}

}  // namespace eddy::runtime
