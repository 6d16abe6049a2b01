#include <cctype>
#include <stdexcept>
#include <cstdio>
#include <variant>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "planner/spec_copies.h"
#include "planner/window_catalog.h"
#include "runtime/expr/factory.h"
#include "runtime/operator/aggregate_selector.h"
#include "runtime/operator/filter.h"
#include "runtime/operator/insert_into.h"
#include "runtime/operator/rate_limiter.h"
#include "runtime/operator/selector.h"
#include "runtime/operator/sliding_aggregate_selector.h"
#include "runtime/operator/snapshot_limiter.h"
#include "runtime/operator/stream_functions.h"
#include "runtime/window/expression_window.h"
#include "runtime/window/window.h"
#include "parser/parse.h"

namespace eddy::planner {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

std::vector<std::string> Names(const runtime::Schema& schema) {
  std::vector<std::string> names;
  for (const auto& a : schema.attributes()) names.push_back(a.name);
  return names;
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string close = ClosestName(name, candidates);
  return close.empty() ? "" : " (did you mean '" + close + "'?)";
}

// A non-negative int/long constant for limit/offset.
int64_t NonNegativeConstant(const ast::Expr& expr, std::string_view what) {
  std::optional<Value> v = EvaluateConstant(expr);
  if (!v || v->is_null() || (v->type() != Type::kInt && v->type() != Type::kLong)) {
    Fail(expr.span, std::string(what) + " must be an int or long constant");
  }
  const int64_t n = v->type() == Type::kInt ? v->as_int() : v->as_long();
  if (n < 0) Fail(expr.span, std::string(what) + " must not be negative, got " + std::to_string(n));
  return n;
}

// Whether `e` depends on nothing but the attributes of the event it is
// evaluated on: no clock, timestamp, table, randomness or state.
bool DependsOnAttributesOnly(const ast::Expr& e) {
  switch (e.kind) {
    case ast::Expr::Kind::kLiteral:
    case ast::Expr::Kind::kAttribute: return true;
    case ast::Expr::Kind::kNot:
    case ast::Expr::Kind::kIsNull: return DependsOnAttributesOnly(*e.lhs);
    case ast::Expr::Kind::kBinary: return DependsOnAttributesOnly(*e.lhs) && DependsOnAttributesOnly(*e.rhs);
    case ast::Expr::Kind::kCall: {
      static constexpr const char* kPure[] = {"cast", "convert", "ifThenElse", "coalesce", "default",
                                              "maximum", "minimum"};
      if (!e.call.ns.empty()) return false;
      bool pure = false;
      for (const char* name : kPure) pure = pure || EqualsIgnoreCase(e.call.name, name);
      if (!pure) return false;
      for (const ast::ExprPtr& arg : e.call.args) {
        if (!DependsOnAttributesOnly(*arg)) return false;
      }
      return true;
    }
    case ast::Expr::Kind::kIn: return false;
  }
  return false;
}

// Whether every aggregate call in `e` has arguments that depend on the event's
// attributes only.
bool AggregateArgsDependOnAttributesOnly(const ast::Expr& e) {
  if (e.kind == ast::Expr::Kind::kCall && IsAggregateFunction(e.call.ns, e.call.name)) {
    for (const ast::ExprPtr& arg : e.call.args) {
      if (!DependsOnAttributesOnly(*arg)) return false;
    }
    return true;
  }
  if (e.lhs && !AggregateArgsDependOnAttributesOnly(*e.lhs)) return false;
  if (e.rhs && !AggregateArgsDependOnAttributesOnly(*e.rhs)) return false;
  for (const ast::ExprPtr& arg : e.call.args) {
    if (!AggregateArgsDependOnAttributesOnly(*arg)) return false;
  }
  return true;
}

// Whether the query's window and aggregating selector can run fused
// (runtime/operator/sliding_aggregate_selector.h states what that requires).
bool CanFuseWindow(const runtime::WindowConfig& window, const ast::Selector& sel,
                   const std::vector<runtime::AggregateSpec>& aggregates, const runtime::SelectorSpec& spec) {
  using Kind = runtime::WindowConfig::Kind;
  const bool sliding = (window.kind == Kind::kLength && window.length > 0) || window.kind == Kind::kTime ||
                       (window.kind == Kind::kTimeLength && window.length > 0);
  // The fused window keeps one null flag per argument in a 32-bit field.
  if (!sliding || spec.emit_expired || spec.snapshot_feed || aggregates.size() > 32) return false;
  // Columns for order by beyond the output ones are the plain selector's.
  if (spec.columns.size() != spec.output_schema->arity()) return false;
  for (const runtime::AggregateSpec& aggregate : aggregates) {
    if (aggregate.args.size() > 1) return false;
    for (const runtime::EvaluatorPtr& arg : aggregate.args) {
      if (arg->type() == Type::kString || arg->type() == Type::kObject) return false;
    }
  }
  for (const ast::ExprPtr& key : sel.group_by) {
    if (!DependsOnAttributesOnly(*key)) return false;
  }
  for (const ast::OutputAttribute& attr : sel.attributes) {
    if (!AggregateArgsDependOnAttributesOnly(*attr.expr)) return false;
  }
  return !sel.having || AggregateArgsDependOnAttributesOnly(*sel.having);
}

// An attribute read, compiled from a synthetic reference (select *).
runtime::EvaluatorPtr CompileAttribute(const std::string& name, const Scope& scope,
                                       const ast::SourceSpan& span) {
  ast::Expr ref;
  ref.kind = ast::Expr::Kind::kAttribute;
  ref.attribute.name = name;
  ref.span = span;
  return CompileExpr(ref, ExprContext{&scope});
}

// Whether output column k reads input column k, for every k.
bool ReadsColumnsInOrder(const std::vector<runtime::EvaluatorPtr>& columns) {
  for (size_t k = 0; k < columns.size(); ++k) {
    const int32_t* slot = columns[k]->chunk_slot();
    if (slot == nullptr || *slot != static_cast<int32_t>(k)) return false;
  }
  return true;
}

}  // namespace

