// expression('<condition>') and expressionBatch('<condition>'[, include.triggering.event]):
// windows kept while a condition over their contents holds (LANGUAGE.md §7).
//
// The condition is evaluated on a one-row frame holding the oldest event's
// attributes, the newest's, and both timestamps; its aggregates (count(),
// sum(price), ...) are kept incrementally over the window's events with the
// selector's aggregate columns, fed the events that enter and leave.
#pragma once

#include <vector>

#include "runtime/operator/aggregate_selector.h"
#include "runtime/window/window.h"

namespace eddy::runtime {

struct ExpressionWindowSpec {
  bool batch = false;
  bool include_triggering_event = false;
  const Schema* frame_schema = nullptr;  // first attrs, last attrs, first ts, last ts
  EvaluatorPtr condition;                // over the frame; extra = aggregate results
  std::vector<AggregateSpec> aggregates; // arguments over the window's events
};

class ExpressionWindow final : public Window {
 public:
  ExpressionWindow(const WindowConfig& config, const Schema* schema, Scheduler* scheduler,
                   ExpressionWindowSpec spec);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;

 private:
  // Feeds one event entering (CURRENT), leaving (EXPIRED) or a reset to the
  // aggregates.
  void Aggregate(const Slot* slots, const uint8_t* nulls, int64_t ts, EventKind kind);
  bool Holds();
  void ProcessSliding(const EventChunk& chunk, uint32_t row, EventChunk& out);
  void ProcessBatch(const EventChunk& chunk, uint32_t row, EventChunk& out);

  ExpressionWindowSpec spec_;
  RowQueue held_;
  RowQueue previous_;  // batch: the last flushed batch, expired at the next flush
  EventChunk one_;     // the event fed to the aggregates
  EventChunk frame_;
  std::vector<std::unique_ptr<Column>> results_;
  std::vector<ColumnView> result_views_;
  std::vector<ColumnView> args_;
};

}  // namespace eddy::runtime
