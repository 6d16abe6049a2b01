// Runtime specs for one more instance of a partitioned query: plain fields are
// copied, evaluators are lent (runtime::SharedEvaluator: the instances share
// the compiled trees), aggregate columns are made afresh (they hold the state).
//
// Each copy names every field of its spec; a static_assert on the spec's size
// in spec_copies.cpp fails when a field is added, so that it gets copied too.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planner/query_recipe.h"
#include "runtime/join/join_side.h"
#include "runtime/operator/aggregate_selector.h"
#include "runtime/table/table_operators.h"
#include "runtime/window/expression_window.h"

namespace eddy::planner {

// How to make an aggregate column again (runtime::MakeAggregate's arguments).
struct AggregateMaker {
  std::string name;
  std::vector<Type> arg_types;
  runtime::ExpiryOrder expiry = runtime::ExpiryOrder::kOldestFirst;
};

runtime::SelectorSpec CopySpec(const runtime::SelectorSpec& spec);
// REQUIRES: makers[i] made spec.aggregates[i].column.
runtime::AggregateSelectorSpec CopySpec(const runtime::AggregateSelectorSpec& spec,
                                        const std::vector<AggregateMaker>& makers);
runtime::JoinSideSpec CopySpec(const runtime::JoinSideSpec& spec);
runtime::TableActionSpec CopySpec(const runtime::TableActionSpec& spec);
runtime::WindowCondition CopySpec(const runtime::WindowCondition& condition,
                                  const std::vector<AggregateMaker>& makers);
runtime::ExpressionWindowSpec CopySpec(const runtime::ExpressionWindowSpec& spec,
                                       const std::vector<AggregateMaker>& makers);

// A kept evaluator for the build in `c`: handed over by a single-use recipe,
// else lent.
runtime::EvaluatorPtr TakeEvaluator(QueryRecipe::Context& c, runtime::EvaluatorPtr* kept);

// A kept spec for the build in `c`: handed over by a single-use recipe, else a
// copy made by `copy`.
template <typename Spec, typename Copy>
Spec TakeSpec(QueryRecipe::Context& c, Spec* kept, Copy copy) {
  if (c.single_use) return std::move(*kept);
  return copy(*kept);
}

}  // namespace eddy::planner
