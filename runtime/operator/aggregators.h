// Aggregate functions over chunks (LANGUAGE.md §8).
//
// An AggregateColumn is one aggregate call of a select clause (e.g. `avg(price)`)
// with its state for every group. Process() walks a chunk's rows in order:
// CURRENT rows are added, EXPIRED rows subtracted, a RESET clears every group,
// and each CURRENT/EXPIRED row gets the running value of its group written to the
// output column at that row's index. One virtual call per aggregate per chunk;
// the loop inside is typed.
//
// Sliding updates are O(1) amortized: sums and counts retract; min/max over
// windows that expire oldest-first keep a monotonic deque per group; other windows
// (sort, frequent, ...) use a counted ordered map (O(log n)).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "runtime/event_chunk.h"
#include "runtime/expr/evaluator.h"

namespace eddy::runtime {

// Which groups rows belong to and when a group starts afresh.
struct GroupAssignment {
  const uint32_t* group = nullptr;  // group id per chunk row
  const uint8_t* fresh = nullptr;   // 1: the group was empty before this row (reset it)
};

// One step of a fused sliding window (runtime/operator/sliding_aggregate_selector.h):
// an event entering (kAdd, or kAddFresh when its group was empty and starts
// afresh) or leaving (kRemove) group `group`. Adds write the group's running
// value to out[row]; removes write nothing. Bit k of `null_args`: the event's
// argument k (numbered by the caller) is null.
struct SlideOp {
  enum class Kind : uint32_t { kAdd, kAddFresh, kRemove };
  uint32_t group;
  uint32_t row;
  Kind kind;
  uint32_t null_args;
};

class SlidingAggregateSelector;

class AggregateColumn {
 public:
  virtual ~AggregateColumn() = default;
  virtual Type result_type() const = 0;

  // REQUIRES: `args` holds one view per argument, evaluated over `chunk`.
  // Writes out[row] for every CURRENT/EXPIRED row in `rows`.
  virtual void Process(const EventChunk& chunk, std::span<const uint32_t> rows,
                       const GroupAssignment& groups, std::span<const ColumnView> args,
                       Column& out) = 0;
  // Applies `ops` in order; op i's argument is values[i], null where bit `arg`
  // of its null_args is set (values is null without an argument). The same
  // state transitions as Process for the CURRENT/EXPIRED rows these ops stand
  // for. REQUIRES: every op's group < `groups`.
  virtual void Slide(std::span<const SlideOp> ops, const Slot* values, uint32_t arg, uint32_t groups,
                     Column& out) = 0;
  // Runs `window`'s walk over the `arrivals` its Admit took in
  // (SlidingAggregateSelector::Walk) with this as the query's only aggregate, in
  // one typed loop; writes out[row] for each arrival.
  virtual void SlideWindow(SlidingAggregateSelector& window, uint32_t arrivals, Column& out) = 0;
  // Drops the state of one group (its id will be reused).
  virtual void ResetGroup(uint32_t group) = 0;
};

enum class ExpiryOrder {
  kOldestFirst,  // length, time, batch windows: expired events leave in arrival order
  kAny,          // sort, frequent, ...: any order
};

// Builds the aggregate `name` (canonical lower-case name from the catalog, e.g.
// "sum", "minforever", "distinctcount") for argument types `arg_types`.
// REQUIRES: the planner has validated name, arity and types.
std::unique_ptr<AggregateColumn> MakeAggregate(const std::string& name,
                                               std::span<const Type> arg_types,
                                               ExpiryOrder expiry);

}  // namespace eddy::runtime
