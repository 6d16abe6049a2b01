// One side of a join (LANGUAGE.md §10): receives what that side's window emits
// and, for each CURRENT or EXPIRED event, searches what the other side holds
// now, handing the joined rows to the query's selector as one chunk per
// triggering event.
//
// Joined rows are in the join's schema [left attributes | right attributes] and
// carry the trigger's kind and timestamp. Candidate pairs are built in a reused
// probe chunk and the compiled `on` condition is evaluated over all of them in
// one call; the chunk goes on with the rows that matched. An unmatched trigger
// of an outer side gives one row with the other side's attributes null. A RESET
// (a batch boundary, or the end of a window-less side's event) goes on as a
// one-row RESET chunk, so that aggregates restart. TIMER rows are ignored.
//
// What a side holds is its window's contents (Window::AppendContents): its own
// window, a named window, a length-0 batch window for a side without one
// (holds nothing), or a table (a side that never triggers); the peer of an
// aggregation side searches the rows the aggregation makes for each trigger. With EnableIndex a side also keeps a FifoKeyIndex over its
// own window's rows, which the other side probes with the key of its trigger
// instead of scanning; the index is fed from the window's output, so it is only
// for FIFO windows whose every CURRENT/EXPIRED event reaches this side.
//
// Ownership: the planner owns sides, windows and the condition; a side points at
// its peer and at the contents it searches (both outlive it). Not thread-safe;
// re-entrant through cycles of queries (per-depth scratch).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/expr/evaluator.h"
#include "runtime/join/fifo_key_index.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"
#include "runtime/table/table.h"
#include "runtime/window/window.h"

namespace eddy::runtime {

struct JoinSideSpec {
  const Schema* joined = nullptr;  // [left attributes | right attributes]
  bool left = true;                // this side's attributes come first
  bool triggers = true;            // false: the other side is unidirectional
  bool outer = false;              // an unmatched trigger gives a row with the other side null
  EvaluatorPtr condition;          // `on`, over the joined schema; null: every pair matches
  std::string description;         // for explain
};

class JoinSide final : public Processor {
 public:
  JoinSide(JoinSideSpec spec, const Schema* own, const Schema* other, const Scheduler* clock);

  // REQUIRES: set before events flow; `contents` and `peer` outlive this side.
  // contents: what this side holds (searched by the peer).
  void Connect(const RowSource* contents, const JoinSide* peer) {
    contents_ = contents;
    peer_ = peer;
  }
  // Keeps an index of this side's own window rows by attribute `slot`.
  // REQUIRES: the window is FIFO and all its CURRENT/EXPIRED events reach this side.
  void EnableIndex(uint32_t slot, Type type) { index_ = std::make_unique<FifoKeyIndex>(slot, type); }
  // Probes the peer's index with this side's attribute `slot` (the peer has
  // EnableIndex on the attribute it is compared with).
  void ProbeIndexWith(uint32_t slot) { probe_key_ = static_cast<int32_t>(slot); }
  // Finds candidates in `table` (the peer's contents) through its index on
  // `table_attribute`, with this side's attribute `slot` as the key.
  // REQUIRES: table->indexed(table_attribute).
  void ProbeTableWith(uint32_t slot, const Table* table, uint32_t table_attribute) {
    probe_key_ = static_cast<int32_t>(slot);
    probe_table_ = table;
    probe_table_attribute_ = table_attribute;
  }
  // Searches the rows `source` makes for each trigger instead of the peer's
  // contents (the peer is an aggregation side). REQUIRES: `source` outlives this side.
  void ProbeRowsOf(ProbedRowSource* source) { probed_ = source; }
  // Only CURRENT events trigger: the query's output would drop the rows of
  // EXPIRED and RESET triggers unseen (current events only, no aggregates).
  void set_current_triggers_only() { current_only_ = true; }

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override {
    return spec_.description + (probed_ != nullptr       ? ", reads the aggregation's buckets"
                                : probe_table_ != nullptr ? ", looks rows up in the table's index"
                                : probe_key_ >= 0         ? ", probes the other side's key index"
                                                          : "");
  }

 private:
  struct Scratch {
    explicit Scratch(const Schema* joined) : probe(joined) {}
    EventChunk probe;
    std::vector<RowRun> runs;
    std::vector<uint32_t> matched;
    std::vector<uint32_t> slots;  // table candidates
  };
  // Appends the joined row of trigger `row` and candidate (slots, nulls) (null:
  // the other side all null).
  void AppendPair(EventChunk& probe, const EventChunk& chunk, uint32_t row, const Slot* slots,
                  const uint8_t* nulls) const;
  // Appends a pair for every row the peer holds that may match trigger `row`.
  void AppendCandidates(Scratch& s, const EventChunk& chunk, uint32_t row) const;
  void Trigger(Scratch& s, const EventChunk& chunk, uint32_t row);

  JoinSideSpec spec_;
  const Scheduler* clock_;
  uint32_t arity_;
  uint32_t other_arity_;
  const RowSource* contents_ = nullptr;
  const JoinSide* peer_ = nullptr;
  std::unique_ptr<FifoKeyIndex> index_;
  int32_t probe_key_ = -1;
  const Table* probe_table_ = nullptr;
  uint32_t probe_table_attribute_ = 0;
  ProbedRowSource* probed_ = nullptr;
  bool current_only_ = false;
  ReentrantScratch<Scratch> scratch_;
};

}  // namespace eddy::runtime
