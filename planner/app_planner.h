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
#include "planner/query_recipe.h"
#include "planner/scope.h"
#include "planner/window_catalog.h"
#include "runtime/aggregation/aggregation_reader.h"
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
  runtime::Table* table = nullptr;    // a table's rows
  runtime::AggregationStore* aggregation = nullptr;  // an aggregation's buckets
};

// A query's input after its handlers: the stream (or intermediate result) the
// selector reads, and the last processor of the chain so far (nodes of the
// query's recipe).
struct PlannedInput {
  using Node = QueryRecipe::Node;
  std::string description;
  const runtime::Schema* schema = nullptr;
  std::vector<ScopeInput> scope_inputs;
  // First processor, subscribed to `source` once the query is planned; joins
  // subscribe their sides themselves and leave source null.
  std::optional<Node> head;
  std::optional<Node> tail;  // last processor so far (none yet: nullopt)
  std::vector<Node> chain;
  runtime::StreamJunction* source = nullptr;
  // How events leave the window, if any (decides how min/max retract).
  runtime::ExpiryOrder expiry = runtime::ExpiryOrder::kOldestFirst;
  // The last processor is a window that emits every admitted event as EXPIRED
  // in arrival order (see AggregateSelectorSpec::expired_in_arrival_order).
  bool expired_in_arrival_order = false;
  // The last processor, when it is a window, and whether a join can search it.
  std::optional<Node> last_window;
  bool last_window_searchable = false;
  // Its configuration, for a query's own window (not a join's or a named one's).
  std::optional<runtime::WindowConfig> last_window_config;
  // Events pass a window (the query's own, or a named window it reads).
  bool windowed = false;
  // Set by inputs that can skip work for EXPIRED and RESET rows when nothing
  // downstream shows them (the query outputs current events only and does not
  // aggregate); PlanQuery calls it then.
  std::function<void()> current_only_output;

  // Patterns: names resolve in `scope` instead of `scope_inputs`, `select *` is
  // `star`, and `finish` builds the operator once the selector is compiled
  // (the rows it produces depend on what the selector reads). It subscribes
  // itself (one entry per stream) instead of through `source`.
  std::unique_ptr<Scope> scope;
  std::vector<std::pair<runtime::Attribute, ResolvedAttribute>> star;
  std::function<void(PlannedInput&)> finish;
  // Patterns: when the select clause passes every column of the input's rows on
  // unchanged, in order (SelectorSpec::pass_through), the input builds its rows
  // in the clause's output schema instead; returns whether it does. Called
  // before `finish`.
  std::function<bool(const runtime::Schema* output)> adopt_output_schema;
};

struct PartitionPlan;  // plan_partition.cpp: the partition being planned

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
  PlannedInput PlanStreamInput(const ast::StreamInput& input);
  void PlanHandlers(const ast::StreamInput& input, PlannedInput& planned);
  // plan_join.cpp
  PlannedInput PlanJoin(const ast::JoinInput& join, const ast::Selector& select, const std::string& query);
  // plan_aggregation.cpp
  // What the stream side `probe` of a join with `store` reads: `within` and `per` checked and compiled.
  runtime::AggregationReaderSpec PlanAggregationRead(const ast::JoinInput& join, const runtime::AggregationStore& store,
                                                     const ScopeInput& probe);
  void CheckPattern(const ast::PatternNode& node);
  // plan_pattern.cpp
  PlannedInput PlanPattern(const ast::PatternInput& pattern, const ast::Query& query, const std::string& name);
  // expression/expressionBatch windows.
  QueryRecipe::Make PlanExpressionWindow(const WindowSpec& spec, const ast::FunctionCall& call,
                                         const runtime::Schema* input);
  // The stream a query reads (inside a partition: the partition's port for it).
  runtime::StreamJunction* ResolveSourceStream(const ast::StreamInput& input);
  runtime::StreamJunction* ResolveAppStream(const ast::StreamInput& input);
  // Adds a processor to the chain: a step of the current query's recipe.
  QueryRecipe::Node Append(PlannedInput& planned, QueryRecipe::Make make);
  std::string NextQueryName(const ast::Query& query);
  // The stream an anonymous inner query returns into (one per partition
  // instance inside a partition).
  runtime::StreamJunction* AddInternalStream(const std::string& name, runtime::Schema schema);
  // Builds a planned query (top level) or hands it to the partition.
  void FinishRecipe(std::unique_ptr<QueryRecipe> recipe);

  // plan_table.cpp
  const DefinitionInfo& FindTable(const std::string& name, const ast::SourceSpan& span);
  runtime::EvaluatorPtr CompileInTable(const ast::Expr& in, const Scope& outer);
  // The last processor of a query whose output action writes a table.
  QueryRecipe::Make PlanTableOutput(const ast::OutputAction& action, const runtime::Schema* output,
                                    const std::string& query);

  // plan_partition.cpp
  void PlanPartition(const ast::Partition& partition);
  void AddPartitionQuery(std::unique_ptr<QueryRecipe> recipe);
  // A stream read inside the partition: its port (keyed or broadcast).
  runtime::StreamJunction* PartitionInput(runtime::StreamJunction* stream);
  // `#name` inside the partition: its port, or null when nothing inserts into it.
  runtime::StreamJunction* FindInnerStream(const std::string& name) const;
  // `insert into #name`: its port, made on first use; checks the schema.
  runtime::StreamJunction* InnerStreamTarget(const std::string& name, const runtime::Schema& schema,
                                             const ast::SourceSpan& span);

  const ast::App& app_;
  PlanOptions options_;
  std::unique_ptr<runtime::AppRuntime> runtime_;
  std::map<std::string, DefinitionInfo, std::less<>> definitions_;
  std::set<std::string, std::less<>> query_names_;
  // A "not supported yet" found mid-query; thrown once the rest of the query has
  // been checked, so that a real error elsewhere in it is reported instead.
  std::optional<CompileError> deferred_;
  QueryRecipe* recipe_ = nullptr;      // the query being planned
  PartitionPlan* partition_ = nullptr;  // the partition being planned, if any
  // Compiles `cond in T` in stream filters (CompileInTable).
  InTableCompiler in_table_ = [this](const ast::Expr& in, const Scope& outer) { return CompileInTable(in, outer); };
  int query_count_ = 0;
  int anonymous_count_ = 0;
  int partition_count_ = 0;
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
