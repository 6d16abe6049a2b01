// Comparing single values typed at plan time: the scalar form of the comparison
// evaluators (MakeComparison after MakeWiden), for checks made one row at a time
// where gathering a frame for the vectorized evaluators would cost more than the
// comparison itself (a pattern state's candidates, usually one or two).
//
// The same operators, widening and null rule as the evaluators (LANGUAGE.md §3):
// callers treat a null side as false before comparing.
#pragma once

#include <cstdint>
#include <string_view>

#include "eddy/event.h"
#include "eddy/value.h"
#include "runtime/expr/factory.h"

namespace eddy::runtime {

template <typename T>
bool CompareValues(CompareOp op, const T& x, const T& y) {
  switch (op) {
    case CompareOp::kEq: return x == y;
    case CompareOp::kNe: return x != y;
    case CompareOp::kLt: return x < y;
    case CompareOp::kLe: return x <= y;
    case CompareOp::kGt: return x > y;
    case CompareOp::kGe: return x >= y;
  }
  return false;
}

// `v`, of type `from`, as type `to` (both numeric, `to` at least as wide, or
// equal), converted as MakeWiden converts.
inline Slot WidenSlot(Slot v, Type from, Type to) {
  if (from == to) return v;
  Slot out;
  out.raw = 0;
  switch (to) {
    case Type::kLong: out.i64 = v.i32; break;  // (only int widens to long)
    case Type::kFloat: out.f32 = from == Type::kInt ? static_cast<float>(v.i32) : static_cast<float>(v.i64); break;
    default:
      out.f64 = from == Type::kInt    ? static_cast<double>(v.i32)
                : from == Type::kLong ? static_cast<double>(v.i64)
                                      : static_cast<double>(v.f32);
      break;
  }
  return out;
}

// a OP b, both of type `as` (numeric; string or bool for == and !=). REQUIRES:
// neither is null.
inline bool CompareSlots(CompareOp op, Type as, Slot a, Slot b) {
  switch (as) {
    case Type::kString: return CompareValues(op, a.str->view(), b.str->view());
    case Type::kBool: return CompareValues(op, a.b, b.b);
    case Type::kInt: return CompareValues(op, a.i32, b.i32);
    case Type::kLong: return CompareValues(op, a.i64, b.i64);
    case Type::kFloat: return CompareValues(op, a.f32, b.f32);
    default: return CompareValues(op, a.f64, b.f64);
  }
}

// CompareSlots with the operator and the type fixed at plan time, as one
// function (no switches per call), for sides that need no widening; null for a
// type without an order or equality here.
using SlotComparison = bool (*)(Slot a, Slot b);

template <CompareOp kOp, Type kAs>
bool CompareSlotsAs(Slot a, Slot b) {
  return CompareSlots(kOp, kAs, a, b);
}

template <CompareOp kOp>
SlotComparison TypedComparisonOf(Type as) {
  switch (as) {
    case Type::kString: return &CompareSlotsAs<kOp, Type::kString>;
    case Type::kBool: return &CompareSlotsAs<kOp, Type::kBool>;
    case Type::kInt: return &CompareSlotsAs<kOp, Type::kInt>;
    case Type::kLong: return &CompareSlotsAs<kOp, Type::kLong>;
    case Type::kFloat: return &CompareSlotsAs<kOp, Type::kFloat>;
    case Type::kDouble: return &CompareSlotsAs<kOp, Type::kDouble>;
    default: return nullptr;
  }
}

inline SlotComparison TypedComparison(CompareOp op, Type as) {
  switch (op) {
    case CompareOp::kEq: return TypedComparisonOf<CompareOp::kEq>(as);
    case CompareOp::kNe: return TypedComparisonOf<CompareOp::kNe>(as);
    case CompareOp::kLt: return TypedComparisonOf<CompareOp::kLt>(as);
    case CompareOp::kLe: return TypedComparisonOf<CompareOp::kLe>(as);
    case CompareOp::kGt: return TypedComparisonOf<CompareOp::kGt>(as);
    case CompareOp::kGe: return TypedComparisonOf<CompareOp::kGe>(as);
  }
  return nullptr;
}

// The operator that gives the same result with its sides swapped (a < b: b > a).
inline CompareOp Mirrored(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kLe: return CompareOp::kGe;
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kGe: return CompareOp::kLe;
    default: return op;
  }
}

}  // namespace eddy::runtime
