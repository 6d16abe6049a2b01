// ast::App -> a runnable runtime::AppRuntime.
//
// The planner resolves every name and type, checks everything the language
// requires (LANGUAGE.md), and lowers the app into runtime objects: stream
// junctions, query chains of processors with compiled evaluators, triggers. It is
// the only layer that sees both the AST and the runtime.
//
// Every problem is a CompileError at the span of the offending text. A construct
// that Eddy does not execute yet is rejected with "<feature> is not supported
// yet", after the checks that apply to it, so invalid apps still get the real
// error.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "parser/ast/ast.h"
#include "runtime/app_runtime.h"

namespace eddy::planner {

struct PlanOptions {
  bool playback = false;
  // Live partial matches per pattern query (@info(max.partial.matches=...) overrides).
  size_t max_partial_matches = 1'000'000;
  // Fuse a sliding window with the aggregation it feeds where results allow
  // (runtime/operator/sliding_aggregate_selector.h). Off only in tests that
  // compare the fused path with the general one.
  bool fuse_sliding_aggregates = true;
  // Where #log() and runtime warnings write; defaults to stderr.
  std::function<void(std::string_view priority, std::string_view line)> log_sink;
};

std::unique_ptr<runtime::AppRuntime> PlanApp(const ast::App& app, const PlanOptions& options);

}  // namespace eddy::planner
