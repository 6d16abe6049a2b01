// A FIFO of event rows of one schema, stored in flat ring buffers: what windows
// hold. Rows own their string/object references; PopInto hands them over to an
// output chunk without touching the counts. Memory per row: 8 bytes per
// attribute + 1 null byte per attribute + 8 bytes of timestamp.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/event_chunk.h"
#include "runtime/row_source.h"

namespace eddy::runtime {

class RowQueue {
 public:
  explicit RowQueue(const Schema* schema) : schema_(schema), arity_(schema->arity()) {}
  ~RowQueue() { Clear(); }
  RowQueue(const RowQueue&) = delete;
  RowQueue& operator=(const RowQueue&) = delete;

  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t timestamp(uint32_t i) const { return timestamps_[Index(i)]; }
  const Slot* row(uint32_t i) const { return slots_.data() + size_t{Index(i)} * arity_; }
  const uint8_t* nulls(uint32_t i) const { return nulls_.data() + size_t{Index(i)} * arity_; }
  // For rewriting a held non-reference attribute in place (e.g. a timestamp).
  Slot* mutable_row(uint32_t i) { return slots_.data() + size_t{Index(i)} * arity_; }
  uint8_t* mutable_nulls(uint32_t i) { return nulls_.data() + size_t{Index(i)} * arity_; }

  // Appends the rows, front first, as at most two runs (the ring may wrap).
  void AppendRuns(std::vector<RowRun>& runs) const;

  // Copies row `row` of `chunk` to the back (retaining references).
  void Push(const EventChunk& chunk, uint32_t row);
  // Copies row `row` of `chunk` to the front (retaining references).
  void PushFront(const EventChunk& chunk, uint32_t row);
  // Moves the back row to the front of `other` (same schema), references and all.
  void MoveBackToFrontOf(RowQueue& other);
  // Moves the front row into `out` as a row of `kind` stamped `ts`.
  void PopInto(EventChunk& out, EventKind kind, int64_t ts);
  // Copies row i into `out` (retaining references).
  void CopyInto(uint32_t i, EventChunk& out, EventKind kind, int64_t ts) const;
  // Moves the front row to the back of `other` (same schema), references and all.
  void MoveFrontTo(RowQueue& other);
  // Removes the front row, releasing its references.
  void PopFront();
  void Clear();

 private:
  uint32_t Index(uint32_t i) const { return (head_ + i) & (capacity_ - 1); }
  void Grow();

  const Schema* schema_;
  uint32_t arity_;
  uint32_t capacity_ = 0;  // a power of two
  uint32_t head_ = 0;
  uint32_t size_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint8_t> nulls_;
  std::vector<int64_t> timestamps_;
};

}  // namespace eddy::runtime