std::optional<runtime::WindowConfig> ToWindowConfig(const WindowSpec& spec, std::string text) {
  using Kind = runtime::WindowConfig::Kind;
  runtime::WindowConfig config;
  switch (spec.kind) {
    case WindowKind::kLength: config.kind = Kind::kLength; break;
    case WindowKind::kLengthBatch: config.kind = Kind::kLengthBatch; break;
    case WindowKind::kTime: config.kind = Kind::kTime; break;
    case WindowKind::kTimeBatch: config.kind = Kind::kTimeBatch; break;
    case WindowKind::kTimeLength: config.kind = Kind::kTimeLength; break;
    case WindowKind::kExternalTime: config.kind = Kind::kExternalTime; break;
    case WindowKind::kBatch: config.kind = Kind::kBatch; break;
    case WindowKind::kDelay: config.kind = Kind::kDelay; break;
    case WindowKind::kSort: config.kind = Kind::kSort; break;
    case WindowKind::kExternalTimeBatch:
      config.kind = Kind::kExternalTimeBatch;
      config.timeout_ms = spec.timeout_ms.value_or(0);
      config.replace_with_batch_time = spec.replace_with_batch_time;
      break;
    case WindowKind::kFrequent: config.kind = Kind::kFrequent; break;
    case WindowKind::kLossyFrequent: config.kind = Kind::kLossyFrequent; break;
    case WindowKind::kCron: config.kind = Kind::kCron; break;
    case WindowKind::kSession:
      config.kind = Kind::kSession;
      break;
    default: return std::nullopt;
  }
  config.text = std::move(text);
  config.length = spec.length;
  config.time_ms = spec.time_ms;
  config.start_time = spec.start_time;
  config.start_time_attr = spec.start_time_attr;
  config.stream_current_event = spec.stream_current_event;
  config.timestamp_attr = spec.timestamp_attr;
  config.sort_keys = spec.sort_keys;
  config.key_attrs = spec.key_attrs;
  config.key_attr = spec.key_attr;
  config.allowed_latency_ms = spec.allowed_latency_ms;
  config.support = spec.support;
  config.cron = spec.cron_schedule;
  config.error = spec.error;
  return config;
}

namespace {

// Names in an expression window's condition: `first.x`, `last.x` (and plain `x`,
// the newest event) over a frame [first attrs, last attrs, first ts, last ts].
class ExpressionWindowScope final : public Scope {
 public:
  explicit ExpressionWindowScope(const runtime::Schema* input) : input_(input) {}
  ResolvedAttribute Resolve(const ast::AttributeRef& ref, const ast::SourceSpan& span) const override {
    if (ref.index || (!ref.qualifier.empty() && ref.qualifier != "first" && ref.qualifier != "last")) {
      Fail(span, "'" + AttributeRefText(ref) + "': the condition can refer to first.<attribute> and last.<attribute>");
    }
    const int32_t slot = input_->Find(ref.name);
    if (slot < 0) Fail(span, "no attribute '" + ref.name + "' in the window's events" + DidYouMean(ref.name, Names(*input_)));
    const uint32_t offset = ref.qualifier == "first" ? 0 : input_->arity();
    return {ResolvedAttribute::Where::kChunk, offset + static_cast<uint32_t>(slot),
            input_->type(static_cast<uint32_t>(slot))};
  }
  std::optional<ResolvedAttribute> ResolveEventTimestamp(std::string_view name) const override {
    if (name == "first") return ResolvedAttribute{ResolvedAttribute::Where::kChunk, 2 * input_->arity(), Type::kLong};
    if (name == "last") return ResolvedAttribute{ResolvedAttribute::Where::kChunk, 2 * input_->arity() + 1, Type::kLong};
    return std::nullopt;
  }

 private:
  const runtime::Schema* input_;
};

}  // namespace

namespace {

// Compiles an expression window's condition text over the window's frame;
// `makers` (if given) receives how to make its aggregates again. Throws
// CompileError (positions relative to `text`).
runtime::WindowCondition CompileWindowCondition(std::string_view text, const std::string& window_name,
                                                const runtime::Schema* input,
                                                std::vector<AggregateMaker>* makers = nullptr) {
  ExpressionWindowScope frame_scope(input);
  InputScope event_scope({ScopeInput{"", "", false, false, input, 0}});
  runtime::WindowCondition compiled;
  AggregateSink collect = [&](AggregateCall agg) -> uint32_t {
    std::vector<Type> types;
    for (const runtime::EvaluatorPtr& arg : agg.args) types.push_back(arg->type());
    runtime::AggregateSpec a;
    a.column = runtime::MakeAggregate(agg.name, types, runtime::ExpiryOrder::kOldestFirst);
    if (!a.column) Fail(agg.span, "aggregate '" + agg.name + "' is not supported in window conditions yet");
    if (makers != nullptr) makers->push_back({agg.name, types, runtime::ExpiryOrder::kOldestFirst});
    a.args = std::move(agg.args);
    compiled.aggregates.push_back(std::move(a));
    return static_cast<uint32_t>(compiled.aggregates.size() - 1);
  };
  ast::ExprPtr condition = parser::ParseExpression(text);
  compiled.condition = CompileCondition(*condition, ExprContext{&frame_scope, &collect, &event_scope},
                                        "the " + window_name + " condition");
  return compiled;
}

}  // namespace

