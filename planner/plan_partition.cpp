// Planning of partitions (LANGUAGE.md §13):
//   partition with (expr of S, c1 as 'a' or c2 as 'b' of T, ...) begin queries end
//
// The queries are planned once, as any query, into recipes (query_recipe.h)
// that the runtime builds once per partition key (runtime/partition/). While
// they are planned, the streams they read resolve to the partition's ports:
// one per stream read (a keyed stream, fed by its key's router, or any other
// stream, broadcast to every instance), and one per inner stream (`#Name`, and
// the streams anonymous inner queries return into), fed inside each instance.
// Streams they insert into outside the partition are the app's own.
//
// Keys: every key expression is converted to one type, so that equal keys of
// different streams meet in one table: integers as longs, bools as bools,
// anything else (strings, numbers of other types, range labels) as its text
// (Siddhi's key is the value's text).
#include <algorithm>
#include <map>

#include "parser/parse.h"
#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "runtime/expr/factory.h"
#include "runtime/partition/partition.h"
#include "runtime/partition/partition_router.h"

namespace eddy::planner {

struct PartitionPlan {
  runtime::PartitionSpec spec;
  // Per port: the app stream it carries (keyed or broadcast), or null (inner).
  std::vector<runtime::StreamJunction*> outer;
  std::map<const runtime::StreamJunction*, uint32_t> inputs;  // app stream -> port
  std::map<std::string, uint32_t, std::less<>> inner;         // "#Name" -> port

