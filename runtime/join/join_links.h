// The plumbing around a join's two sides (runtime/join/join_side.h).
//
// JoinOutput: where both sides hand their joined chunks; its next() is the
// query's selector chain, so the rest of the query is planned as for a single
// input.
//
// JoinFanout: a stream joined with itself (`from S#w as a join S#w2 as b`) is
// read once, and each event goes through the left side's chain and then the
// right side's before the next event, as the reference engine does: the left
// side's trigger does not find the event in the right side's window yet, the
// right side's does find it in the left's.
//
// Not thread-safe; the planner owns these and the chains they point at.
#pragma once

#include "runtime/processor.h"

namespace eddy::runtime {

class JoinOutput final : public Processor {
 public:
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    if (next_ != nullptr) next_->Process(chunk, rows);
  }
  std::string Describe() const override { return "JoinOutput"; }
};

class JoinFanout final : public Processor {
 public:
  JoinFanout(Processor* left, Processor* right) : left_(left), right_(right) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    for (const uint32_t& row : rows) {
      left_->Process(chunk, std::span<const uint32_t>(&row, 1));
      right_->Process(chunk, std::span<const uint32_t>(&row, 1));
    }
  }
  std::string Describe() const override { return "JoinFanout (each event: left side, then right side)"; }

 private:
  Processor* left_;
  Processor* right_;
};

}  // namespace eddy::runtime