QueryRecipe::Make AppPlanner::PlanExpressionWindow(const WindowSpec& spec, const ast::FunctionCall& call,
                                                   const runtime::Schema* input) {
  std::vector<runtime::Attribute> frame_attrs;
  for (const char* which : {"first.", "last."}) {
    for (const runtime::Attribute& a : input->attributes()) frame_attrs.push_back({which + a.name, a.type});
  }
  frame_attrs.push_back({"first.timestamp", Type::kLong});
  frame_attrs.push_back({"last.timestamp", Type::kLong});
  runtime::ExpressionWindowSpec window;
  window.batch = spec.kind == WindowKind::kExpressionBatch;
  window.include_triggering_event = spec.include_triggering_event;
  window.include_triggering_attr = spec.include_triggering_attr;
  window.stream_current_event = spec.stream_current_event;
  window.frame_schema = runtime_->OwnSchema(runtime::Schema(std::move(frame_attrs)));
  if (spec.expression_attr >= 0) {
    // The condition comes with each event: compiled when it changes.
    window.condition_attr = spec.expression_attr;
    const std::string name = spec.name;
    window.compile = [name, input](std::string_view text) {
      try {
        return CompileWindowCondition(text, name, input);
      } catch (const CompileError& e) {
        throw std::invalid_argument(name + " window: the condition '" + std::string(text) +
                                    "' does not compile: " + e.message());
      }
    };
    window.log = [sink = options_.log_sink](std::string_view line) {
      if (sink) sink("ERROR", line);
    };
  }
  std::vector<AggregateMaker> makers;
  if (spec.expression_attr < 0) {
    try {
      window.condition = CompileWindowCondition(spec.expression, spec.name, input, &makers);
    } catch (const CompileError& e) {
      Fail(call.args[0]->span, "in the " + spec.name + " condition '" + spec.expression + "': " + e.message());
    }
  }
  runtime::WindowConfig config;
  config.text = CallText(call);
  runtime::ExpressionWindowSpec* kept = recipe_->Keep(std::move(window));
  const std::vector<AggregateMaker>* kept_makers = recipe_->Keep(std::move(makers));
  return [config, input, kept, kept_makers](QueryRecipe::Context& c) {
    return std::make_unique<runtime::ExpressionWindow>(
        config, input, c.clock(),
        TakeSpec(c, kept, [&](const runtime::ExpressionWindowSpec& s) { return CopySpec(s, *kept_makers); }));
  };
}

std::string AppPlanner::NextQueryName(const ast::Query& query) {
  ++query_count_;
  std::string name = "query_" + std::to_string(query_count_);
  if (const ast::Annotation* info = FindAnnotation(query.annotations, "info")) {
    if (const ast::AnnotationElement* e = FindElement(*info, "name")) {
      name = e->value;
      if (!query_names_.insert(name).second) {
        Fail(e->span, "two queries are named '" + name + "'");
      }
    }
  }
  return name;
}

QueryRecipe::Node AppPlanner::Append(PlannedInput& planned, QueryRecipe::Make make) {
  const QueryRecipe::Node node = recipe_->Add(std::move(make));
  if (planned.tail) {
    recipe_->Link(*planned.tail, node);
  } else {
    planned.head = node;
  }
  planned.tail = node;
  planned.chain.push_back(node);
  return node;
}

runtime::StreamJunction* AppPlanner::AddInternalStream(const std::string& name, runtime::Schema schema) {
  // Inside a partition, every instance has its own.
  if (partition_ != nullptr) return InnerStreamTarget(name, schema, {});
  runtime::StreamJunction* stream = runtime_->AddStream(name, std::move(schema));
  runtime_->role(name).fed_by_query = true;
  runtime_->role(name).internal = true;
  return stream;
}

void AppPlanner::FinishRecipe(std::unique_ptr<QueryRecipe> recipe) {
  if (partition_ != nullptr) return AddPartitionQuery(std::move(recipe));
  recipe->Build(*runtime_);
  runtime_->Keep(std::move(recipe));
}

runtime::StreamJunction* AppPlanner::ResolveSourceStream(const ast::StreamInput& input) {
  const ast::SourceSpan& span = input.stream_span;
  if (input.inner) {
    if (partition_ == nullptr) Fail(span, "inner stream '#" + input.stream + "' exists only inside a partition");
    runtime::StreamJunction* inner = FindInnerStream("#" + input.stream);
    if (inner == nullptr) {
      Fail(span, "inner stream '#" + input.stream + "' is not defined: no query before this one in the partition "
                 "inserts into it");
    }
    return inner;
  }
  runtime::StreamJunction* stream = ResolveAppStream(input);
  return partition_ != nullptr ? PartitionInput(stream) : stream;
}

