// FifoKeyIndex: a hash index by one key attribute over the rows a FIFO window
// holds, for joins (LANGUAGE.md §10) whose `on` condition compares that
// attribute for equality with one of the other side's.
//
// FIFO windows (length, time, timeLength, externalTime and the batch windows)
// take rows in at the back and let them go from the front, so the index is kept
// from the events the window emits, without touching the window: a CURRENT
// event entered, an EXPIRED event left (the oldest). Rows are numbered by entry;
// per key hash the index chains the held rows oldest first, so a probe visits
// exactly the rows a scan would match on the key, in the scan's order, as
// positions in the window's contents (0 = oldest). Rows with a null key are
// never chained: `==` with null is false.
//
// Hashes are 64-bit; rows whose keys differ but collide are visited too, so the
// caller still evaluates the full condition. int and long keys hash alike (the
// compiled `==` promotes int to long).
//
// Not thread-safe; owned by the join side that feeds it.
#pragma once

#include <cstdint>
#include <vector>

#include "eddy/event.h"
#include "eddy/value.h"

namespace eddy::runtime {

class FifoKeyIndex {
 public:
  FifoKeyIndex(uint32_t key_slot, Type key_type) : key_slot_(key_slot), key_type_(key_type) {}

  // The hash of a non-null key of `type` (int and long alike).
  static uint64_t Hash(Type type, Slot key);
  // Whether keys of types `a` and `b` meet through Hash: the same type (not
  // object), or int and long.
  static bool KeysMeet(Type a, Type b) {
    const auto integral = [](Type t) { return t == Type::kInt || t == Type::kLong; };
    return a == b ? a != Type::kObject : integral(a) && integral(b);
  }

  // A row entered the window at the back / the oldest row left it.
  void Enter(const Slot* row, const uint8_t* nulls);
  void Leave();
  // Rows held (entered and not left).
  uint64_t size() const { return entered_ - left_; }

  // Calls visit(position) for every held row whose key hashes to `hash`, oldest
  // first; position 0 is the oldest held row.
  template <typename Visit>
  void ForEach(uint64_t hash, Visit&& visit) const {
    const Bucket* bucket = FindBucket(hash);
    if (bucket == nullptr) return;
    for (uint64_t seq = bucket->head; seq != kNone; seq = next_[seq & ring_mask_]) {
      visit(static_cast<uint32_t>(seq - left_));
    }
  }

 private:
  static constexpr uint64_t kNone = ~uint64_t{0};
  struct Bucket {
    uint64_t hash = 0;
    uint64_t head = kNone;  // oldest held row with this hash; kNone: the bucket is free
    uint64_t tail = kNone;  // newest
  };

  const Bucket* FindBucket(uint64_t hash) const;
  void GrowRing();
  void GrowTable();
  void EraseBucket(size_t at);

  uint32_t key_slot_;
  Type key_type_;
  uint64_t entered_ = 0;
  uint64_t left_ = 0;
  // Per held row, by entry number & ring_mask_: the next row with its hash, its
  // hash, and whether it is chained (non-null key).
  std::vector<uint64_t> next_;
  std::vector<uint64_t> hash_;
  std::vector<uint8_t> chained_;
  uint64_t ring_mask_ = 0;
  // Open addressing, linear probing, at most half full.
  std::vector<Bucket> table_;
  size_t used_ = 0;
};

}  // namespace eddy::runtime
