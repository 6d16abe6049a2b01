// Per-query processing time, for metrics. Off unless the app enables it; then
// every chunk a stream junction hands to a query is timed (two clock reads per
// chunk, never per event). A query is charged its own work only: what it
// inserts into other streams is processed depth-first inside the call, and
// that time is charged to the queries downstream, not to this one.
// Timer-driven work (a time window expiring on its own) is not timed.
//
// Threads: Measure() runs on the app's (serialized) sending thread; the
// counters may be read from any thread at any time (relaxed atomics: each is
// exact, a set of them read together may be from different moments).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace eddy::runtime {

class QueryTiming {
 public:
  // Histogram buckets of the time per chunk: [0, 1 us], (1, 4 us], ... powers
  // of 4 up to 1 s, then beyond.
  static constexpr size_t kBuckets = 12;
  static constexpr std::array<uint64_t, kBuckets - 1> kBoundNanos = {
      1'000, 4'000, 16'000, 64'000, 256'000, 1'024'000, 4'096'000, 16'384'000, 65'536'000, 262'144'000, 1'048'576'000};

  struct Stats {
    std::atomic<uint64_t> chunks{0};
    std::atomic<uint64_t> events{0};
    std::atomic<uint64_t> nanos{0};
    std::array<std::atomic<uint64_t>, kBuckets> buckets{};  // chunks per bucket (not cumulative)
  };

  explicit QueryTiming(size_t queries) : stats_(queries) {}

  // Runs `work` (query `query` processing a chunk of `events`) and charges its
  // time, less the time of measurements nested in it, to the query.
  template <typename Work>
  void Measure(uint32_t query, uint32_t events, Work&& work) {
    const uint64_t outer_children = children_nanos_;
    children_nanos_ = 0;
    const uint64_t start = Now();
    work();
    const uint64_t elapsed = Now() - start;
    const uint64_t own = elapsed > children_nanos_ ? elapsed - children_nanos_ : 0;
    children_nanos_ = outer_children + elapsed;
    Stats& s = stats_[query];
    Bump(s.chunks, 1);
    Bump(s.events, events);
    Bump(s.nanos, own);
    Bump(s.buckets[Bucket(own)], 1);
  }

  size_t size() const { return stats_.size(); }
  const Stats& stats(size_t query) const { return stats_[query]; }

 private:
  static uint64_t Now() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
  }
  // Single writer: a load and a store, no locked instruction.
  static void Bump(std::atomic<uint64_t>& counter, uint64_t by) {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  static size_t Bucket(uint64_t nanos) {
    size_t i = 0;
    while (i < kBoundNanos.size() && nanos > kBoundNanos[i]) ++i;
    return i;
  }

  std::vector<Stats> stats_;
  uint64_t children_nanos_ = 0;  // time of the measurements nested in the current one
};

}  // namespace eddy::runtime
