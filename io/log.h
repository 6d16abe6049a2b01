// Leveled logging to stderr for the standalone engine: "2024-05-01T10:00:00.123Z
// WARN  message". Thread-safe (one line per call, written under a lock).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace eddy::io {

enum class LogLevel : uint8_t { kDebug, kInfo, kWarn, kError, kOff };

// "debug", "info", "warn"/"warning", "error", "off" (case-insensitive).
std::optional<LogLevel> ParseLogLevel(std::string_view name);
std::string_view LogLevelName(LogLevel level);

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message);

// Lets one in every `every` occurrences through (the first always), so that a
// flood of bad messages is logged without drowning the log. Thread-safe.
class LogSampler {
 public:
  explicit LogSampler(uint64_t every) : every_(every == 0 ? 1 : every) {}
  // True when this occurrence should be logged; `count` is its 1-based number.
  bool Sample(uint64_t& count) {
    count = seen_.fetch_add(1, std::memory_order_relaxed) + 1;
    return (count - 1) % every_ == 0;
  }

 private:
  uint64_t every_;
  std::atomic<uint64_t> seen_{0};
};

}  // namespace eddy::io
