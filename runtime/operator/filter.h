// `[condition]` on a stream: passes the rows whose condition is true. RESET and
// TIMER rows carry no attributes and always pass (they mark batch boundaries for
// the operators downstream).
#pragma once

#include <string>

#include "runtime/expr/evaluator.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

class Filter final : public Processor {
 public:
  // `description` is the condition as the user wrote it, for explain.
  Filter(EvaluatorPtr condition, const Scheduler* clock, std::string description)
      : condition_(std::move(condition)), clock_(clock), description_(std::move(description)) {}

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "Filter " + description_; }

 private:
  EvaluatorPtr condition_;
  const Scheduler* clock_;
  std::string description_;
  ReentrantScratch<RowList> selected_;
};

}  // namespace eddy::runtime