runtime::StreamJunction* AppPlanner::ResolveAppStream(const ast::StreamInput& input) {
  const ast::SourceSpan& span = input.stream_span;
  if (input.fault) {
    if (runtime::StreamJunction* fault = runtime_->FindStream("!" + input.stream)) return fault;
    if (Find(input.stream) != nullptr) {
      Fail(span, "stream '" + input.stream + "' has no fault stream '!" + input.stream +
                     "': add @OnError(action='STREAM') to its definition");
    }
  }
  const DefinitionInfo* def = Find(input.stream);
  if (def == nullptr) {
    std::vector<std::string> names;
    for (const auto& [name, info] : definitions_) names.push_back(name);
    Fail(span, "stream '" + input.stream + "' is not defined" + DidYouMean(input.stream, names));
  }
  switch (def->kind) {
    case DefinitionKind::kStream:
    case DefinitionKind::kTrigger: return runtime_->FindStream(input.stream);
    case DefinitionKind::kTable:
      Fail(span, "table '" + input.stream +
                     "' cannot be a query's only input; read it with a join or 'in'");
    case DefinitionKind::kAggregation:
      Fail(span, "aggregation '" + input.stream +
                     "' cannot be a query's only input; read it with a join (within ... per ...)");
    case DefinitionKind::kWindow:
      for (const ast::StreamHandler& handler : input.handlers) {
        if (handler.kind == ast::StreamHandler::Kind::kWindow) {
          Fail(handler.span, "'" + input.stream + "' is a named window; a query reading it cannot add another window");
        }
      }
      return runtime_->FindStream(WindowReadersName(input.stream));
    case DefinitionKind::kFunction: Fail(span, "'" + input.stream + "' is a function, not a stream");
  }
  return nullptr;
}

PlannedInput AppPlanner::PlanStreamInput(const ast::StreamInput& input) {
  PlannedInput planned;
  if (input.anonymous) {
    const std::string name = "(anonymous query " + std::to_string(++anonymous_count_) + ")";
    PlanQuery(*input.anonymous, &name);
    planned.source = partition_ != nullptr ? FindInnerStream(name) : runtime_->FindStream(name);
    planned.description = name;
    planned.scope_inputs.push_back({name, input.alias, false, false, &planned.source->schema(), 0});
  } else {
    planned.source = ResolveSourceStream(input);
    const DefinitionInfo* def = input.inner || input.fault ? nullptr : Find(input.stream);
    planned.windowed = def != nullptr && def->kind == DefinitionKind::kWindow;
    planned.description = (input.inner ? "#" : "") + std::string(input.fault ? "!" : "") + input.stream;
    planned.scope_inputs.push_back(
        {input.stream, input.alias, input.inner, input.fault, &planned.source->schema(), 0});
  }
  planned.schema = &planned.source->schema();
  PlanHandlers(input, planned);
  return planned;
}

