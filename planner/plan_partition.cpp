#include "planner/app_planner.h"

namespace eddy::planner {

struct PartitionPlan {};

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

runtime::StreamJunction* AppPlanner::PartitionInput(runtime::StreamJunction* stream) { return stream; }
runtime::StreamJunction* AppPlanner::FindInnerStream(const std::string&) const { return nullptr; }
runtime::StreamJunction* AppPlanner::InnerStreamTarget(const std::string&, const runtime::Schema&,
                                                       const ast::SourceSpan&) {
  return nullptr;
}
void AppPlanner::AddPartitionQuery(std::unique_ptr<QueryRecipe>) {}

}  // namespace eddy::planner
