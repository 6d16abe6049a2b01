// The select clause of a query with aggregate functions and/or `group by`
// (LANGUAGE.md §6, selector algorithm):
//  1. walk the chunk in order; aggregates add CURRENT rows, subtract EXPIRED rows,
//     and a RESET clears every group; each CURRENT/EXPIRED row gets its output
//     row computed with the running values;
//  2. a row is eligible when its kind is asked for and `having` holds;
//  3. without group by only the chunk's last eligible row is emitted; with group by
//     the last eligible row of each group, groups in order of their first eligible
//     row;
//  4. order by, offset, limit per chunk.
// A group whose events have all expired disappears (its state starts afresh).
#pragma once

#include <memory>
#include <vector>

#include "runtime/operator/aggregators.h"
#include "runtime/operator/group_table.h"
#include "runtime/operator/selector.h"
#include "runtime/ring_buffer.h"

namespace eddy::runtime {

struct AggregateSpec {
  std::unique_ptr<AggregateColumn> column;
  std::vector<EvaluatorPtr> args;  // over the input
};

struct AggregateSelectorSpec {
  // Output columns are evaluated with EvalFrame::extra = the aggregate results;
  // `having` with extra = aggregate results followed by the output columns.
  SelectorSpec select;
  std::vector<AggregateSpec> aggregates;
  std::vector<EvaluatorPtr> group_keys;  // over the input; empty: one group
  const Schema* key_schema = nullptr;    // types of group_keys
  // The input comes straight from a window that emits every event it admitted
  // as EXPIRED, in admission order (length, time, batch windows): the group of
  // an EXPIRED row is then recalled from a FIFO instead of hashed again (and
  // checked, so a wrong guess only costs the lookup it would have made anyway).
  bool expired_in_arrival_order = false;
};

// SlidingAggregateSelector (sliding_aggregate_selector.h) derives from this: it
// computes the aggregate values its own way and shares the rest.
class AggregateSelector : public Processor {
 public:
  AggregateSelector(AggregateSelectorSpec spec, const Scheduler* clock);

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "Aggregate " + spec_.select.description; }

  // Starts recording the group keys of emitted rows and returns where: row i is
  // the group key of output row i of the chunk being emitted (group by only;
  // null without). Read by a rate limiter downstream while it handles that chunk.
  const EventChunk* TrackEmittedKeys();

 protected:
  // Evaluates the group keys over `frame` into key_views_ (group by only).
  void EvalKeys(const EvalFrame& frame);
  // Frees the groups in emptied_ that are still empty, and clears emptied_.
  void FreeEmptiedGroups();
  // Steps 2-4 for the rows of `chunk` in `rows`. REQUIRES: results_[a] holds
  // aggregate a's value for every row of `rows` that can be emitted, and (group
  // by) key_views_ and group_of_row_ hold those rows' keys and groups.
  void EmitRows(const EventChunk& chunk, std::span<const uint32_t> rows, const EvalFrame& frame);

 private:
  void AssignGroups(const EventChunk& chunk, std::span<const uint32_t> rows);

 protected:

  AggregateSelectorSpec spec_;
  const Scheduler* clock_;
  std::unique_ptr<GroupTable> groups_;  // null without group by
  std::vector<int64_t> group_sizes_;    // live events per group id
  std::vector<uint32_t> group_of_row_;
  std::vector<uint8_t> fresh_;
  std::vector<uint32_t> emptied_;  // groups whose size reached 0 in this chunk
  RingBuffer<uint32_t> admitted_groups_;  // expired_in_arrival_order: group per held event
  std::vector<ColumnView> key_views_;
  std::vector<std::unique_ptr<Column>> results_;
  std::vector<ColumnView> arg_views_;
  std::vector<ColumnView> extra_;  // aggregate results, then output columns
  std::vector<uint32_t> selected_;
  std::vector<int32_t> group_slot_;  // per group id: index into selected_, or -1
  std::unique_ptr<EventChunk> emitted_keys_;  // null unless tracked
  ReentrantScratch<EventChunk> output_;
};

}  // namespace eddy::runtime
