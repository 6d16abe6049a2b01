#include "runtime/window/row_queue.h"

#include <algorithm>
#include <cstring>

namespace eddy::runtime {

void RowQueue::Grow() {
  const uint32_t new_capacity = capacity_ == 0 ? 16 : capacity_ * 2;
  std::vector<Slot> slots(size_t{new_capacity} * arity_);
  std::vector<uint8_t> nulls(size_t{new_capacity} * arity_);
  std::vector<int64_t> timestamps(new_capacity);
  for (uint32_t i = 0; i < size_; ++i) {
    const uint32_t from = Index(i);
    for (uint32_t a = 0; a < arity_; ++a) {
      slots[size_t{i} * arity_ + a] = slots_[size_t{from} * arity_ + a];
      nulls[size_t{i} * arity_ + a] = nulls_[size_t{from} * arity_ + a];
    }
    timestamps[i] = timestamps_[from];
  }
  slots_.swap(slots);
  nulls_.swap(nulls);
  timestamps_.swap(timestamps);
  capacity_ = new_capacity;
  head_ = 0;
}

void RowQueue::AppendRuns(std::vector<RowRun>& runs) const {
  if (size_ == 0) return;
  const uint32_t first = std::min(size_, capacity_ - head_);
  runs.push_back({row(0), nulls(0), first});
  if (first < size_) runs.push_back({slots_.data(), nulls_.data(), size_ - first});
}

void RowQueue::Push(const EventChunk& chunk, uint32_t row) {
  if (size_ == capacity_) Grow();
  const uint32_t at = Index(size_++);
  Slot* to = slots_.data() + size_t{at} * arity_;
  uint8_t* to_nulls = nulls_.data() + size_t{at} * arity_;
  CopyRow(to, to_nulls, chunk.row(row), chunk.nulls(row), arity_);
  if (schema_->has_refs()) chunk.RetainRow(to, to_nulls);
  timestamps_[at] = chunk.timestamp(row);
}

void RowQueue::PushFront(const EventChunk& chunk, uint32_t row) {
  if (size_ == capacity_) Grow();
  head_ = (head_ + capacity_ - 1) & (capacity_ - 1);
  ++size_;
  Slot* to = slots_.data() + size_t{head_} * arity_;
  uint8_t* to_nulls = nulls_.data() + size_t{head_} * arity_;
  CopyRow(to, to_nulls, chunk.row(row), chunk.nulls(row), arity_);
  if (schema_->has_refs()) chunk.RetainRow(to, to_nulls);
  timestamps_[head_] = chunk.timestamp(row);
}

void RowQueue::MoveBackToFrontOf(RowQueue& other) {
  if (other.size_ == other.capacity_) other.Grow();
  other.head_ = (other.head_ + other.capacity_ - 1) & (other.capacity_ - 1);
  ++other.size_;
  const uint32_t from = Index(size_ - 1);
  for (uint32_t a = 0; a < arity_; ++a) {
    other.slots_[size_t{other.head_} * arity_ + a] = slots_[size_t{from} * arity_ + a];
    other.nulls_[size_t{other.head_} * arity_ + a] = nulls_[size_t{from} * arity_ + a];
  }
  other.timestamps_[other.head_] = timestamps_[from];
  --size_;
}

void RowQueue::PopInto(EventChunk& out, EventKind kind, int64_t ts) {
  out.AppendAdopted(row(0), nulls(0), ts, kind);
  head_ = (head_ + 1) & (capacity_ - 1);
  --size_;
}

void RowQueue::CopyInto(uint32_t i, EventChunk& out, EventKind kind, int64_t ts) const {
  out.AppendRetained(row(i), nulls(i), ts, kind);
}

void RowQueue::MoveFrontTo(RowQueue& other) {
  if (other.size_ == other.capacity_) other.Grow();
  const uint32_t at = other.Index(other.size_++);
  const Slot* from = row(0);
  const uint8_t* from_nulls = nulls(0);
  for (uint32_t a = 0; a < arity_; ++a) {
    other.slots_[size_t{at} * arity_ + a] = from[a];
    other.nulls_[size_t{at} * arity_ + a] = from_nulls[a];
  }
  other.timestamps_[at] = timestamp(0);
  head_ = (head_ + 1) & (capacity_ - 1);
  --size_;
}

void RowQueue::PopFront() {
  const Slot* from = row(0);
  const uint8_t* from_nulls = nulls(0);
  for (uint32_t a : schema_->ref_slots()) {
    if (!from_nulls[a]) ReleaseSlot(schema_->type(a), from[a]);
  }
  head_ = (head_ + 1) & (capacity_ - 1);
  --size_;
}

void RowQueue::Clear() {
  while (size_ > 0) PopFront();
  head_ = 0;
}

}  // namespace eddy::runtime
