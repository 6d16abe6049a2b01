#include "runtime/join/fifo_key_index.h"

#include "runtime/slot_hash.h"

namespace eddy::runtime {

uint64_t FifoKeyIndex::Hash(Type type, Slot key) {
  if (type == Type::kInt) return Avalanche(static_cast<uint64_t>(int64_t{key.i32}));
  return Avalanche(SlotHash(type, key));
}

const FifoKeyIndex::Bucket* FifoKeyIndex::FindBucket(uint64_t hash) const {
  if (table_.empty()) return nullptr;
  const size_t mask = table_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Bucket& b = table_[at];
    if (b.head == kNone) return nullptr;
    if (b.hash == hash) return &b;
  }
}

void FifoKeyIndex::GrowRing() {
  const uint64_t capacity = next_.empty() ? 16 : next_.size() * 2;
  std::vector<uint64_t> next(capacity), hash(capacity);
  std::vector<uint8_t> chained(capacity);
  const uint64_t mask = capacity - 1;
  for (uint64_t seq = left_; seq < entered_; ++seq) {
    next[seq & mask] = next_[seq & ring_mask_];
    hash[seq & mask] = hash_[seq & ring_mask_];
    chained[seq & mask] = chained_[seq & ring_mask_];
  }
  next_.swap(next);
  hash_.swap(hash);
  chained_.swap(chained);
  ring_mask_ = mask;
}

void FifoKeyIndex::GrowTable() {
  std::vector<Bucket> old;
  old.swap(table_);
  table_.resize(old.empty() ? 16 : old.size() * 2);
  const size_t mask = table_.size() - 1;
  for (const Bucket& b : old) {
    if (b.head == kNone) continue;
    size_t at = b.hash & mask;
    while (table_[at].head != kNone) at = (at + 1) & mask;
    table_[at] = b;
  }
}

void FifoKeyIndex::EraseBucket(size_t at) {
  // Backward-shift deletion keeps every probe sequence unbroken.
  const size_t mask = table_.size() - 1;
  size_t hole = at;
  for (size_t i = (at + 1) & mask; table_[i].head != kNone; i = (i + 1) & mask) {
    const size_t home = table_[i].hash & mask;
    // Move i into the hole unless its home lies cyclically in (hole, i].
    const bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
    if (stays) continue;
    table_[hole] = table_[i];
    hole = i;
  }
  table_[hole] = Bucket{};
  --used_;
}

void FifoKeyIndex::Enter(const Slot* row, const uint8_t* nulls) {
  if (size() == next_.size()) GrowRing();
  const uint64_t seq = entered_++;
  const uint64_t at_ring = seq & ring_mask_;
  next_[at_ring] = kNone;
  chained_[at_ring] = nulls[key_slot_] == 0;
  if (!chained_[at_ring]) return;
  const uint64_t hash = Hash(key_type_, row[key_slot_]);
  hash_[at_ring] = hash;
  if ((used_ + 1) * 2 > table_.size()) GrowTable();
  const size_t mask = table_.size() - 1;
  size_t at = hash & mask;
  while (table_[at].head != kNone && table_[at].hash != hash) at = (at + 1) & mask;
  Bucket& b = table_[at];
  if (b.head == kNone) {
    b = Bucket{hash, seq, seq};
    ++used_;
  } else {
    next_[b.tail & ring_mask_] = seq;
    b.tail = seq;
  }
}

void FifoKeyIndex::Leave() {
  if (size() == 0) return;
  const uint64_t seq = left_++;
  const uint64_t at_ring = seq & ring_mask_;
  if (!chained_[at_ring]) return;
  const size_t mask = table_.size() - 1;
  size_t at = hash_[at_ring] & mask;
  while (table_[at].hash != hash_[at_ring] || table_[at].head == kNone) at = (at + 1) & mask;
  Bucket& b = table_[at];
  // The oldest held row is the oldest of its chain.
  if (next_[at_ring] == kNone) {
    EraseBucket(at);
  } else {
    b.head = next_[at_ring];
  }
}

}  // namespace eddy::runtime
