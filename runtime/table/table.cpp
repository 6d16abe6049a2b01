#include "runtime/table/table.h"

#include <algorithm>

#include "runtime/join/fifo_key_index.h"
#include "runtime/slot_hash.h"

namespace eddy::runtime {

Table::Table(std::string name, const Schema* schema, std::vector<uint32_t> primary_key)
    : name_(std::move(name)), schema_(schema), primary_key_(std::move(primary_key)), store_(schema) {
  if (primary_key_.size() == 1) AddIndex(primary_key_[0]);
}

uint64_t Table::KeyHash(const Slot* slots, const uint8_t* nulls) const {
  uint64_t h = 0;
  for (uint32_t a : primary_key_) h = MixHash(h, nulls[a] ? kNullHash : SlotHash(schema_->type(a), slots[a]));
  return Avalanche(h);
}

// Null keys are values here: two rows with a null key attribute collide.
bool Table::SameKey(const Slot* a, const uint8_t* a_nulls, const Slot* b, const uint8_t* b_nulls) const {
  for (uint32_t k : primary_key_) {
    if (a_nulls[k] != b_nulls[k]) return false;
    if (!a_nulls[k] && !SlotEquals(schema_->type(k), a[k], b[k])) return false;
  }
  return true;
}

int64_t Table::FindKey(const Slot* slots, const uint8_t* nulls, std::span<const uint32_t> except) const {
  const auto [first, last] = key_index_.equal_range(KeyHash(slots, nulls));
  for (auto it = first; it != last; ++it) {
    const uint32_t slot = it->second;
    if (std::binary_search(except.begin(), except.end(), slot)) continue;
    if (SameKey(slots, nulls, store_.row(slot), store_.nulls(slot))) return slot;
  }
  return -1;
}

void Table::Erase(Index& index, uint64_t hash, uint32_t slot) {
  const auto [first, last] = index.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (it->second == slot) {
      index.erase(it);
      return;
    }
  }
}

void Table::IndexRow(uint32_t slot) {
  const Slot* row = store_.row(slot);
  const uint8_t* nulls = store_.nulls(slot);
  if (has_primary_key()) key_index_.emplace(KeyHash(row, nulls), slot);
  for (uint32_t a = 0; a < indexes_.size(); ++a) {
    if (indexes_[a] && !nulls[a]) indexes_[a]->emplace(FifoKeyIndex::Hash(schema_->type(a), row[a]), slot);
  }
}

void Table::UnindexRow(uint32_t slot) {
  const Slot* row = store_.row(slot);
  const uint8_t* nulls = store_.nulls(slot);
  if (has_primary_key()) Erase(key_index_, KeyHash(row, nulls), slot);
  for (uint32_t a = 0; a < indexes_.size(); ++a) {
    if (indexes_[a] && !nulls[a]) Erase(*indexes_[a], FifoKeyIndex::Hash(schema_->type(a), row[a]), slot);
  }
}

void Table::AddIndex(uint32_t attribute) {
  if (indexed(attribute)) return;
  if (indexes_.size() <= attribute) indexes_.resize(attribute + 1);
  indexes_[attribute] = std::make_unique<Index>();
  for (uint32_t s = head_; s != kNone; s = next_[s]) {
    if (!store_.nulls(s)[attribute]) {
      indexes_[attribute]->emplace(FifoKeyIndex::Hash(schema_->type(attribute), store_.row(s)[attribute]), s);
    }
  }
}

void Table::Lookup(uint32_t attribute, Type key_type, Slot key, std::vector<uint32_t>& out) const {
  const size_t begin = out.size();
  const auto [first, last] = indexes_[attribute]->equal_range(FifoKeyIndex::Hash(key_type, key));
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end(),
            [this](uint32_t a, uint32_t b) { return sequence_[a] < sequence_[b]; });
}

void Table::AppendSlots(std::vector<uint32_t>& out) const {
  for (uint32_t s = head_; s != kNone; s = next_[s]) out.push_back(s);
}

bool Table::Insert(const Slot* slots, const uint8_t* nulls, int64_t timestamp) {
  if (has_primary_key() && FindKey(slots, nulls, {}) >= 0) return false;
  uint32_t slot;
  if (free_.empty()) {
    slot = store_.AppendRetained(slots, nulls, timestamp, EventKind::kCurrent);
    prev_.push_back(kNone);
    next_.push_back(kNone);
    sequence_.push_back(0);
  } else {
    slot = free_.back();
    free_.pop_back();
    store_.set_timestamp(slot, timestamp);
    for (uint32_t a = 0; a < schema_->arity(); ++a) store_.SetSlot(slot, a, slots[a], nulls[a] != 0);
  }
  prev_[slot] = tail_;
  next_[slot] = kNone;
  (tail_ == kNone ? head_ : next_[tail_]) = slot;
  tail_ = slot;
  sequence_[slot] = inserted_++;
  ++live_;
  IndexRow(slot);
  return true;
}

void Table::Remove(std::span<const uint32_t> slots) {
  for (uint32_t slot : slots) {
    UnindexRow(slot);
    (prev_[slot] == kNone ? head_ : next_[prev_[slot]]) = next_[slot];
    (next_[slot] == kNone ? tail_ : prev_[next_[slot]]) = prev_[slot];
    for (uint32_t a = 0; a < schema_->arity(); ++a) store_.AdoptSlot(slot, a, Slot{.raw = 0}, true);
    free_.push_back(slot);
    --live_;
  }
}

int64_t Table::Replace(std::span<const uint32_t> slots, const EventChunk& values) {
  if (has_primary_key()) {
    changing_.assign(slots.begin(), slots.end());
    std::sort(changing_.begin(), changing_.end());
    for (uint32_t i = 0; i < slots.size(); ++i) {
      // Against the rows that keep their key, then among the new keys.
      if (FindKey(values.row(i), values.nulls(i), changing_) >= 0) return i;
      for (uint32_t j = 0; j < i; ++j) {
        if (SameKey(values.row(i), values.nulls(i), values.row(j), values.nulls(j))) return i;
      }
    }
  }
  for (uint32_t i = 0; i < slots.size(); ++i) {
    UnindexRow(slots[i]);
    for (uint32_t a = 0; a < schema_->arity(); ++a) {
      store_.SetSlot(slots[i], a, values.row(i)[a], values.nulls(i)[a] != 0);
    }
    IndexRow(slots[i]);
  }
  return -1;
}

std::string Table::KeyText(const Slot* slots, const uint8_t* nulls) const {
  const EventView view(0, slots, nulls, schema_->types(), schema_->arity());
  std::string out = "(";
  for (size_t i = 0; i < primary_key_.size(); ++i) {
    if (i > 0) out += ", ";
    out += view.value(primary_key_[i]).ToString();
  }
  return out + ")";
}

bool Table::AppendContents(std::vector<RowRun>& runs) const {
  // Consecutive slots in insertion order make one run (all of them until rows
  // are deleted and their slots reused).
  for (uint32_t s = head_; s != kNone;) {
    uint32_t count = 1;
    while (next_[s + count - 1] == s + count) ++count;
    runs.push_back({store_.row(s), store_.nulls(s), count});
    s = next_[s + count - 1];
  }
  return true;
}

}  // namespace eddy::runtime
