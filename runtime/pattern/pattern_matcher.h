// The operator that runs a pattern or sequence query's automaton.
//
// It has one entry point per stream the pattern reads (subscribe entry(i) to
// stream i); the events of each are offered to the automaton one by one, after
// the states' local conditions were evaluated for the whole chunk at once. Each
// match becomes one row (PatternSpec::output: the selected attributes of the
// matched events, stamped with the last matched event's time, or the deadline of
// an absence) handed to next() as a chunk of its own, as the reference engine
// hands each match to the selector: aggregation, group by, having and rate
// limiting then work as for any query.
//
// Owns the spec and its one instance (PatternState). Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/pattern/pattern_spec.h"
#include "runtime/pattern/pattern_state.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

class PatternMatcher final : public Processor, public PatternState::Sink {
 public:
  // REQUIRES: scheduler outlives the matcher; spec is complete (output set).
  PatternMatcher(std::unique_ptr<PatternSpec> spec, Scheduler* scheduler, PatternState::LogSink log,
                 std::string query_name);
  ~PatternMatcher() override;

  // Where events of input stream i (PatternSpec::stream_names[i]) go.
  Processor* entry(uint32_t stream) const;
  // Arms the automaton at app start (absences at the start wait from `now`).
  void Start(int64_t now) { state_->Start(now); }

  const PatternSpec& spec() const { return *spec_; }
  size_t live_partial_matches() const { return state_->live(); }
  uint64_t dropped_partial_matches() const { return state_->dropped(); }

  // The matcher is fed through its entries, never directly.
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override;

  // PatternState::Sink
  void Begin() override;
  void OnMatch(const PatternState& state, MatchStore::Pm pm) override;
  void End() override;

 private:
  class Entry;
  void OnStream(uint32_t stream, const EventChunk& chunk, std::span<const uint32_t> rows);

  std::unique_ptr<PatternSpec> spec_;
  Scheduler* scheduler_;
  std::string query_name_;
  PatternScratch scratch_;
  std::unique_ptr<PatternState> state_;
  std::vector<std::unique_ptr<Entry>> entries_;
  // The local conditions of the chunk being processed, per node of its stream.
  std::vector<ColumnView> local_;
  // Matches waiting to be emitted, and the one-row chunk each goes out in; one of
  // each per nesting depth (emitting may re-enter the matcher through a cycle).
  std::vector<std::unique_ptr<EventChunk>> pending_;
  std::vector<std::unique_ptr<EventChunk>> single_;
  size_t depth_ = 0;
};

}  // namespace eddy::runtime
