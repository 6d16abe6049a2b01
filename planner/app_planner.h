// Private to the planner: the state of planning one app. Definitions are planned
// in plan_definitions.cpp, queries and partitions in plan_query.cpp.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "parser/ast/ast.h"
#include "planner/expr_compiler.h"
#include "planner/planner.h"
#include "planner/scope.h"
#include "planner/window_catalog.h"
#include "runtime/app_runtime.h"
#include "runtime/operator/aggregators.h"
#include "runtime/window/window.h"

namespace eddy::planner {

enum class DefinitionKind { kStream, kTable, kWindow, kTrigger, kAggregation, kFunction };

std::string_view KindName(DefinitionKind kind);

struct DefinitionInfo {
  DefinitionKind kind = DefinitionKind::kStream;
  const runtime::Schema* schema = nullptr;  // null for functions
  ast::SourceSpan span;
  bool inferred = false;  // created by `insert into`
  runtime::Window* window = nullptr;  // a named window's window (joins search it)
};

// A query's input after its handlers: the stream (or intermediate result) the
// selector reads, and the last processor of the chain so far.
struct PlannedInput {
  std::string description;
  const runtime::Schema* schema = nullptr;
  std::vector<ScopeInput> scope_inputs;
  // First processor, subscribed to `source` once the query is planned; joins
  // subscribe their sides themselves and leave source null.
  runtime::Processor* head = nullptr;
  runtime::Processor* tail = nullptr;  // last processor so far (null: none yet)
  std::vector<const runtime::Processor*> chain;
  runtime::StreamJunction* source = nullptr;
  // How events leave the window, if any (decides how min/max retract).
  runtime::ExpiryOrder expiry = runtime::ExpiryOrder::kOldestFirst;
  // The last processor is a window that emits every admitted event as EXPIRED
  // in arrival order (see AggregateSelectorSpec::expired_in_arrival_order).
  bool expired_in_arrival_order = false;
  // The last processor, when it is a window.
  runtime::Window* last_window = nullptr;
  // Events pass a window (the query's own, or a named window it reads).
  bool windowed = false;
  // Set by inputs that can skip work for EXPIRED and RESET rows when nothing
  // downstream shows them (the query outputs current events only and does not
  // aggregate); PlanQuery calls it then.
  std::function<void()> current_only_output;

  // Patterns: names resolve in `scope` instead of `scope_inputs`, `select *` is
  // `star`, and `finish` builds the operator once the selector is compiled
  // (the rows it produces depend on what the selector reads). It subscribes
  // through `subscriptions` (one entry per stream) instead of `source`.
  std::unique_ptr<Scope> scope;
  std::vector<std::pair<runtime::Attribute, ResolvedAttribute>> star;
  std::function<void(PlannedInput&)> finish;
  std::vector<std::pair<runtime::StreamJunction*, runtime::Processor*>> subscriptions;
};

class AppPlanner {
 public:
  AppPlanner(const ast::App& app, const PlanOptions& options);
  std::unique_ptr<runtime::AppRuntime> Plan();

 private:
  // plan_definitions.cpp
  void PlanAppAnnotations();
  void PlanDefinition(const ast::StreamDef& def);
  void PlanDefinition(const ast::TableDef& def);
  void PlanDefinition(const ast::WindowDef& def);
  void PlanDefinition(const ast::TriggerDef& def);
  void PlanDefinition(const ast::FunctionDef& def);
  void PlanDefinition(const ast::AggregationDef& def);
  runtime::Schema CheckAttributes(const std::vector<ast::AttributeDef>& attributes,
                                  std::string_view owner);
  void Declare(const std::string& name, DefinitionInfo info, const ast::SourceSpan& name_span);
  const DefinitionInfo* Find(std::string_view name) const;

  // plan_query.cpp
  // anonymous_target: the internal stream an anonymous inner query returns into.
  void PlanQuery(const ast::Query& query, const std::string* anonymous_target);
  void PlanPartition(const ast::Partition& partition);
  PlannedInput PlanStreamInput(const ast::StreamInput& input);
  void PlanHandlers(const ast::StreamInput& input, PlannedInput& planned);
  // plan_join.cpp
  PlannedInput PlanJoin(const ast::JoinInput& join, const ast::Selector& select);
  void CheckPattern(const ast::PatternNode& node);
  // plan_pattern.cpp
  PlannedInput PlanPattern(const ast::PatternInput& pattern, const ast::Query& query, const std::string& name);
  // expression/expressionBatch windows.
  runtime::Window* PlanExpressionWindow(const WindowSpec& spec, const ast::FunctionCall& call,
                                           const runtime::Schema* input);
  runtime::StreamJunction* ResolveSourceStream(const ast::StreamInput& input);
  void Append(PlannedInput& planned, runtime::Processor* processor);
  std::string NextQueryName(const ast::Query& query);

  const ast::App& app_;
  PlanOptions options_;
  std::unique_ptr<runtime::AppRuntime> runtime_;
  std::map<std::string, DefinitionInfo, std::less<>> definitions_;
  std::set<std::string, std::less<>> query_names_;
  // A "not supported yet" found mid-query; thrown once the rest of the query has
  // been checked, so that a real error elsewhere in it is reported instead.
  std::optional<CompileError> deferred_;
  int query_count_ = 0;
  int anonymous_count_ = 0;
};

// The internal stream that the readers of named window `name` subscribe to.
inline std::string WindowReadersName(const std::string& name) { return "(window " + name + ")"; }

// The runtime's description of a validated window; nullopt for windows Eddy does
// not execute yet.
std::optional<runtime::WindowConfig> ToWindowConfig(const WindowSpec& spec, std::string text);

// Case-insensitive ASCII comparison (annotation names and keys, keywords).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
const ast::Annotation* FindAnnotation(const std::vector<ast::Annotation>& annotations,
                                      std::string_view name);
// The value of `key` in an annotation (case-insensitive key), or null.
const ast::AnnotationElement* FindElement(const ast::Annotation& annotation, std::string_view key);

}  // namespace eddy::planner