  uint32_t AddPort(const std::string& name, const runtime::Schema* schema, runtime::StreamJunction* from) {
    runtime::PartitionPort port;
    port.prototype = std::make_unique<runtime::StreamJunction>(name, schema);
    spec.ports.push_back(std::move(port));
    outer.push_back(from);
    return static_cast<uint32_t>(spec.ports.size() - 1);
  }
};

namespace {

// A time annotation value such as '10 min', in milliseconds.
int64_t AnnotationTime(const ast::AnnotationElement& e, std::string_view what) {
  std::optional<Value> v;
  try {
    ast::ExprPtr expr = parser::ParseExpression(e.value);
    if (expr->kind == ast::Expr::Kind::kLiteral && expr->literal.is_time) v = EvaluateConstant(*expr);
  } catch (const CompileError&) {
  }
  if (!v || v->type() != Type::kLong || v->as_long() <= 0) {
    Fail(e.span, std::string(what) + " must be a positive time such as '10 sec' or '1 hour', got '" + e.value + "'");
  }
  return v->as_long();
}

std::optional<runtime::PurgeSpec> PlanPurge(const std::vector<ast::Annotation>& annotations) {
  std::optional<runtime::PurgeSpec> purge;
  for (const ast::Annotation& a : annotations) {
    if (!EqualsIgnoreCase(a.name, "purge")) {
      Fail(a.span, "unknown annotation '@" + a.name + "' on a partition; partitions take @purge(enable='true', "
                   "interval='...', idle.period='...')");
    }
    const ast::AnnotationElement* enable = FindElement(a, "enable");
    for (const ast::AnnotationElement& e : a.elements) {
      if (!EqualsIgnoreCase(e.key, "enable") && !EqualsIgnoreCase(e.key, "interval") &&
          !EqualsIgnoreCase(e.key, "idle.period")) {
        Fail(e.span, "unknown @purge option '" + e.key + "'; @purge takes enable, interval and idle.period");
      }
    }
    if (enable == nullptr || (!EqualsIgnoreCase(enable->value, "true") && !EqualsIgnoreCase(enable->value, "false"))) {
      Fail(enable != nullptr ? enable->span : a.span, "@purge needs enable='true' or enable='false'");
    }
    if (!EqualsIgnoreCase(enable->value, "true")) continue;
    const ast::AnnotationElement* interval = FindElement(a, "interval");
    const ast::AnnotationElement* idle = FindElement(a, "idle.period");
    if (interval == nullptr || idle == nullptr) {
      Fail(a.span, "@purge(enable='true') needs interval='<time>' (how often to check) and idle.period='<time>' "
                   "(how long a key may stay idle)");
    }
    purge = runtime::PurgeSpec{AnnotationTime(*interval, "the purge interval"),
                               AnnotationTime(*idle, "the purge idle.period")};
  }
  return purge;
}

// The one type all keys are converted to (see the file comment).
Type KeyType(const std::vector<Type>& value_types, bool has_ranges) {
  const auto all = [&](auto pred) { return std::all_of(value_types.begin(), value_types.end(), pred); };
  if (!has_ranges && all([](Type t) { return t == Type::kInt || t == Type::kLong; })) return Type::kLong;
  if (!has_ranges && all([](Type t) { return t == Type::kBool; })) return Type::kBool;
  return Type::kString;
}

runtime::EvaluatorPtr AsKey(runtime::EvaluatorPtr key, Type key_type) {
  if (key->type() == key_type) return key;
  return key_type == Type::kString ? runtime::MakeConvert(std::move(key), Type::kString)
                                   : runtime::MakeWiden(std::move(key), key_type);
}

std::string KeyText(const ast::PartitionKey& key) {
  std::string text;
  if (key.value) {
    text = ExprText(*key.value);
  } else {
    for (const ast::RangeCase& range : key.ranges) {
      text += (text.empty() ? "" : " or ") + ExprText(*range.condition) + " as '" + range.label + "'";
    }
  }
  return text + " of " + key.stream;
}

}  // namespace

void AppPlanner::PlanPartition(const ast::Partition& partition) {
  PartitionPlan plan;
  plan.spec.name = "partition " + std::to_string(++partition_count_);
  plan.spec.purge = PlanPurge(partition.annotations);

  // ---- keys
  std::vector<Type> value_types;
  bool has_ranges = false;
  for (size_t k = 0; k < partition.keys.size(); ++k) {
    const ast::PartitionKey& key = partition.keys[k];
    const DefinitionInfo* def = Find(key.stream);
    if (def == nullptr || def->kind != DefinitionKind::kStream) {
      std::vector<std::string> streams;
      for (const auto& [name, info] : definitions_) {
        if (info.kind == DefinitionKind::kStream) streams.push_back(name);
      }
      std::string what = "is a " + std::string(KindName(def != nullptr ? def->kind : DefinitionKind::kStream));
      if (def == nullptr) {
        const std::string close = ClosestName(key.stream, streams);
        what = "is not defined" + (close.empty() ? "" : " (did you mean '" + close + "'?)");
      }
      Fail(key.stream_span, "partition key stream '" + key.stream + "' " + what + "; partitions are keyed on streams");
    }
    for (size_t j = 0; j < k; ++j) {
      if (partition.keys[j].stream == key.stream) {
        Fail(key.stream_span, "stream '" + key.stream + "' has two keys in this partition; give it one");
      }
    }
    InputScope scope({ScopeInput{key.stream, "", false, false, def->schema, 0}});
    if (key.value) {
      value_types.push_back(CompileExpr(*key.value, ExprContext{&scope})->type());
    }
    for (const ast::RangeCase& range : key.ranges) {
      CompileCondition(*range.condition, ExprContext{&scope}, "a range partition condition");
      has_ranges = true;
    }
    plan.spec.description += (plan.spec.description.empty() ? "partition with (" : ", ") + KeyText(key);
  }
  plan.spec.description += ")";
  const Type key_type = KeyType(value_types, has_ranges);
  plan.spec.key_schema = runtime_->OwnSchema(runtime::Schema({{"key", key_type}}));

  // ---- queries
  partition_ = &plan;
  struct Leave {
    AppPlanner* planner;
    ~Leave() { planner->partition_ = nullptr; }
  } leave{this};
  for (const ast::Query& query : partition.queries) PlanQuery(query, nullptr);
  partition_ = nullptr;

  // ---- routers: each keyed stream's, then a broadcast for each stream read without a key
  for (const ast::PartitionKey& key : partition.keys) {
    // Siddhi accepts a key on a stream nothing in the partition reads (and the
    // recorded cases have some): it does nothing, which is worth a warning.
    if (plan.inputs.count(runtime_->FindStream(key.stream)) == 0) {
      options_.log_sink("WARN", "line " + std::to_string(key.stream_span.line) + ":" +
                                    std::to_string(key.stream_span.column) + ": partition key stream '" + key.stream +
                                    "' is not read by any query of the partition; its key does nothing");
    }
  }
  runtime::Partition* runtime_partition =
      runtime_->AddPartition(std::make_unique<runtime::Partition>(std::move(plan.spec), &runtime_->scheduler()));
  const runtime::Scheduler* clock = &runtime_->scheduler();
  std::vector<bool> keyed(plan.outer.size(), false);
  runtime::QueryDescription routers{runtime_partition->spec().name, runtime_partition->spec().description, {}, true};
  for (const ast::PartitionKey& key : partition.keys) {
    runtime::StreamJunction* stream = runtime_->FindStream(key.stream);
    if (plan.inputs.count(stream) == 0) continue;
    const uint32_t port = plan.inputs.at(stream);
    keyed[port] = true;
    InputScope scope({ScopeInput{key.stream, "", false, false, &stream->schema(), 0}});
    runtime::Processor* router = nullptr;
    if (key.value) {
      router = runtime_->Own(std::make_unique<runtime::ValuePartitionRouter>(
          runtime_partition, port, AsKey(CompileExpr(*key.value, ExprContext{&scope}), key_type), clock,
          KeyText(key)));
    } else {
      std::vector<runtime::EvaluatorPtr> conditions;
      std::vector<std::string> labels;
      for (const ast::RangeCase& range : key.ranges) {
        conditions.push_back(CompileCondition(*range.condition, ExprContext{&scope}, "a range partition condition"));
        labels.push_back(range.label);
      }
      router = runtime_->Own(std::make_unique<runtime::RangePartitionRouter>(
          runtime_partition, port, std::move(conditions), std::move(labels), clock, KeyText(key)));
    }
    stream->Subscribe(router);
    routers.chain.push_back(router);
  }
  for (uint32_t port = 0; port < plan.outer.size(); ++port) {
    if (plan.outer[port] == nullptr || keyed[port]) continue;
    runtime::Processor* broadcast = runtime_->Own(
        std::make_unique<runtime::PartitionBroadcast>(runtime_partition, port, plan.outer[port]->name()));
    plan.outer[port]->Subscribe(broadcast);
    routers.chain.push_back(broadcast);
  }
  if (runtime_partition->spec().purge) {
    routers.input += " @purge every " + std::to_string(runtime_partition->spec().purge->interval_ms) +
                     " ms, idle over " + std::to_string(runtime_partition->spec().purge->idle_ms) + " ms";
  }
  runtime_->Describe(std::move(routers));
  runtime_partition->BuildPrototype(*runtime_);
}

void AppPlanner::AddPartitionQuery(std::unique_ptr<QueryRecipe> recipe) {
  partition_->spec.queries.push_back(std::move(recipe));
}

runtime::StreamJunction* AppPlanner::PartitionInput(runtime::StreamJunction* stream) {
  auto it = partition_->inputs.find(stream);
  if (it == partition_->inputs.end()) {
    it = partition_->inputs.emplace(stream, partition_->AddPort(stream->name(), &stream->schema(), stream)).first;
  }
  return partition_->spec.ports[it->second].prototype.get();
}

runtime::StreamJunction* AppPlanner::FindInnerStream(const std::string& name) const {
  auto it = partition_->inner.find(name);
  return it == partition_->inner.end() ? nullptr : partition_->spec.ports[it->second].prototype.get();
}

runtime::StreamJunction* AppPlanner::InnerStreamTarget(const std::string& name, const runtime::Schema& schema,
                                                       const ast::SourceSpan& span) {
  if (runtime::StreamJunction* existing = FindInnerStream(name)) {
    if (existing->schema().ToString() != schema.ToString()) {
      Fail(span, "the query outputs " + schema.ToString() + " but inner stream '" + name + "' is " +
                     existing->schema().ToString() + "; names and types must match (use convert() or 'as')");
    }
    return existing;
  }
  const uint32_t port = partition_->AddPort(name, runtime_->OwnSchema(schema), nullptr);
  partition_->inner.emplace(name, port);
  return partition_->spec.ports[port].prototype.get();
}

}  // namespace eddy::planner
