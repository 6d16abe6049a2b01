// An evaluator lent to one more owner: forwards to a compiled tree kept
// elsewhere. The instances of a partitioned query each get their own processors
// but share the query's compiled expressions (an evaluator's only state is its
// scratch, and one instance runs at a time; see evaluator.h).
//
// Costs one extra virtual call per evaluation, i.e. per chunk.
#pragma once

#include "runtime/expr/evaluator.h"

namespace eddy::runtime {

class SharedEvaluator final : public Evaluator {
 public:
  // REQUIRES: `target` outlives this.
  explicit SharedEvaluator(Evaluator* target) : Evaluator(target->type()), target_(target) {}
  ColumnView Eval(const EvalFrame& frame) override { return target_->Eval(frame); }
  const int32_t* chunk_slot() const override { return target_->chunk_slot(); }
  bool is_constant() const override { return target_->is_constant(); }

 private:
  Evaluator* target_;
};

// A lent handle to `target` (null for null).
inline EvaluatorPtr Share(Evaluator* target) {
  return target == nullptr ? nullptr : std::make_unique<SharedEvaluator>(target);
}

}  // namespace eddy::runtime
