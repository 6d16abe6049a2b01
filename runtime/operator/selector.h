// The select clause of a query without aggregation: computes the output rows of a
// chunk and hands them, as a new chunk in the output schema, to next().
//
// Per chunk (LANGUAGE.md §6): every eligible row (its kind is one the output asks
// for, and `having` holds) becomes an output row; then `order by`, `offset` and
// `limit` apply to the chunk's rows. Output rows are CURRENT (an EXPIRED row
// becomes an ordinary event on output) and keep their event's timestamp.
// Expressions are evaluated once per chunk, column-wise.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/expr/evaluator.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

struct OrderKey {
  uint32_t column;  // index into SelectorSpec::columns: an output attribute, or a column after them
  bool descending;
  Type type;
};

struct SelectorSpec {
  const Schema* output_schema = nullptr;  // REQUIRES: outlives the selector
  // One per output attribute, over the input; then any order by keys that
  // are input attributes (not output).
  std::vector<EvaluatorPtr> columns;
  // Over the input, with EvalFrame::extra = the output columns (having may use
  // output names and input attributes).
  EvaluatorPtr having;
  std::vector<OrderKey> order_by;
  std::optional<int64_t> offset;
  std::optional<int64_t> limit;
  bool emit_current = true;
  bool emit_expired = false;
  // Feeding `output snapshot`: every eligible row goes on uncollapsed and
  // unordered, keeping its kind, and RESET rows go on too.
  bool snapshot_feed = false;
  // The output columns are the input's columns in order, with nothing else to
  // apply (no having, order by, offset or limit; current events out), and the
  // input's rows come in this spec's output schema: a chunk of CURRENT rows is
  // passed on as it is instead of copied.
  bool pass_through = false;
  std::string description;  // for explain
};

// Shared by the selectors: stable sort of `rows` by the output columns `views`
// (nulls last in both directions), then offset/limit; returns the [begin, end)
// range of `rows` to emit.
std::pair<size_t, size_t> OrderAndLimit(const SelectorSpec& spec, std::span<const ColumnView> views,
                                        std::span<uint32_t> rows);
// Appends one output row per entry of `rows`, read from `views`: CURRENT, or
// with `keep_kinds` the input row's kind (a RESET row carries no values).
void AppendOutputRows(const EventChunk& input, std::span<const uint32_t> rows,
                      std::span<const ColumnView> views, EventChunk& out, bool keep_kinds = false);
// Whether input row `row` becomes an output row (before `having`).
inline bool Eligible(const SelectorSpec& spec, EventKind kind) {
  return (kind == EventKind::kCurrent && spec.emit_current) || (kind == EventKind::kExpired && spec.emit_expired) ||
         (kind == EventKind::kReset && spec.snapshot_feed);
}

class Selector final : public Processor {
 public:
  Selector(SelectorSpec spec, const Scheduler* clock);

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override {
    return "Select " + spec_.description + (spec_.pass_through ? " (rows passed through)" : "");
  }

 private:
  SelectorSpec spec_;
  const Scheduler* clock_;
  std::vector<ColumnView> views_;
  std::vector<uint32_t> selected_;
  ReentrantScratch<EventChunk> output_;
};

}  // namespace eddy::runtime
