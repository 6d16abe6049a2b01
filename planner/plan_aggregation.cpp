// Planning of incremental aggregation (LANGUAGE.md §16): `define aggregation`
// becomes a runtime::AggregationStore fed by its input stream, and a join with
// it gets a runtime::AggregationReader that its stream side probes with each
// event (`within ... per ...`).
#include <algorithm>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "runtime/aggregation/aggregation_reader.h"
#include "runtime/aggregation/aggregation_store.h"

namespace eddy::planner {
namespace {

// Duration names as written in @purge(@retentionPeriod(sec='...')) keys.
std::optional<ast::Duration> ParseDurationName(std::string_view text) {
  static const std::pair<const char*, ast::Duration> kNames[] = {
      {"sec", ast::Duration::kSeconds},   {"second", ast::Duration::kSeconds},
      {"seconds", ast::Duration::kSeconds}, {"min", ast::Duration::kMinutes},
      {"minute", ast::Duration::kMinutes}, {"minutes", ast::Duration::kMinutes},
      {"hour", ast::Duration::kHours},    {"hours", ast::Duration::kHours},
      {"day", ast::Duration::kDays},      {"days", ast::Duration::kDays},
      {"week", ast::Duration::kWeeks},    {"weeks", ast::Duration::kWeeks},
      {"month", ast::Duration::kMonths},  {"months", ast::Duration::kMonths},
      {"year", ast::Duration::kYears},    {"years", ast::Duration::kYears},
  };
  for (const auto& [name, duration] : kNames) {
    if (EqualsIgnoreCase(text, name)) return duration;
  }
  return std::nullopt;
}

std::optional<runtime::Granularity> ToGranularity(ast::Duration d) {
  switch (d) {
    case ast::Duration::kSeconds: return runtime::Granularity::kSecond;
    case ast::Duration::kMinutes: return runtime::Granularity::kMinute;
    case ast::Duration::kHours: return runtime::Granularity::kHour;
    case ast::Duration::kDays: return runtime::Granularity::kDay;
    case ast::Duration::kWeeks: return std::nullopt;
    case ast::Duration::kMonths: return runtime::Granularity::kMonth;
    case ast::Duration::kYears: return runtime::Granularity::kYear;
  }
  return std::nullopt;
}

std::optional<runtime::AggregationColumn::Kind> ColumnKind(std::string_view aggregate) {
  using Kind = runtime::AggregationColumn::Kind;
  if (aggregate == "sum") return Kind::kSum;
  if (aggregate == "avg") return Kind::kAvg;
  if (aggregate == "count") return Kind::kCount;
  if (aggregate == "min") return Kind::kMin;
  if (aggregate == "max") return Kind::kMax;
  return std::nullopt;
}

std::string ComputedText(const runtime::AggregationStore& store) {
  std::string text;
  for (runtime::Granularity g : store.granularities()) {
    text += (text.empty() ? "'" : ", '") + std::string(runtime::GranularityName(g)) + "'";
  }
  return text;
}

}  // namespace

void AppPlanner::PlanDefinition(const ast::AggregationDef& def) {
  const DefinitionInfo* input = Find(def.input.stream);
  if (input == nullptr || (input->kind != DefinitionKind::kStream &&
                           input->kind != DefinitionKind::kWindow)) {
    Fail(def.input.stream_span, "aggregation '" + def.name + "' reads '" + def.input.stream +
                                    "', which is not a defined stream or window");
  }
  if (!def.input.handlers.empty()) {
    Fail(def.input.handlers.front().span,
         "filters, stream functions and windows on an aggregation's input are not supported yet");
  }
  if (def.selector.star) Fail(def.span, "aggregation '" + def.name + "' needs a select list");
  // Durations, finest first.
  std::vector<ast::Duration> computed = def.durations;
  if (def.range && def.durations.size() == 2) {
    if (def.durations[0] > def.durations[1]) {
      Fail(def.span, "the range of durations of aggregation '" + def.name + "' goes from coarse to fine; "
                     "write it finest first, e.g. 'every sec ... year'");
    }
    computed.clear();
    for (int d = static_cast<int>(def.durations[0]); d <= static_cast<int>(def.durations[1]); ++d) {
      if (static_cast<ast::Duration>(d) != ast::Duration::kWeeks) computed.push_back(static_cast<ast::Duration>(d));
    }
  }
  runtime::AggregationStoreSpec spec;
  spec.name = def.name;
  for (ast::Duration d : computed) {
    const std::optional<runtime::Granularity> g = ToGranularity(d);
    if (!g) Fail(def.span, "aggregation '" + def.name + "': weeks are not supported as an aggregation duration");
    spec.granularities.push_back(*g);
  }
  std::sort(spec.granularities.begin(), spec.granularities.end());
  spec.granularities.erase(std::unique(spec.granularities.begin(), spec.granularities.end()),
                           spec.granularities.end());
  // @purge(@retentionPeriod(<duration>='...')) may only name computed durations.
  for (const ast::Annotation& a : def.annotations) {
    if (EqualsIgnoreCase(a.name, "purge")) {
      for (const ast::Annotation& nested : a.nested) {
        if (!EqualsIgnoreCase(nested.name, "retentionPeriod")) continue;
        for (const ast::AnnotationElement& e : nested.elements) {
          std::optional<ast::Duration> d = ParseDurationName(e.key);
          if (!d) Fail(e.span, "unknown duration '" + e.key + "' in @retentionPeriod");
          if (std::find(computed.begin(), computed.end(), *d) == computed.end()) {
            Fail(e.span, "@retentionPeriod sets '" + e.key + "', a duration aggregation '" +
                             def.name + "' does not compute");
          }
        }
      }
      // Eddy keeps every bucket: purging switched off is what it does.
      const ast::AnnotationElement* enable = FindElement(a, "enable");
      if (enable == nullptr || !EqualsIgnoreCase(enable->value, "false") || !a.nested.empty()) {
        Fail(a.span, "@purge on an aggregation is not supported yet (Eddy keeps every bucket; "
                     "@purge(enable='false') is accepted)");
      }
    } else if (EqualsIgnoreCase(a.name, "store")) {
      Fail(a.span, "@store on an aggregation is not supported yet; Eddy aggregations are in memory");
    } else if (!EqualsIgnoreCase(a.name, "info")) {
      Fail(a.span, "unknown annotation '@" + a.name + "' on aggregation '" + def.name + "'");
    }
  }

  InputScope scope({ScopeInput{def.input.stream, "", false, false, input->schema, 0}});
  std::vector<runtime::Attribute> output{{"AGG_TIMESTAMP", Type::kLong}};
  for (const ast::OutputAttribute& attr : def.selector.attributes) {
    std::string name = attr.rename;
    if (name.empty()) {
      if (attr.expr->kind != ast::Expr::Kind::kAttribute) {
        Fail(attr.span,
             "'" + ExprText(*attr.expr) + "' in aggregation '" + def.name + "' needs a name: add 'as <name>'");
      }
      name = attr.expr->attribute.name;
    }
    for (const runtime::Attribute& seen : output) {
      if (seen.name == name) Fail(attr.span, "aggregation '" + def.name + "' outputs '" + name + "' twice");
    }
    runtime::AggregationColumn column;
    if (attr.expr->kind == ast::Expr::Kind::kCall && IsAggregateFunction(attr.expr->call.ns, attr.expr->call.name)) {
      std::optional<AggregateCall> call;
      AggregateSink sink = [&call](AggregateCall c) -> uint32_t {
        call = std::move(c);
        return 0;
      };
      CompileExpr(*attr.expr, ExprContext{&scope, &sink});
      const std::optional<runtime::AggregationColumn::Kind> kind = ColumnKind(call->name);
      if (!kind) {
        Fail(attr.expr->span, attr.expr->call.name + "() in an aggregation is not supported yet "
                              "(supported: sum, avg, count, min, max)");
      }
      if (*kind == runtime::AggregationColumn::Kind::kCount && !call->args.empty()) {
        Fail(attr.expr->span, "count() in an aggregation counts events and takes no argument");
      }
      column.kind = *kind;
      column.type = call->result_type;
      if (!call->args.empty()) column.value = std::move(call->args[0]);
    } else {
      // Not an aggregate: the bucket keeps its latest event's value.
      AggregateSink nested = [](AggregateCall c) -> uint32_t {
        Fail(c.span, "an aggregate inside an expression of an aggregation's select is not supported yet; "
                     "select the aggregate alone ('sum(x) as total')");
      };
      column.kind = runtime::AggregationColumn::Kind::kLatest;
      column.value = CompileExpr(*attr.expr, ExprContext{&scope, &nested});
      column.type = column.value->type();
    }
    output.push_back({name, column.type});
    spec.columns.push_back(std::move(column));
  }
  std::vector<runtime::Attribute> keys;
  for (const ast::ExprPtr& key : def.selector.group_by) {
    spec.group_by.push_back(CompileExpr(*key, ExprContext{&scope}));
    keys.push_back({ExprText(*key), spec.group_by.back()->type()});
  }
  if (def.selector.having || !def.selector.order_by.empty() || def.selector.limit || def.selector.offset) {
    Fail(def.selector.span, "an aggregation takes no having, order by, limit or offset");
  }
  spec.group_schema = runtime_->OwnSchema(runtime::Schema(std::move(keys)));
  if (def.aggregate_by) {
    spec.time = CompileExpr(*def.aggregate_by, ExprContext{&scope});
    if (spec.time->type() != Type::kLong && spec.time->type() != Type::kString) {
      Fail(def.aggregate_by->span, "'aggregate by' needs a long (epoch ms) or string attribute");
    }
  }
  const runtime::Schema* schema = runtime_->OwnSchema(runtime::Schema(std::move(output)));
  spec.output = schema;
  auto* store = runtime_->Own(std::make_unique<runtime::AggregationStore>(
      std::move(spec), runtime::RefusalLog(options_.log_sink, def.name, "aggregation"), &runtime_->scheduler()));
  const std::string source =
      input->kind == DefinitionKind::kWindow ? WindowReadersName(def.input.stream) : def.input.stream;
  runtime_->FindStream(source)->Subscribe(store);
  runtime_->Describe({"aggregation " + def.name, def.input.stream, {store}});
  DefinitionInfo info{DefinitionKind::kAggregation, schema, def.span, false};
  info.aggregation = store;
  Declare(def.name, info, def.name_span);
}

runtime::AggregationReaderSpec AppPlanner::PlanAggregationRead(const ast::JoinInput& join,
                                                              const runtime::AggregationStore& store,
                                                              const ScopeInput& probe) {
  if (!join.within || !join.per) {
    Fail(join.right.stream_span, "joining aggregation '" + store.name() +
                                     "' needs 'within <start>, <end> per <granularity>', e.g. within "
                                     "'2024-06-01 00:00:00', '2024-06-02 00:00:00' per 'hours'");
  }
  runtime::AggregationReaderSpec spec;
  spec.store = &store;
  spec.probe = probe.schema;
  InputScope scope({probe});
  const ExprContext ctx{&scope};
  // A bound: a constant is checked and returned now; an attribute must be a
  // long or a string (a pattern: a string), read per probing event.
  const auto bound = [&](const ast::Expr& e, bool pattern) -> std::optional<int64_t> {
    const std::optional<Value> constant = EvaluateConstant(e);
    if (!constant) {
      const Type t = CompileExpr(e, ctx)->type();
      if (pattern && t != Type::kString) {
        Fail(e.span, "a one-value 'within' needs a string 'yyyy-MM-dd HH:mm:ss' pattern, but '" + ExprText(e) +
                         "' is " + std::string(TypeName(t)));
      }
      if (!pattern && t != Type::kLong && t != Type::kInt && t != Type::kString) {
        Fail(e.span, "a 'within' bound needs a long (epoch ms) or a date string, but '" + ExprText(e) + "' is " +
                         std::string(TypeName(t)));
      }
      return std::nullopt;
    }
    if (pattern) {
      std::optional<runtime::TimeRange> range;
      if (constant->type() == Type::kString) range = runtime::ParseWithinPattern(constant->as_string());
      if (!range) {
        Fail(e.span, "a one-value 'within' needs a string 'yyyy-MM-dd HH:mm:ss' with trailing fields as '**' "
                     "(e.g. '2024-06-** **:**:**') and an optional zone ' +hh:mm'" +
                         (constant->type() == Type::kString ? ", not '" + constant->as_string() + "'" : ""));
      }
      spec.range = range;
      return range->start;
    }
    if (constant->type() == Type::kLong) return constant->as_long();
    if (constant->type() == Type::kInt) return constant->as_int();
    if (constant->type() == Type::kString) {
      const std::optional<int64_t> ms = runtime::ParseDateTime(constant->as_string());
      if (!ms) {
        Fail(e.span, "'within' bound '" + constant->as_string() +
                         "' is not a date 'yyyy-MM-dd HH:mm:ss' with an optional zone ' +hh:mm'");
      }
      return ms;
    }
    Fail(e.span, "a 'within' bound needs a long (epoch ms) or a 'yyyy-MM-dd HH:mm:ss' date string");
  };
  if (join.within_end) {
    const std::optional<int64_t> start = bound(*join.within, false);
    const std::optional<int64_t> end = bound(*join.within_end, false);
    if (start && end) {
      if (*start >= *end) {
        Fail(join.within->span, "'within' starts at " + std::to_string(*start) + ", not before its end " +
                                    std::to_string(*end) + " (the range is [start, end))");
      }
      spec.range = runtime::TimeRange{*start, *end};
    } else {
      spec.start = CompileExpr(*join.within, ctx);
      spec.end = CompileExpr(*join.within_end, ctx);
    }
  } else if (!bound(*join.within, true)) {
    spec.start = CompileExpr(*join.within, ctx);
  }
  const std::optional<Value> per = EvaluateConstant(*join.per);
  if (per) {
    if (per->type() != Type::kString) {
      Fail(join.per->span, "'per' needs a string: 'seconds', 'minutes', 'hours', 'days', 'months' or 'years'");
    }
    spec.per = runtime::ParseGranularity(per->as_string());
    if (!spec.per) {
      Fail(join.per->span, "'per' is '" + per->as_string() +
                               "'; expected 'seconds', 'minutes', 'hours', 'days', 'months' or 'years'");
    }
    if (!store.computes(*spec.per)) {
      Fail(join.per->span, "aggregation '" + store.name() + "' does not compute '" +
                               std::string(runtime::GranularityName(*spec.per)) + "'; it computes " +
                               ComputedText(store));
    }
  } else {
    spec.per_value = CompileExpr(*join.per, ctx);
    if (spec.per_value->type() != Type::kString) {
      Fail(join.per->span, "'per' needs a string, but '" + ExprText(*join.per) + "' is " +
                               std::string(TypeName(spec.per_value->type())));
    }
  }
  return spec;
}

}  // namespace eddy::planner
