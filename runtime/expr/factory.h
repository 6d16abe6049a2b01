// Builders of typed evaluators, used by the planner's expression compiler.
//
// Operand types are settled by the caller: arithmetic and comparison operands
// arrive widened to one common type (see MakeWiden), functions get arguments of the
// types their signature requires. Each builder picks the typed implementation once.
#pragma once

#include <vector>

#include "eddy/value.h"
#include "runtime/expr/evaluator.h"

namespace eddy::runtime {

enum class ArithmeticOp { kAdd, kSub, kMul, kDiv, kMod };
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

EvaluatorPtr MakeLiteral(const Value& value);
EvaluatorPtr MakeChunkAttribute(uint32_t slot, Type type);
EvaluatorPtr MakeExtraColumn(uint32_t index, Type type);

// Numeric widening (int -> long -> float -> double); identity when equal.
EvaluatorPtr MakeWiden(EvaluatorPtr operand, Type target);
// REQUIRES: both operands numeric of the same type.
EvaluatorPtr MakeArithmetic(ArithmeticOp op, EvaluatorPtr lhs, EvaluatorPtr rhs);
// REQUIRES: both operands of the same type: numeric, or string/bool for == and !=.
EvaluatorPtr MakeComparison(CompareOp op, EvaluatorPtr lhs, EvaluatorPtr rhs);
EvaluatorPtr MakeAnd(EvaluatorPtr lhs, EvaluatorPtr rhs);
EvaluatorPtr MakeOr(EvaluatorPtr lhs, EvaluatorPtr rhs);
EvaluatorPtr MakeNot(EvaluatorPtr operand);
EvaluatorPtr MakeIsNull(EvaluatorPtr operand);

// Built-in functions (LANGUAGE.md §3).
EvaluatorPtr MakeConvert(EvaluatorPtr operand, Type target);
EvaluatorPtr MakeCast(EvaluatorPtr operand, Type target);
// REQUIRES: all of one type.
EvaluatorPtr MakeCoalesce(std::vector<EvaluatorPtr> args);
EvaluatorPtr MakeIfThenElse(EvaluatorPtr condition, EvaluatorPtr then_value, EvaluatorPtr else_value);
EvaluatorPtr MakeInstanceOf(EvaluatorPtr operand, Type type);
// REQUIRES: all of one numeric type.
EvaluatorPtr MakeMaximum(std::vector<EvaluatorPtr> args);
EvaluatorPtr MakeMinimum(std::vector<EvaluatorPtr> args);
EvaluatorPtr MakeUuid();
EvaluatorPtr MakeCurrentTimeMillis();
EvaluatorPtr MakeEventTimestamp();
EvaluatorPtr MakeCreateSet(EvaluatorPtr operand);
EvaluatorPtr MakeSizeOfSet(EvaluatorPtr operand);

// The set objects made by createSet() and unionSet().
class SetObject final : public ObjRep {
 public:
  std::vector<Value> values;  // distinct
  void Insert(const Value& v);
  std::string ToString() const override;
};

}  // namespace eddy::runtime
