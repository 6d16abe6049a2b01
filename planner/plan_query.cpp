#include <cctype>
#include <stdexcept>
#include <cstdio>
#include <variant>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "planner/window_catalog.h"
#include "runtime/expr/factory.h"
#include "runtime/operator/aggregate_selector.h"
#include "runtime/operator/filter.h"
#include "runtime/operator/insert_into.h"
#include "runtime/operator/rate_limiter.h"
#include "runtime/operator/selector.h"
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

// An attribute read, compiled from a synthetic reference (select *).
runtime::EvaluatorPtr CompileAttribute(const std::string& name, const Scope& scope,
                                       const ast::SourceSpan& span) {
  ast::Expr ref;
  ref.kind = ast::Expr::Kind::kAttribute;
  ref.attribute.name = name;
  ref.span = span;
  return CompileExpr(ref, ExprContext{&scope});
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

// Compiles an expression window's condition text over the window's frame.
// Throws CompileError (positions relative to `text`).
runtime::WindowCondition CompileWindowCondition(std::string_view text, const std::string& window_name,
                                                const runtime::Schema* input) {
  ExpressionWindowScope frame_scope(input);
  InputScope event_scope({ScopeInput{"", "", false, false, input, 0}});
  runtime::WindowCondition compiled;
  AggregateSink collect = [&](AggregateCall agg) -> uint32_t {
    std::vector<Type> types;
    for (const runtime::EvaluatorPtr& arg : agg.args) types.push_back(arg->type());
    runtime::AggregateSpec a;
    a.column = runtime::MakeAggregate(agg.name, types, runtime::ExpiryOrder::kOldestFirst);
    if (!a.column) Fail(agg.span, "aggregate '" + agg.name + "' is not supported in window conditions yet");
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

runtime::Window* AppPlanner::PlanExpressionWindow(const WindowSpec& spec, const ast::FunctionCall& call,
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
  } else {
    try {
      window.condition = CompileWindowCondition(spec.expression, spec.name, input);
    } catch (const CompileError& e) {
      Fail(call.args[0]->span, "in the " + spec.name + " condition '" + spec.expression + "': " + e.message());
    }
  }
  runtime::WindowConfig config;
  config.text = CallText(call);
  return runtime_->Own(std::make_unique<runtime::ExpressionWindow>(config, input, &runtime_->scheduler(),
                                                                   std::move(window)));
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

void AppPlanner::Append(PlannedInput& planned, runtime::Processor* processor) {
  if (planned.tail != nullptr) {
    planned.tail->set_next(processor);
  } else {
    planned.head = processor;
  }
  planned.tail = processor;
  planned.chain.push_back(processor);
}

runtime::StreamJunction* AppPlanner::ResolveSourceStream(const ast::StreamInput& input) {
  const ast::SourceSpan& span = input.stream_span;
  if (input.inner) {
    Fail(span, "inner stream '#" + input.stream + "' exists only inside a partition");
  }
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
    planned.source = runtime_->FindStream(name);
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
  const runtime::Scheduler* clock = &runtime_->scheduler();
  for (const ast::StreamHandler& handler : input.handlers) {
    InputScope scope(planned.scope_inputs);
    planned.expired_in_arrival_order = false;
    planned.last_window = nullptr;
    switch (handler.kind) {
      case ast::StreamHandler::Kind::kFilter: {
        runtime::EvaluatorPtr condition =
            CompileCondition(*handler.filter, ExprContext{&scope}, "a filter condition");
        Append(planned, runtime_->Own(std::make_unique<runtime::Filter>(
                            std::move(condition), clock, "[" + ExprText(*handler.filter) + "]")));
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
        planned.last_window = runtime_->Own(runtime::MakeWindow(*config, planned.schema, &runtime_->scheduler()));
        Append(planned, planned.last_window);
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
          Append(planned, runtime_->Own(std::make_unique<runtime::LogFunction>(
                              priority, message, log_event, options_.log_sink)));
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
          Append(planned, runtime_->Own(std::make_unique<runtime::Pol2CartFunction>(
                              std::move(args[0]), std::move(args[1]),
                              args.size() > 2 ? std::move(args[2]) : nullptr, out, clock)));
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
    const DefinitionInfo* def = Find(node.input.stream);
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
  deferred_.reset();
  PlannedInput in;
  std::visit(Overloaded{
                 [&](const ast::StreamInput& s) { in = PlanStreamInput(s); },
                 [&](const ast::JoinInput& j) { in = PlanJoin(j, query.selector); },
                 [&](const ast::PatternInput& p) { in = PlanPattern(p, query, name); },
             },
             query.input);

  // ---- select
  const ast::Selector& sel = query.selector;
  InputScope input_scope(in.scope_inputs);
  const Scope& scope = in.scope ? *in.scope : input_scope;
  std::vector<runtime::AggregateSpec> aggregates;
  AggregateSink collect = [&](AggregateCall call) -> uint32_t {
    std::vector<Type> arg_types;
    for (const runtime::EvaluatorPtr& arg : call.args) arg_types.push_back(arg->type());
    runtime::AggregateSpec spec;
    std::string name = call.name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    spec.column = runtime::MakeAggregate(name, arg_types, in.expiry);
    if (!spec.column) Fail(call.span, "aggregate function '" + call.name + "' is not supported yet");
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
    if (column < 0) {
      Fail(key.span, "order by '" + AttributeRefText(key.attribute) +
                         "': order by takes output attributes" +
                         DidYouMean(key.attribute.name, Names(*out_schema)));
    }
    spec.order_by.push_back({static_cast<uint32_t>(column), key.descending});
    description += std::string(spec.order_by.size() == 1 ? " order by " : ", ") + key.attribute.name +
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
  runtime::Processor* sink = nullptr;
  switch (action.kind) {
    case ast::OutputAction::Kind::kReturn:
      if (anonymous_target != nullptr) {
        runtime::StreamJunction* target = runtime_->AddStream(*anonymous_target, runtime::Schema(out_attrs));
        runtime_->role(*anonymous_target).fed_by_query = true;
        runtime_->role(*anonymous_target).internal = true;
        sink = runtime_->Own(std::make_unique<runtime::InsertIntoStream>(target));
      } else {
        sink = runtime_->Own(std::make_unique<runtime::Discard>());
      }
      break;
    case ast::OutputAction::Kind::kInsert: {
      if (anonymous_target != nullptr) {
        Fail(action.span, "an anonymous inner query must end with 'return'");
      }
      if (action.target_inner) {
        Fail(action.target_span, "inner stream '#" + action.target + "' exists only inside a partition");
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
          Fail(action.span, "insert into a table is not supported yet");
        }
      } else {
        runtime_->AddStream(action.target, runtime::Schema(out_attrs));
        Declare(action.target,
                {DefinitionKind::kStream, &runtime_->FindStream(action.target)->schema(), action.target_span, true},
                action.target_span);
      }
      runtime_->role(action.target).fed_by_query = true;
      sink = runtime_->Own(
          std::make_unique<runtime::InsertIntoStream>(runtime_->FindStream(action.target)));
      break;
    }
    case ast::OutputAction::Kind::kDelete:
    case ast::OutputAction::Kind::kUpdate:
    case ast::OutputAction::Kind::kUpdateOrInsert: {
      const DefinitionInfo* def = Find(action.target);
      if (def == nullptr || def->kind != DefinitionKind::kTable) {
        Fail(action.target_span, "'" + action.target + "' is not a defined table");
      }
      Fail(action.span, "delete and update on tables are not supported yet");
    }
  }

  const runtime::EventChunk* group_key_rows = nullptr;
  if (deferred_) throw *deferred_;
  if (in.finish) in.finish(in);
  // Expired events then reach no output: the window may deliver those its timers
  // expire together with the next arrival.
  if (in.last_window != nullptr && !spec.emit_expired) in.last_window->set_lazy_timer_expiry(true);
  if (in.current_only_output && !spec.emit_expired && aggregates.empty() && group_keys.empty()) {
    in.current_only_output();
  }
  if (aggregates.empty() && group_keys.empty()) {
    Append(in, runtime_->Own(std::make_unique<runtime::Selector>(std::move(spec), &runtime_->scheduler())));
  } else {
    runtime::AggregateSelectorSpec aggregate_spec;
    aggregate_spec.select = std::move(spec);
    aggregate_spec.aggregates = std::move(aggregates);
    aggregate_spec.group_keys = std::move(group_keys);
    aggregate_spec.key_schema = runtime_->OwnSchema(runtime::Schema(std::move(key_attrs)));
    aggregate_spec.expired_in_arrival_order = in.expired_in_arrival_order;
    auto* selector = runtime_->Own(std::make_unique<runtime::AggregateSelector>(
        std::move(aggregate_spec), &runtime_->scheduler()));
    if (query.rate.kind != ast::OutputRate::Kind::kNone) group_key_rows = selector->TrackEmittedKeys();
    Append(in, selector);
  }
  if (snapshot) {
    runtime::SnapshotSpec snap;
    snap.period_ms = query.rate.value;
    snap.windowed = in.windowed;
    snap.output_schema = out_schema;
    snap.group_keys = group_key_rows;
    if (sel.star) {
      snap.aggregate_columns.assign(out_schema->arity(), false);
    } else {
      for (const ast::OutputAttribute& attr : sel.attributes) {
        const ast::Expr& e = *attr.expr;
        snap.aggregate_columns.push_back(e.kind == ast::Expr::Kind::kCall && IsAggregateFunction(e.call.ns, e.call.name));
      }
    }
    Append(in, runtime_->Own(std::make_unique<runtime::SnapshotLimiter>(std::move(snap), &runtime_->scheduler())));
  } else if (query.rate.kind != ast::OutputRate::Kind::kNone) {
    runtime::RateLimitSpec rate;
    rate.which = query.rate.which == ast::OutputRate::Which::kFirst  ? runtime::RateLimitSpec::Which::kFirst
                 : query.rate.which == ast::OutputRate::Which::kLast ? runtime::RateLimitSpec::Which::kLast
                                                                      : runtime::RateLimitSpec::Which::kAll;
    rate.by_time = query.rate.kind == ast::OutputRate::Kind::kTime;
    rate.value = query.rate.value;
    rate.output_schema = out_schema;
    rate.group_keys = group_key_rows;
    rate.description = std::string(rate.which == runtime::RateLimitSpec::Which::kFirst  ? "first"
                                   : rate.which == runtime::RateLimitSpec::Which::kLast ? "last"
                                                                                         : "all") +
                       " every " + std::to_string(rate.value) + (rate.by_time ? " ms" : " events");
    Append(in, runtime_->Own(std::make_unique<runtime::RateLimiter>(rate, &runtime_->scheduler())));
  }
  Append(in, sink);
  if (in.source != nullptr) in.source->Subscribe(in.head);
  for (const auto& [stream, entry] : in.subscriptions) stream->Subscribe(entry);
  runtime_->AddQuery({name, in.description, in.chain});
}

void AppPlanner::PlanPartition(const ast::Partition& partition) {
  for (const ast::PartitionKey& key : partition.keys) {
    const DefinitionInfo* def = Find(key.stream);
    if (def == nullptr || def->kind != DefinitionKind::kStream) {
      Fail(key.span, "partition key stream '" + key.stream + "' is not a defined stream");
    }
    InputScope scope({ScopeInput{key.stream, "", false, false, def->schema, 0}});
    if (key.value) CompileExpr(*key.value, ExprContext{&scope});
    for (const ast::RangeCase& range : key.ranges) {
      CompileCondition(*range.condition, ExprContext{&scope}, "a range partition condition");
    }
  }
  Fail(partition.span, "partitions are not supported yet");
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