void AppPlanner::PlanHandlers(const ast::StreamInput& input, PlannedInput& planned) {
  for (const ast::StreamHandler& handler : input.handlers) {
    InputScope scope(planned.scope_inputs);
    planned.expired_in_arrival_order = false;
    planned.last_window.reset();
    planned.last_window_searchable = false;
    planned.last_window_config.reset();
    switch (handler.kind) {
      case ast::StreamHandler::Kind::kFilter: {
        runtime::EvaluatorPtr* condition =
            recipe_->Keep(CompileCondition(*handler.filter, ExprContext{&scope, nullptr, nullptr, &in_table_},
                                           "a filter condition"));
        Append(planned, [condition, text = "[" + ExprText(*handler.filter) + "]"](QueryRecipe::Context& c) {
          return std::make_unique<runtime::Filter>(TakeEvaluator(c, condition), c.clock(), text);
        });
        break;
      }
      case ast::StreamHandler::Kind::kWindow: {
        WindowSpec spec = ValidateWindow(handler.call, *planned.schema);
        if (spec.kind == WindowKind::kExpression || spec.kind == WindowKind::kExpressionBatch) {
          Append(planned, PlanExpressionWindow(spec, handler.call, planned.schema));
          planned.windowed = true;
          break;
        }
        std::optional<runtime::WindowConfig> config = ToWindowConfig(spec, CallText(handler.call));
        if (!config) {
          if (!deferred_) {
            deferred_ = CompileError("window '" + spec.name + "' is not supported yet", ToLocation(handler.span));
          }
          break;
        }
        if (partition_ != nullptr && config->kind == runtime::WindowConfig::Kind::kTimeBatch) {
          config->shared_schedule = recipe_->Keep(runtime::SharedBatchSchedule{});
        }
        planned.last_window = Append(planned, [config = *config, schema = planned.schema](QueryRecipe::Context& c) {
          return runtime::MakeWindow(config, schema, c.clock());
        });
        planned.last_window_config = *config;
        {
          // Whether a join can search it: ask a window made for the question.
          std::vector<runtime::RowRun> probe;
          planned.last_window_searchable =
              runtime::MakeWindow(*config, planned.schema, &runtime_->scheduler())->AppendContents(probe);
        }
        planned.windowed = true;
        // Windows that do not expire oldest-first need order-free min/max.
        const bool fifo = config->kind != runtime::WindowConfig::Kind::kSort &&
                          config->kind != runtime::WindowConfig::Kind::kFrequent &&
                          config->kind != runtime::WindowConfig::Kind::kLossyFrequent &&
                          config->kind != runtime::WindowConfig::Kind::kSession;
        if (!fifo) planned.expiry = runtime::ExpiryOrder::kAny;
        using Kind = runtime::WindowConfig::Kind;
        switch (config->kind) {
          case Kind::kLength: case Kind::kTime: case Kind::kTimeLength: case Kind::kExternalTime:
          case Kind::kLengthBatch: case Kind::kTimeBatch: case Kind::kBatch: case Kind::kExternalTimeBatch:
            planned.expired_in_arrival_order = true;
            break;
          default: break;
        }
        break;
      }
      case ast::StreamHandler::Kind::kFunction: {
        const ast::FunctionCall& call = handler.call;
        if (!call.ns.empty()) {
          Fail(call.span, "extension stream function '" + call.ns + ":" + call.name +
                              "' is not supported");
        }
        if (EqualsIgnoreCase(call.name, "log")) {
          // log(), log(bool), log(msg), log(msg, bool), log(priority, msg[, bool])
          std::vector<Value> args;
          for (const ast::ExprPtr& arg : call.args) {
            std::optional<Value> v = EvaluateConstant(*arg);
            if (!v || (v->type() != Type::kString && v->type() != Type::kBool)) {
              Fail(arg->span, "#log() arguments must be string or bool constants");
            }
            args.push_back(*v);
          }
          std::string priority = "INFO";
          std::string message;
          bool log_event = true;
          auto is = [&](size_t i, Type t) { return i < args.size() && args[i].type() == t; };
          size_t next = 0;
          if (is(0, Type::kString) && is(1, Type::kString)) {
            priority = args[0].as_string();
            message = args[1].as_string();
            next = 2;
          } else if (is(0, Type::kString)) {
            message = args[0].as_string();
            next = 1;
          }
          if (is(next, Type::kBool)) log_event = args[next++].as_bool();
          if (next != args.size() || args.size() > 3) {
            Fail(call.span, "#log() takes ([priority,] [message,] [is.event.logged])");
          }
          static const char* kPriorities[] = {"INFO", "DEBUG", "WARN", "ERROR", "FATAL", "TRACE", "OFF"};
          bool known = false;
          for (const char* p : kPriorities) known = known || EqualsIgnoreCase(priority, p);
          if (!known) Fail(call.args[0]->span, "unknown log priority '" + priority + "'");
          Append(planned, [priority, message, log_event, sink = options_.log_sink](QueryRecipe::Context&) {
            return std::make_unique<runtime::LogFunction>(priority, message, log_event, sink);
          });
        } else if (EqualsIgnoreCase(call.name, "pol2Cart")) {
          if (call.args.size() < 2 || call.args.size() > 3) {
            Fail(call.span, "#pol2Cart() takes (theta, rho[, z])");
          }
          std::vector<runtime::EvaluatorPtr> args;
          for (const ast::ExprPtr& arg : call.args) {
            runtime::EvaluatorPtr e = CompileExpr(*arg, ExprContext{&scope});
            if (!IsNumeric(e->type())) {
              Fail(arg->span, "#pol2Cart() arguments must be numeric, but '" + ExprText(*arg) +
                                  "' is " + std::string(TypeName(e->type())));
            }
            args.push_back(runtime::MakeWiden(std::move(e), Type::kDouble));
          }
          std::vector<runtime::Attribute> attrs = planned.schema->attributes();
          for (const char* added : {"x", "y", "z"}) {
            if (std::string(added) == "z" && args.size() < 3) break;
            if (planned.schema->Find(added) >= 0) {
              Fail(call.span, "#pol2Cart() adds attribute '" + std::string(added) +
                                  "', which the stream already has");
            }
            attrs.push_back({added, Type::kDouble});
          }
          const runtime::Schema* out = runtime_->OwnSchema(runtime::Schema(std::move(attrs)));
          runtime::EvaluatorPtr* theta = recipe_->Keep(std::move(args[0]));
          runtime::EvaluatorPtr* rho = recipe_->Keep(std::move(args[1]));
          runtime::EvaluatorPtr* z = recipe_->Keep(args.size() > 2 ? std::move(args[2]) : nullptr);
          Append(planned, [theta, rho, z, out](QueryRecipe::Context& c) {
            return std::make_unique<runtime::Pol2CartFunction>(TakeEvaluator(c, theta), TakeEvaluator(c, rho),
                                                               TakeEvaluator(c, z), out, c.clock());
          });
          planned.schema = out;
          planned.scope_inputs.back().schema = out;
        } else {
          std::string hint = DidYouMean(call.name, {"log", "pol2Cart"});
          if (hint.empty()) {
            try {
              ValidateWindow(call, *planned.schema);
              hint = " (windows are written #window." + call.name + "(...))";
            } catch (const CompileError&) {
            }
          }
          Fail(call.span, "unknown stream function '" + call.name + "'" + hint);
        }
        break;
      }
    }
  }
}

void AppPlanner::CheckPattern(const ast::PatternNode& node) {
  if (node.kind == ast::PatternNode::Kind::kStream || node.kind == ast::PatternNode::Kind::kAbsent) {
    const DefinitionInfo* def = node.input.inner ? nullptr : Find(node.input.stream);
    if (def != nullptr && def->kind == DefinitionKind::kTable) {
      Fail(node.input.stream_span, "table '" + node.input.stream +
                                       "' cannot be used in a pattern or sequence; only streams can");
    }
    if (!node.input.inner) ResolveSourceStream(node.input);
  }
  for (const auto& child : node.children) CheckPattern(*child);
}

