#include "runtime/pattern/event_store.h"

namespace eddy::runtime {

EventStore::~EventStore() {
  if (schema_->ref_slots().empty()) return;
  for (Id id = 0; id < refs_.size(); ++id) {
    if (refs_[id] == 0) continue;
    for (uint32_t attr : schema_->ref_slots()) {
      if (!null(id, attr)) ReleaseSlot(schema_->type(attr), slot(id, attr));
    }
  }
}

EventStore::Id EventStore::Add(const EventChunk& chunk, uint32_t row) {
  Id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<Id>(refs_.size());
    refs_.push_back(0);
    timestamps_.push_back(0);
    slots_.resize(slots_.size() + arity_);
    nulls_.resize(nulls_.size() + arity_);
  }
  ++live_;
  refs_[id] = 1;
  timestamps_[id] = chunk.timestamp(row);
  Slot* to = slots_.data() + size_t{id} * arity_;
  uint8_t* to_nulls = nulls_.data() + size_t{id} * arity_;
  const Slot* from = chunk.row(row);
  const uint8_t* from_nulls = chunk.nulls(row);
  for (uint32_t i = 0; i < arity_; ++i) {
    to[i] = from[i];
    to_nulls[i] = from_nulls[i];
  }
  for (uint32_t attr : schema_->ref_slots()) {
    if (!to_nulls[attr]) RetainSlot(schema_->type(attr), to[attr]);
  }
  return id;
}

void EventStore::Release(Id id) {
  if (--refs_[id] != 0) return;
  for (uint32_t attr : schema_->ref_slots()) {
    if (!null(id, attr)) ReleaseSlot(schema_->type(attr), slot(id, attr));
  }
  free_.push_back(id);
  --live_;
}

}  // namespace eddy::runtime
