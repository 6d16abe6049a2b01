// Compiled expressions.
//
// The planner turns every SiddhiQL expression into a tree of Evaluators whose types
// and attribute slots are fixed at plan time. Evaluation is vectorized: one call
// evaluates the expression for every row of a frame and returns a ColumnView, so
// the virtual call is paid once per chunk, not per event or per attribute.
//
// A frame is the chunk being processed plus optional extra columns (aggregate
// results, pattern/join helpers) that the planner numbered. Attribute reads are
// zero-copy strided views into the chunk; constants are views with stride 0.
//
// Semantics (LANGUAGE.md §3): a null operand gives null; division and modulo by
// zero give null; comparisons with a null side are false; in and/or null acts as
// false; `not null` is true. Evaluation never throws on data: a failed conversion
// is null.
//
// Threading: an Evaluator keeps scratch buffers, so one tree is used by one thread
// at a time (an app's processing is serialized). Trees are immutable otherwise and
// may be shared by all partition instances of a query.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "eddy/event.h"
#include "eddy/value.h"
#include "runtime/event_chunk.h"

namespace eddy::runtime {

// Read-only column of `size` values: value i is data[i * stride], its null flag
// nulls[i * null_stride]. stride == 0 repeats one value (a constant).
struct ColumnView {
  const Slot* data = nullptr;
  const uint8_t* nulls = nullptr;
  uint32_t stride = 1;
  uint32_t null_stride = 1;

  Slot at(uint32_t i) const { return data[size_t{i} * stride]; }
  bool null(uint32_t i) const { return nulls[size_t{i} * null_stride] != 0; }
};

// An evaluator's output buffer. Owns references to strings/objects it holds.
class Column {
 public:
  explicit Column(Type type) : type_(type) {}
  ~Column() { ReleaseAll(); }
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;

  Type type() const { return type_; }
  // Sizes the column for n rows, releasing previous references; contents undefined
  // until written (reference slots are reset to nullptr).
  void Reset(uint32_t n);
  Slot* data() { return data_.data(); }
  uint8_t* nulls() { return nulls_.data(); }
  ColumnView view() const { return {data_.data(), nulls_.data(), 1, 1}; }

 private:
  void ReleaseAll();
  Type type_;
  uint32_t size_ = 0;  // rows written since the last Reset (references to release)
  std::vector<Slot> data_;
  std::vector<uint8_t> nulls_;
};

// What an evaluation sees.
struct EvalFrame {
  const EventChunk* chunk = nullptr;  // rows 0..rows-1 are evaluated
  uint32_t rows = 0;
  std::span<const ColumnView> extra;  // planner-numbered extra columns
  int64_t now = 0;                    // the app clock (currentTimeMillis())
};

class Evaluator {
 public:
  explicit Evaluator(Type type) : type_(type) {}
  virtual ~Evaluator() = default;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  Type type() const { return type_; }

  // Evaluates every row of the frame. The view stays valid until the next Eval of
  // this evaluator or until the frame's chunk changes, whichever comes first.
  virtual ColumnView Eval(const EvalFrame& frame) = 0;

  // Constant folding and cheap projections: non-null when this evaluator is a
  // plain read of chunk attribute `slot` (no conversion).
  virtual const int32_t* chunk_slot() const { return nullptr; }
  // True when the value does not depend on the frame (a literal, or folded).
  virtual bool is_constant() const { return false; }

 private:
  Type type_;
};

using EvaluatorPtr = std::unique_ptr<Evaluator>;

}  // namespace eddy::runtime
