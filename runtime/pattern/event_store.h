// The events that partial matches hold, stored once and shared by reference.
//
// An event bound to a pattern state is copied here once (however many partial
// matches take it) and counted: partial matches that copy each other share it.
// A row keeps everything about its event together (timestamp, count, the 8-byte
// attribute slots, one null byte per attribute), so reading an event touches one
// or two cache lines however many are stored. Freed rows are reused, so a
// warmed-up store adds events without allocating. A row owns one reference to
// each of its strings.
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

  explicit EventStore(const Schema* schema)
      : schema_(schema), arity_(schema->arity()), stride_(2 + arity_ + (arity_ + 7) / 8) {}
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Copies row `row` of `chunk` (this store's schema); the new row has count 1.
  Id Add(const EventChunk& chunk, uint32_t row);
  void Retain(Id id) { ++Row(id)[kRefs].raw; }
  // Frees the row (and its strings) when the last reference goes.
  void Release(Id id);

  int64_t timestamp(Id id) const { return Row(id)[kTimestamp].i64; }
  Slot slot(Id id, uint32_t attr) const { return Row(id)[kSlots + attr]; }
  bool null(Id id, uint32_t attr) const { return nulls(id)[attr] != 0; }
  const Slot* row(Id id) const { return Row(id) + kSlots; }
  const uint8_t* nulls(Id id) const { return reinterpret_cast<const uint8_t*>(Row(id) + kSlots + arity_); }

  size_t live() const { return live_; }

 private:
  enum : uint32_t { kTimestamp = 0, kRefs = 1, kSlots = 2 };
  Slot* Row(Id id) { return rows_.data() + size_t{id} * stride_; }
  const Slot* Row(Id id) const { return rows_.data() + size_t{id} * stride_; }
  uint8_t* MutableNulls(Id id) { return reinterpret_cast<uint8_t*>(Row(id) + kSlots + arity_); }
  void ReleaseStrings(Id id);

  const Schema* schema_;
  uint32_t arity_;
  uint32_t stride_;  // in slots: timestamp, count, attributes, null bytes
  std::vector<Slot> rows_;
  uint32_t capacity_ = 0;
  std::vector<Id> free_;
  size_t live_ = 0;
};

}  // namespace eddy::runtime
