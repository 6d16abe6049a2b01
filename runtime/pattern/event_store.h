// The events that partial matches hold, stored once and shared by reference.
//
// An event bound to a pattern state is copied here once (however many partial
// matches take it) and counted: partial matches that copy each other share it.
// Rows are flat arrays (8 bytes per attribute, one null byte per attribute, the
// timestamp and the count); freed rows are reused, so a warmed-up store adds
// events without allocating. A row owns one reference to each of its strings.
//
// Not thread-safe (an app's processing is serialized).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/event_chunk.h"

namespace eddy::runtime {

class EventStore {
 public:
  using Id = uint32_t;

  explicit EventStore(const Schema* schema) : schema_(schema), arity_(schema->arity()) {}
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Copies row `row` of `chunk` (this store's schema); the new row has count 1.
  Id Add(const EventChunk& chunk, uint32_t row);
  void Retain(Id id) { ++refs_[id]; }
  // Frees the row (and its strings) when the last reference goes.
  void Release(Id id);

  int64_t timestamp(Id id) const { return timestamps_[id]; }
  Slot slot(Id id, uint32_t attr) const { return slots_[size_t{id} * arity_ + attr]; }
  bool null(Id id, uint32_t attr) const { return nulls_[size_t{id} * arity_ + attr] != 0; }
  const Slot* row(Id id) const { return slots_.data() + size_t{id} * arity_; }
  const uint8_t* nulls(Id id) const { return nulls_.data() + size_t{id} * arity_; }

  size_t live() const { return live_; }

 private:
  const Schema* schema_;
  uint32_t arity_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> nulls_;
  std::vector<int64_t> timestamps_;
  std::vector<uint32_t> refs_;
  std::vector<Id> free_;
  size_t live_ = 0;
};

}  // namespace eddy::runtime
