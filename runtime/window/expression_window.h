// expression('<condition>') and expressionBatch('<condition>'[, include.triggering.event]):
// windows kept while a condition over their contents holds (LANGUAGE.md §7).
//
// The condition is evaluated on a one-row frame holding the oldest event's
// attributes, the newest's, and both timestamps; its aggregates (count(),
// sum(price), ...) are kept incrementally over the window's events with the
// selector's aggregate columns, fed the events that enter and leave.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/operator/aggregate_selector.h"
#include "runtime/window/window.h"

namespace eddy::runtime {

// A condition compiled for the window: the evaluator over the frame (extra
// columns = the aggregate results) and its aggregates over the window's events.
struct WindowCondition {
  EvaluatorPtr condition;
  std::vector<AggregateSpec> aggregates;
};

// Compiles condition text met at run time (the condition held in an attribute).
// Throws std::invalid_argument with a message when the text is not a valid
// condition for the window.
using WindowConditionCompiler = std::function<WindowCondition(std::string_view text)>;

struct ExpressionWindowSpec {
  bool batch = false;
  bool include_triggering_event = false;
  int32_t include_triggering_attr = -1;  // ... or read from this bool attribute
  bool stream_current_event = false;     // batch: events pass on arrival, the flush expires them
  const Schema* frame_schema = nullptr;  // first attrs, last attrs, first ts, last ts
  WindowCondition condition;             // a constant condition, or none yet
  int32_t condition_attr = -1;           // the condition is this string attribute's value
  WindowConditionCompiler compile;       // for condition_attr
  std::function<void(std::string_view)> log;  // reports conditions that do not compile
};

class ExpressionWindow final : public Window {
 public:
  ExpressionWindow(const WindowConfig& config, const Schema* schema, Scheduler* scheduler,
                   ExpressionWindowSpec spec);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  // What a join searches: the held events (batch: the last flushed batch).
  bool AppendContents(std::vector<RowRun>& runs) const override {
    (spec_.batch && !spec_.stream_current_event ? previous_ : held_).AppendRuns(runs);
    return true;
  }

 private:
  // Feeds one event entering (CURRENT), leaving (EXPIRED) or a reset to the
  // aggregates.
  void Aggregate(const Slot* slots, const uint8_t* nulls, int64_t ts, EventKind kind);
  bool Holds();
  // The condition held in the arrival's attribute; on a change the held events
  // are aggregated again and re-checked. False when it does not compile.
  bool UseConditionOf(const EventChunk& chunk, uint32_t row, EventChunk& out);
  void InstallCondition(WindowCondition condition);
  // Sliding: while the condition fails the oldest events leave.
  void ExpireWhileFailing(EventChunk& out);
  void ProcessSliding(const EventChunk& chunk, uint32_t row, EventChunk& out);
  void ProcessBatch(const EventChunk& chunk, uint32_t row, EventChunk& out);

  ExpressionWindowSpec spec_;
  std::string condition_text_;  // condition_attr: the text in force
  bool has_condition_ = false;
  RowQueue held_;
  RowQueue previous_;  // batch: the last flushed batch, expired at the next flush
  EventChunk one_;     // the event fed to the aggregates
  EventChunk frame_;
  std::vector<std::unique_ptr<Column>> results_;
  std::vector<ColumnView> result_views_;
  std::vector<ColumnView> args_;
};

}  // namespace eddy::runtime
