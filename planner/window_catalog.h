// Siddhi's core windows (LANGUAGE.md §7): their parameter signatures, checked at
// plan time, and the validated parameters the window operators are built from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parser/ast/ast.h"
#include "runtime/cron.h"
#include "runtime/event_chunk.h"

namespace eddy::planner {

enum class WindowKind {
  kLength, kLengthBatch, kTime, kTimeBatch, kTimeLength, kExternalTime, kExternalTimeBatch,
  kSession, kSort, kFrequent, kLossyFrequent, kDelay, kCron, kBatch, kExpression, kExpressionBatch
};

struct WindowSpec {
  WindowKind kind = WindowKind::kLength;
  std::string name;                      // as Siddhi spells it, e.g. "timeBatch"
  int64_t length = 0;                    // length, lengthBatch, timeLength, sort, frequent, batch (0: unset)
  int64_t time_ms = 0;                   // time, timeBatch, timeLength, externalTime*, delay; session gap
  std::optional<int64_t> start_time;     // timeBatch, externalTimeBatch (constant)
  int32_t start_time_attr = -1;          // externalTimeBatch start.time given as an attribute
  bool stream_current_event = false;     // lengthBatch, timeBatch, expressionBatch
  std::optional<int64_t> timeout_ms;     // externalTimeBatch
  bool replace_with_batch_time = false;  // externalTimeBatch
  int32_t timestamp_attr = -1;           // externalTime, externalTimeBatch
  int32_t key_attr = -1;                 // session key
  int64_t allowed_latency_ms = 0;        // session
  std::vector<std::pair<int32_t, bool>> sort_keys;  // attribute, descending
  std::vector<int32_t> key_attrs;        // frequent, lossyFrequent
  double support = 0;                    // lossyFrequent
  double error = 0;                      // lossyFrequent (default support / 10)
  std::string cron;                      // cron
  std::optional<runtime::CronSchedule> cron_schedule;
  std::string expression;                // expression, expressionBatch (constant condition)
  int32_t expression_attr = -1;          // ... or an attribute holding it
  bool include_triggering_event = false; // expressionBatch
  int32_t include_triggering_attr = -1;  // ... or an attribute holding it
};

// Checks `call` (`#window.name(args)`, or a `define window`'s window) against
// its signature, resolving attribute parameters in `input`. Throws CompileError at
// the offending argument.
WindowSpec ValidateWindow(const ast::FunctionCall& call, const runtime::Schema& input);

}  // namespace eddy::planner
