// `output snapshot every <time>` (LANGUAGE.md §9): at each period end, emits the
// query's current state rather than the rows of the period.
//
// The selector feeds every eligible row uncollapsed, with its kind (CURRENT or
// EXPIRED) and the window's RESETs, and, with group by, each row's group key.
// What a snapshot holds depends on the query (the reference's rules):
//  - no window: the last row ever (per group with group by);
//  - a window, no aggregate outputs: a row per event still in the window (an
//    EXPIRED row removes the first held row equal to it);
//  - a window, only aggregate outputs: the last row (per group), while the
//    window (group) holds events;
//  - a window mixing plain and aggregate outputs: a row per held event, carrying
//    the latest aggregate values (per group: one row per group).
// A RESET clears the state. Emitted rows keep their own timestamps.
//
// Periods run on the app clock, anchored at the clock when the query sees its
// first event (FirstArrivalTap; a deliberate difference from Siddhi's wall clock, §20 quirk 5).
#pragma once

#include <memory>
#include <vector>

#include "runtime/operator/first_arrival_tap.h"
#include "runtime/operator/group_table.h"
#include "runtime/period_timer.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

struct SnapshotSpec {
  int64_t period_ms = 0;
  bool windowed = false;
  std::vector<bool> aggregate_columns;    // per output column: a top-level aggregate call
  const Schema* output_schema = nullptr;
  const EventChunk* group_keys = nullptr;  // row i: group key of input row i; null: no group by
};

class SnapshotLimiter final : public Processor, public Timer, public PeriodAnchor {
 public:
  SnapshotLimiter(SnapshotSpec spec, Scheduler* scheduler);

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  void OnTimer(int64_t due) override;
  void AnchorPeriods() override { period_.Start(); }
  std::string Describe() const override;

 private:
  enum class Mode { kLast, kHeldRows, kLastWhileHeld, kHeldRowsLatestAggregates };

  uint32_t GroupOf(uint32_t row);
  // True when held row `held` equals `chunk` row `row` on the compared columns.
  bool SameRow(uint32_t held, const EventChunk& chunk, uint32_t row, bool skip_aggregates) const;
  void Remember(const EventChunk& chunk, uint32_t row, uint32_t group);
  void Forget(const EventChunk& chunk, uint32_t row, uint32_t group);
  void Clear();
  void SetLatest(uint32_t group, const EventChunk& chunk, uint32_t row);

  SnapshotSpec spec_;
  Mode mode_;
  Scheduler* scheduler_;
  std::unique_ptr<KeyRowGroups> groups_;
  PeriodTimer period_;
  EventChunk held_;                   // kHeldRows*: held rows in arrival order
  std::vector<uint32_t> held_group_;  // the group of each held row
  EventChunk latest_;                 // row g: group g's latest row (kLast*, aggregates)
  std::vector<uint8_t> has_latest_;
  std::vector<int64_t> live_;         // kLastWhileHeld: events held per group
  std::vector<uint32_t> group_order_;  // groups in first-seen order
  ReentrantScratch<EventChunk> output_;
};

}  // namespace eddy::runtime
