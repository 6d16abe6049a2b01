#include "runtime/pattern/event_store.h"

namespace eddy::runtime {

EventStore::~EventStore() {
  for (Id id = 0; id < capacity_; ++id) {
    if (Row(id)[kRefs].raw != 0) ReleaseStrings(id);
  }
}

EventStore::Id EventStore::Add(const EventChunk& chunk, uint32_t row) {
  Id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = capacity_++;
    rows_.resize(rows_.size() + stride_, Slot{.raw = 0});
  }
  ++live_;
  Slot* to = Row(id);
  to[kTimestamp].i64 = chunk.timestamp(row);
  to[kRefs].raw = 1;
  uint8_t* to_nulls = MutableNulls(id);
  const Slot* from = chunk.row(row);
  const uint8_t* from_nulls = chunk.nulls(row);
  for (uint32_t i = 0; i < arity_; ++i) {
    to[kSlots + i] = from[i];
    to_nulls[i] = from_nulls[i];
  }
  for (uint32_t attr : schema_->ref_slots()) {
    if (!to_nulls[attr]) RetainSlot(schema_->type(attr), to[kSlots + attr]);
  }
  return id;
}

inline void EventStore::ReleaseStrings(Id id) {
  const Slot* row = this->row(id);
  const uint8_t* row_nulls = nulls(id);
  for (uint32_t attr : schema_->ref_slots()) {
    if (!row_nulls[attr]) ReleaseSlot(schema_->type(attr), row[attr]);
  }
}

void EventStore::Release(Id id) {
  if (--Row(id)[kRefs].raw != 0) return;
  ReleaseStrings(id);
  free_.push_back(id);
  --live_;
}

}  // namespace eddy::runtime
