// `output [all|first|last] every N events | every <time>` (LANGUAGE.md §9): sits
// between the selector and the output, counting or timing output rows.
//
// Time-based limiters run on the app clock (event time in replay), with periods
// anchored at the clock when the query sees its first event (FirstArrivalTap). This is a deliberate
// difference from Siddhi, which uses the wall clock even in playback (§20 quirk 5).
// With `group by`, the selector exports each output row's group key
// (AggregateSelector::emitted_keys()), and first/last work per group.
#pragma once

#include <memory>
#include <vector>

#include "runtime/operator/first_arrival_tap.h"
#include "runtime/operator/group_table.h"
#include "runtime/period_timer.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

struct RateLimitSpec {
  enum class Which { kAll, kFirst, kLast };
  Which which = Which::kAll;
  bool by_time = false;
  int64_t value = 0;                        // events, or milliseconds
  const Schema* output_schema = nullptr;
  const EventChunk* group_keys = nullptr;   // row i: group key of input row i; null: no group by
  std::string description;
};

class RateLimiter final : public Processor, public Timer, public PeriodAnchor {
 public:
  RateLimiter(RateLimitSpec spec, Scheduler* scheduler);

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  void OnTimer(int64_t due) override;
  void AnchorPeriods() override { period_.Start(); }
  std::string Describe() const override { return "RateLimit " + spec_.description; }

 private:
  uint32_t GroupOf(uint32_t row);
  // Schedules the end of the current period (time-based all/last), unless armed.
  void ArmPeriod();
  void Emit(EventChunk& chunk);
  // Remembers `row` as its group's latest (last every ...).
  void KeepLatest(const EventChunk& chunk, uint32_t row, uint32_t group);
  void FlushLatest();

  RateLimitSpec spec_;
  Scheduler* scheduler_;
  std::unique_ptr<KeyRowGroups> groups_;
  PeriodTimer period_;
  int64_t counter_ = 0;
  std::vector<int64_t> group_counters_;     // first every N events, per group
  std::vector<int64_t> group_last_emit_;    // first every T, per group (-1: never)
  EventChunk buffer_;                       // all every ...: rows waiting
  EventChunk latest_;                       // last every ...: latest row per group
  std::vector<int32_t> latest_slot_;        // group -> row of latest_, or -1
  std::vector<uint32_t> latest_groups_;
  ReentrantScratch<EventChunk> output_;
};

}  // namespace eddy::runtime
