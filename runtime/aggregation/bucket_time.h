// Calendar arithmetic of incremental aggregation (LANGUAGE.md §16): the
// granularities, bucket starts aligned to the UTC calendar, and the date
// strings of `aggregate by` and `within` ('yyyy-MM-dd HH:mm:ss' with an
// optional ' +hh:mm' zone offset; no zone is UTC).
//
// Pure functions over epoch milliseconds, no allocation: ingest calls
// BucketStart once per event and granularity.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace eddy::runtime {

// Ordered from finest to coarsest.
enum class Granularity : uint8_t { kSecond, kMinute, kHour, kDay, kMonth, kYear };
inline constexpr int kGranularities = 6;

// "seconds", "minutes", ... for messages.
std::string_view GranularityName(Granularity g);

// A `per` value: seconds/minutes/hours/days/months/years, singular too, and
// sec/min/h; case-insensitive. Nullopt for anything else (weeks included).
std::optional<Granularity> ParseGranularity(std::string_view text);

// The start (epoch ms, UTC) of the bucket of `ms` at granularity `g`.
int64_t BucketStart(int64_t ms, Granularity g);
// The bucket starts of one time at every granularity, for ingest: the month
// and year of the last day seen are remembered, since consecutive events
// mostly share a day.
class BucketStarts {
 public:
  void Set(int64_t ms);
  // REQUIRES: Set was called.
  int64_t operator[](Granularity g) const { return starts_[static_cast<int>(g)]; }

 private:
  int64_t starts_[kGranularities] = {};
  int64_t day_ = INT64_MIN;
};

// The start of the bucket after the one starting at `start`.
int64_t NextBucketStart(int64_t start, Granularity g);

// Epoch ms of 'yyyy-MM-dd HH:mm:ss' or 'yyyy-MM-dd HH:mm:ss +hh:mm' / '-hh:mm'
// (the local time at that offset). Nullopt when malformed or out of range.
std::optional<int64_t> ParseDateTime(std::string_view text);

// Half-open range of epoch ms: [start, end).
struct TimeRange {
  int64_t start = 0;
  int64_t end = 0;
};

// A one-value `within`: 'yyyy-MM-dd HH:mm:ss' whose trailing fields may be `**`
// wildcards ('2017-06-01 04:**:**' is that hour), with an optional zone. A
// wildcard field must be followed by wildcards only, and the year cannot be one.
// Without wildcards the range is that one second.
std::optional<TimeRange> ParseWithinPattern(std::string_view text);

}  // namespace eddy::runtime