void AppPlanner::PlanQuery(const ast::Query& query, const std::string* anonymous_target) {
  const std::string name = NextQueryName(query);
  // An anonymous inner query is planned (and built) in the middle of its outer
  // query, with a recipe of its own.
  auto recipe = std::make_unique<QueryRecipe>(/*single_use=*/partition_ == nullptr);
  QueryRecipe* outer_recipe = recipe_;
  recipe_ = recipe.get();
  struct Restore {
    AppPlanner* planner;
    QueryRecipe* recipe;
    ~Restore() { planner->recipe_ = recipe; }
  } restore{this, outer_recipe};
  deferred_.reset();
  PlannedInput in;
  std::visit(Overloaded{
                 [&](const ast::StreamInput& s) { in = PlanStreamInput(s); },
                 [&](const ast::JoinInput& j) { in = PlanJoin(j, query.selector, name); },
                 [&](const ast::PatternInput& p) { in = PlanPattern(p, query, name); },
             },
             query.input);

  // ---- select
  const ast::Selector& sel = query.selector;
  InputScope input_scope(in.scope_inputs);
  const Scope& scope = in.scope ? *in.scope : input_scope;
  std::vector<runtime::AggregateSpec> aggregates;
  std::vector<AggregateMaker> makers;
  AggregateSink collect = [&](AggregateCall call) -> uint32_t {
    std::vector<Type> arg_types;
    for (const runtime::EvaluatorPtr& arg : call.args) arg_types.push_back(arg->type());
    runtime::AggregateSpec spec;
    std::string name = call.name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    spec.column = runtime::MakeAggregate(name, arg_types, in.expiry);
    if (!spec.column) Fail(call.span, "aggregate function '" + call.name + "' is not supported yet");
    makers.push_back({name, arg_types, in.expiry});
    spec.args = std::move(call.args);
    aggregates.push_back(std::move(spec));
    return static_cast<uint32_t>(aggregates.size() - 1);
  };
  runtime::SelectorSpec spec;
  std::vector<runtime::Attribute> out_attrs;
  std::string description;
  if (sel.star && in.scope) {
    for (const auto& [a, r] : in.star) {
      spec.columns.push_back(runtime::MakeChunkAttribute(r.index, r.type));
      out_attrs.push_back(a);
    }
    description = "*";
  } else if (sel.star) {
    for (const runtime::Attribute& a : in.schema->attributes()) {
      spec.columns.push_back(CompileAttribute(a.name, scope, sel.span));
      out_attrs.push_back(a);
    }
    description = "*";
  } else {
    for (const ast::OutputAttribute& attr : sel.attributes) {
      runtime::EvaluatorPtr column = CompileExpr(*attr.expr, ExprContext{&scope, &collect});
      std::string out_name = attr.rename;
      if (out_name.empty()) {
        if (attr.expr->kind != ast::Expr::Kind::kAttribute || attr.expr->attribute.name.empty()) {
          Fail(attr.span, "'" + ExprText(*attr.expr) + "' needs a name: write '" +
                              ExprText(*attr.expr) + " as <name>'");
        }
        out_name = attr.expr->attribute.name;
      }
      for (const runtime::Attribute& seen : out_attrs) {
        if (seen.name == out_name) {
          Fail(attr.span, "the select clause outputs '" + out_name + "' twice; rename one with 'as'");
        }
      }
      if (!description.empty()) description += ", ";
      description += ExprText(*attr.expr);
      if (!attr.rename.empty()) description += " as " + attr.rename;
      out_attrs.push_back({out_name, column->type()});
      spec.columns.push_back(std::move(column));
    }
  }
  const runtime::Schema* out_schema = runtime_->OwnSchema(runtime::Schema(out_attrs));
  spec.output_schema = out_schema;

  std::vector<runtime::EvaluatorPtr> group_keys;
  std::vector<runtime::Attribute> key_attrs;
  for (const ast::ExprPtr& key : sel.group_by) {
    group_keys.push_back(CompileExpr(*key, ExprContext{&scope}));
    key_attrs.push_back({ExprText(*key), group_keys.back()->type()});
    description += std::string(key_attrs.size() == 1 ? " group by " : ", ") + ExprText(*key);
  }
  if (sel.having) {
    // having sees aggregates (its own too) and then the output columns: count the
    // aggregates it adds first, so the output columns' extra indexes are known.
    uint32_t having_aggregates = 0;
    AggregateSink count_only = [&](AggregateCall) { return having_aggregates++; };
    OutputScope dry_scope(out_schema, 0, &scope);
    CompileCondition(*sel.having, ExprContext{&dry_scope, &count_only}, "a having condition");
    OutputScope having_scope(
        out_schema, static_cast<uint32_t>(aggregates.size()) + having_aggregates, &scope);
    spec.having = CompileCondition(*sel.having, ExprContext{&having_scope, &collect},
                                   "a having condition");
    description += " having " + ExprText(*sel.having);
  }
  for (const ast::OrderKey& key : sel.order_by) {
    const int32_t column = key.attribute.qualifier.empty() ? out_schema->Find(key.attribute.name) : -1;
    if (column >= 0) {
      spec.order_by.push_back({static_cast<uint32_t>(column), key.descending, out_schema->type(column)});
    } else {
      // Not an output attribute: the input attribute of the event behind each
      // output row (as in Siddhi, e.g. `order by AGG_TIMESTAMP` unselected),
      // computed in a column after the output ones.
      ast::Expr ref;
      ref.kind = ast::Expr::Kind::kAttribute;
      ref.attribute = key.attribute;
      ref.span = key.span;
      runtime::EvaluatorPtr hidden;
      try {
        hidden = CompileExpr(ref, ExprContext{&scope});
      } catch (const CompileError&) {
        Fail(key.span, "order by '" + AttributeRefText(key.attribute) +
                           "': order by takes output or input attributes" +
                           DidYouMean(key.attribute.name, Names(*out_schema)));
      }
      const Type type = hidden->type();
      spec.order_by.push_back({static_cast<uint32_t>(spec.columns.size()), key.descending, type});
      spec.columns.push_back(std::move(hidden));
    }
    description += std::string(spec.order_by.size() == 1 ? " order by " : ", ") + AttributeRefText(key.attribute) +
                   (key.descending ? " desc" : "");
  }
  if (sel.limit) {
    spec.limit = NonNegativeConstant(*sel.limit, "limit");
    description += " limit " + std::to_string(*spec.limit);
  }
  if (sel.offset) {
    spec.offset = NonNegativeConstant(*sel.offset, "offset");
    description += " offset " + std::to_string(*spec.offset);
  }
  if (query.rate.kind != ast::OutputRate::Kind::kNone && query.rate.value <= 0) {
    Fail(query.rate.span, "an output rate must be positive");
  }

  // ---- output action
  const ast::OutputAction& action = query.action;
  const bool snapshot = query.rate.kind == ast::OutputRate::Kind::kSnapshot;
  ast::EventType event_type = action.event_type;
  if (snapshot) {
    // Snapshots hold the query's state: they see every event type (§5).
    if (action.event_type_given && action.event_type != ast::EventType::kAll) {
      Fail(action.span, "output snapshot takes all events: write 'insert all events into " + action.target +
                            "' or leave the event type out");
    }
    event_type = ast::EventType::kAll;
    spec.snapshot_feed = true;
  }
  spec.emit_current = event_type != ast::EventType::kExpired;
  spec.emit_expired = event_type != ast::EventType::kCurrent;
  spec.description = description;
  // The output: where the query's rows go (resolved per instance).
  runtime::StreamJunction* target = nullptr;
  QueryRecipe::Make table_output;  // the action writes a table
  switch (action.kind) {
    case ast::OutputAction::Kind::kReturn:
      if (anonymous_target != nullptr) target = AddInternalStream(*anonymous_target, runtime::Schema(out_attrs));
      break;
    case ast::OutputAction::Kind::kInsert: {
      if (anonymous_target != nullptr) {
        Fail(action.span, "an anonymous inner query must end with 'return'");
      }
      if (action.target_inner) {
        if (partition_ == nullptr) {
          Fail(action.target_span, "inner stream '#" + action.target + "' exists only inside a partition");
        }
        target = InnerStreamTarget("#" + action.target, runtime::Schema(out_attrs), action.target_span);
        break;
      }
      if (action.target_fault) {
        Fail(action.target_span, "queries cannot insert into fault stream '!" + action.target + "'");
      }
      const runtime::Schema candidate(out_attrs);
      if (const DefinitionInfo* def = Find(action.target)) {
        if (def->kind == DefinitionKind::kTrigger || def->kind == DefinitionKind::kAggregation ||
            def->kind == DefinitionKind::kFunction) {
          Fail(action.target_span, "cannot insert into " + std::string(KindName(def->kind)) + " '" +
                                       action.target + "'");
        }
        if (def->schema->ToString() != candidate.ToString()) {
          Fail(action.target_span, "the query outputs " + candidate.ToString() + " but " +
                                       std::string(KindName(def->kind)) + " '" + action.target +
                                       "' is " + def->schema->ToString() +
                                       "; names and types must match (use convert() or 'as')");
        }
        if (def->kind == DefinitionKind::kTable) {
          table_output = PlanTableOutput(action, out_schema, name);
          break;
        }
      } else {
        runtime_->AddStream(action.target, runtime::Schema(out_attrs));
        Declare(action.target,
                {DefinitionKind::kStream, &runtime_->FindStream(action.target)->schema(), action.target_span, true},
                action.target_span);
      }
      runtime_->role(action.target).fed_by_query = true;
      target = runtime_->FindStream(action.target);
      break;
    }
    case ast::OutputAction::Kind::kDelete:
    case ast::OutputAction::Kind::kUpdate:
    case ast::OutputAction::Kind::kUpdateOrInsert: {
      table_output = PlanTableOutput(action, out_schema, name);
      break;
    }
  }

  if (deferred_) throw *deferred_;
  if (in.adopt_output_schema && aggregates.empty() && group_keys.empty() && !spec.having &&
      spec.order_by.empty() && !spec.offset && !spec.limit && !spec.snapshot_feed && spec.emit_current &&
      query.rate.kind == ast::OutputRate::Kind::kNone && ReadsColumnsInOrder(spec.columns)) {
    spec.pass_through = in.adopt_output_schema(out_schema);
  }
  if (in.finish) in.finish(in);
  const bool fused = options_.fuse_sliding_aggregates && in.last_window_config && !(aggregates.empty() && group_keys.empty()) &&
                     CanFuseWindow(*in.last_window_config, sel, aggregates, spec);
  // Expired events then reach no output: the window may deliver those its timers
  // expire together with the next arrival.
  if (in.last_window && !spec.emit_expired && !fused) {
    recipe_->Then([w = *in.last_window](QueryRecipe::Context& c) {
      c.node<runtime::Window>(w)->set_lazy_timer_expiry(true);
    });
  }
  if (in.current_only_output && !spec.emit_expired && aggregates.empty() && group_keys.empty()) {
    in.current_only_output();
  }
  // With group by, a rate limiter reads the group keys of the rows the selector emits.
  std::optional<QueryRecipe::Node> key_tracking_selector;
  if (aggregates.empty() && group_keys.empty()) {
    runtime::SelectorSpec* kept = recipe_->Keep(std::move(spec));
    Append(in, [kept](QueryRecipe::Context& c) {
      return std::make_unique<runtime::Selector>(
          TakeSpec(c, kept, [](const runtime::SelectorSpec& s) { return CopySpec(s); }), c.clock());
    });
  } else {
    runtime::AggregateSelectorSpec aggregate_spec;
    aggregate_spec.select = std::move(spec);
    aggregate_spec.aggregates = std::move(aggregates);
    aggregate_spec.group_keys = std::move(group_keys);
    aggregate_spec.key_schema = runtime_->OwnSchema(runtime::Schema(std::move(key_attrs)));
    aggregate_spec.expired_in_arrival_order = in.expired_in_arrival_order;
    runtime::AggregateSelectorSpec* kept = recipe_->Keep(std::move(aggregate_spec));
    const std::vector<AggregateMaker>* kept_makers = recipe_->Keep(std::move(makers));
    const auto take = [kept, kept_makers](QueryRecipe::Context& c) {
      return TakeSpec(c, kept, [&](const runtime::AggregateSelectorSpec& s) { return CopySpec(s, *kept_makers); });
    };
    QueryRecipe::Node selector;
    if (fused) {
      // The window's node becomes the fused window and selector.
      selector = *in.last_window;
      recipe_->Replace(selector, [take, window = *in.last_window_config](QueryRecipe::Context& c) {
        return std::make_unique<runtime::SlidingAggregateSelector>(window, take(c), c.clock());
      });
    } else {
      selector = Append(in, [take](QueryRecipe::Context& c) {
        return std::make_unique<runtime::AggregateSelector>(take(c), c.clock());
      });
    }
    if (query.rate.kind != ast::OutputRate::Kind::kNone) key_tracking_selector = selector;
  }
  // Called by a rate limiter's step, after the selector's.
  const auto group_key_rows = [key_tracking_selector](QueryRecipe::Context& c) -> const runtime::EventChunk* {
    if (!key_tracking_selector) return nullptr;
    return c.node<runtime::AggregateSelector>(*key_tracking_selector)->TrackEmittedKeys();
  };
  if (snapshot) {
    runtime::SnapshotSpec snap;
    snap.period_ms = query.rate.value;
    snap.windowed = in.windowed;
    snap.output_schema = out_schema;
    if (sel.star) {
      snap.aggregate_columns.assign(out_schema->arity(), false);
    } else {
      for (const ast::OutputAttribute& attr : sel.attributes) {
        const ast::Expr& e = *attr.expr;
        snap.aggregate_columns.push_back(e.kind == ast::Expr::Kind::kCall && IsAggregateFunction(e.call.ns, e.call.name));
      }
    }
    const QueryRecipe::Node limiter = Append(in, [snap, group_key_rows](QueryRecipe::Context& c) {
      runtime::SnapshotSpec spec = snap;
      spec.group_keys = group_key_rows(c);
      return std::make_unique<runtime::SnapshotLimiter>(std::move(spec), c.clock());
    });
    recipe_->AnchorPeriodsAtFirstArrival(
        [limiter](QueryRecipe::Context& c) { return c.node<runtime::SnapshotLimiter>(limiter); });
  } else if (query.rate.kind != ast::OutputRate::Kind::kNone) {
    runtime::RateLimitSpec rate;
    rate.which = query.rate.which == ast::OutputRate::Which::kFirst  ? runtime::RateLimitSpec::Which::kFirst
                 : query.rate.which == ast::OutputRate::Which::kLast ? runtime::RateLimitSpec::Which::kLast
                                                                      : runtime::RateLimitSpec::Which::kAll;
    rate.by_time = query.rate.kind == ast::OutputRate::Kind::kTime;
    rate.value = query.rate.value;
    rate.output_schema = out_schema;
    rate.description = std::string(rate.which == runtime::RateLimitSpec::Which::kFirst  ? "first"
                                   : rate.which == runtime::RateLimitSpec::Which::kLast ? "last"
                                                                                         : "all") +
                       " every " + std::to_string(rate.value) + (rate.by_time ? " ms" : " events");
    const QueryRecipe::Node limiter = Append(in, [rate, group_key_rows](QueryRecipe::Context& c) {
      runtime::RateLimitSpec spec = rate;
      spec.group_keys = group_key_rows(c);
      return std::make_unique<runtime::RateLimiter>(std::move(spec), c.clock());
    });
    if (rate.by_time) {
      recipe_->AnchorPeriodsAtFirstArrival(
          [limiter](QueryRecipe::Context& c) { return c.node<runtime::RateLimiter>(limiter); });
    }
  }
  if (table_output) {
    Append(in, std::move(table_output));
  } else if (target != nullptr) {
    Append(in, [target](QueryRecipe::Context& c) {
      return std::make_unique<runtime::InsertIntoStream>(c.target.Resolve(target));
    });
  } else {
    Append(in, [](QueryRecipe::Context&) { return std::make_unique<runtime::Discard>(); });
  }
  if (in.source != nullptr) recipe_->Subscribe(in.source, *in.head);
  recipe_->Describe(name, in.description, in.chain);
  FinishRecipe(std::move(recipe));
}

AppPlanner::AppPlanner(const ast::App& app, const PlanOptions& options)
    : app_(app), options_(options) {
  runtime_ = std::make_unique<runtime::AppRuntime>("app");
}

std::unique_ptr<runtime::AppRuntime> AppPlanner::Plan() {
  PlanAppAnnotations();
  if (!options_.log_sink) {
    options_.log_sink = [](std::string_view priority, std::string_view line) {
      std::fprintf(stderr, "[%.*s] %.*s\n", static_cast<int>(priority.size()), priority.data(),
                   static_cast<int>(line.size()), line.data());
    };
  }
  for (const ast::Definition& def : app_.definitions) {
    std::visit([this](const auto& d) { PlanDefinition(d); }, def);
  }
  for (const ast::ExecutionElement& element : app_.elements) {
    std::visit(Overloaded{
                   [this](const ast::Query& q) { PlanQuery(q, nullptr); },
                   [this](const ast::Partition& p) { PlanPartition(p); },
               },
               element);
  }
  runtime_->playback = options_.playback;
  return std::move(runtime_);
}

std::unique_ptr<runtime::AppRuntime> PlanApp(const ast::App& app, const PlanOptions& options) {
  return AppPlanner(app, options).Plan();
}

}  // namespace eddy::planner
