// Core stream functions (LANGUAGE.md §7): #log(...) and #pol2Cart(...).
#pragma once

#include <functional>
#include <string>

#include "runtime/expr/evaluator.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

// #log([priority,] [message,] [is.event.logged]): writes each event to the log
// sink and passes the chunk on unchanged.
class LogFunction final : public Processor {
 public:
  using Sink = std::function<void(std::string_view priority, std::string_view line)>;
  LogFunction(std::string priority, std::string message, bool log_event, Sink sink)
      : priority_(std::move(priority)), message_(std::move(message)), log_event_(log_event),
        sink_(std::move(sink)) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "Log '" + message_ + "'"; }

 private:
  std::string priority_;
  std::string message_;
  bool log_event_;
  Sink sink_;
};

// #pol2Cart(theta, rho[, z]): appends x, y (and z) as doubles; theta in degrees.
// Output rows use `output_schema` = input attributes + x, y[, z].
class Pol2CartFunction final : public Processor {
 public:
  Pol2CartFunction(EvaluatorPtr theta, EvaluatorPtr rho, EvaluatorPtr z,
                   const Schema* output_schema, const Scheduler* clock);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "Pol2Cart"; }

 private:
  EvaluatorPtr theta_;
  EvaluatorPtr rho_;
  EvaluatorPtr z_;  // may be null
  const Schema* output_schema_;
  const Scheduler* clock_;
  ReentrantScratch<EventChunk> output_;
};

// Text form of an event as the log shows it:
// "Event{timestamp=1000, data=[IBM, 75.6], isExpired=false}".
std::string DescribeEvent(const EventChunk& chunk, uint32_t row);

}  // namespace eddy::runtime
