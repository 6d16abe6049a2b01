#include "planner/spec_copies.h"

#include "runtime/expr/shared_evaluator.h"

namespace eddy::planner {
namespace {

std::vector<runtime::EvaluatorPtr> ShareAll(const std::vector<runtime::EvaluatorPtr>& evaluators) {
  std::vector<runtime::EvaluatorPtr> out;
  out.reserve(evaluators.size());
  for (const runtime::EvaluatorPtr& e : evaluators) out.push_back(runtime::Share(e.get()));
  return out;
}

std::vector<runtime::AggregateSpec> CopyAggregates(const std::vector<runtime::AggregateSpec>& aggregates,
                                                   const std::vector<AggregateMaker>& makers) {
  std::vector<runtime::AggregateSpec> out;
  out.reserve(aggregates.size());
  for (size_t i = 0; i < aggregates.size(); ++i) {
    runtime::AggregateSpec a;
    a.column = runtime::MakeAggregate(makers[i].name, makers[i].arg_types, makers[i].expiry);
    a.args = ShareAll(aggregates[i].args);
    out.push_back(std::move(a));
  }
  return out;
}

// A new field in one of these specs must be copied below as well (sizes on
// x86-64 with libstdc++).
static_assert(sizeof(runtime::SelectorSpec) == 136, "copy the new SelectorSpec field in CopySpec");
static_assert(sizeof(runtime::AggregateSelectorSpec) == 200, "copy the new AggregateSelectorSpec field");
static_assert(sizeof(runtime::JoinSideSpec) == 56, "copy the new JoinSideSpec field in CopySpec");
static_assert(sizeof(runtime::WindowCondition) == 32, "copy the new WindowCondition field in CopySpec");
static_assert(sizeof(runtime::ExpressionWindowSpec) == 128, "copy the new ExpressionWindowSpec field");

}  // namespace

runtime::EvaluatorPtr TakeEvaluator(QueryRecipe::Context& c, runtime::EvaluatorPtr* kept) {
  return c.single_use ? std::move(*kept) : runtime::Share(kept->get());
}

runtime::SelectorSpec CopySpec(const runtime::SelectorSpec& spec) {
  runtime::SelectorSpec out;
  out.output_schema = spec.output_schema;
  out.columns = ShareAll(spec.columns);
  out.having = runtime::Share(spec.having.get());
  out.order_by = spec.order_by;
  out.offset = spec.offset;
  out.limit = spec.limit;
  out.emit_current = spec.emit_current;
  out.emit_expired = spec.emit_expired;
  out.snapshot_feed = spec.snapshot_feed;
  out.pass_through = spec.pass_through;
  out.description = spec.description;
  return out;
}

runtime::AggregateSelectorSpec CopySpec(const runtime::AggregateSelectorSpec& spec,
                                        const std::vector<AggregateMaker>& makers) {
  runtime::AggregateSelectorSpec out;
  out.select = CopySpec(spec.select);
  out.aggregates = CopyAggregates(spec.aggregates, makers);
  out.group_keys = ShareAll(spec.group_keys);
  out.key_schema = spec.key_schema;
  out.expired_in_arrival_order = spec.expired_in_arrival_order;
  return out;
}

runtime::JoinSideSpec CopySpec(const runtime::JoinSideSpec& spec) {
  runtime::JoinSideSpec out;
  out.joined = spec.joined;
  out.left = spec.left;
  out.triggers = spec.triggers;
  out.outer = spec.outer;
  out.condition = runtime::Share(spec.condition.get());
  out.description = spec.description;
  return out;
}

runtime::TableActionSpec CopySpec(const runtime::TableActionSpec& spec) {
  runtime::TableActionSpec out;
  out.kind = spec.kind;
  out.table = spec.table;
  out.probe = spec.probe;
  out.condition = runtime::Share(spec.condition.get());
  out.key_column = spec.key_column;
  out.key = runtime::Share(spec.key.get());
  for (const runtime::TableActionSpec::Assignment& a : spec.set) out.set.push_back({a.column, runtime::Share(a.value.get())});
  out.description = spec.description;
  return out;
}

runtime::WindowCondition CopySpec(const runtime::WindowCondition& condition,
                                  const std::vector<AggregateMaker>& makers) {
  runtime::WindowCondition out;
  out.condition = runtime::Share(condition.condition.get());
  out.aggregates = CopyAggregates(condition.aggregates, makers);
  return out;
}

runtime::ExpressionWindowSpec CopySpec(const runtime::ExpressionWindowSpec& spec,
                                       const std::vector<AggregateMaker>& makers) {
  runtime::ExpressionWindowSpec out;
  out.batch = spec.batch;
  out.include_triggering_event = spec.include_triggering_event;
  out.include_triggering_attr = spec.include_triggering_attr;
  out.stream_current_event = spec.stream_current_event;
  out.frame_schema = spec.frame_schema;
  out.condition = CopySpec(spec.condition, makers);
  out.condition_attr = spec.condition_attr;
  out.compile = spec.compile;
  out.log = spec.log;
  return out;
}

}  // namespace eddy::planner
