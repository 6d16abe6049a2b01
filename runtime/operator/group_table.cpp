#include "runtime/operator/group_table.h"

#include <algorithm>

namespace eddy::runtime {

void GroupTable::Rehash(size_t capacity) {
  std::vector<uint32_t> old;
  old.swap(table_);
  table_.assign(capacity, kEmpty);
  mask_ = capacity - 1;
  const size_t mask = mask_;
  for (uint32_t id : old) {
    if (id == kEmpty) continue;
    size_t i = hashes_[id] & mask;
    while (table_[i] != kEmpty) i = (i + 1) & mask;
    table_[i] = id;
  }
}

uint32_t GroupTable::FindOrAddGeneral(std::span<const ColumnView> keys, uint32_t row) {
  const size_t mask = mask_;
  const uint64_t h = Hash(keys, row);
  size_t i = h & mask;
  for (; table_[i] != kEmpty; i = (i + 1) & mask) {
    const uint32_t id = table_[i];
    if (hashes_[id] == h && Equal(keys, row, id)) return id;
  }
  return Insert(keys, row, h, i);
}

uint32_t GroupTable::FindOrAddRows(std::span<const ColumnView> keys, std::span<const uint32_t> rows,
                                   uint32_t* group_of_row) {
  if (!single_string_) {
    for (uint32_t row : rows) group_of_row[row] = FindOrAddGeneral(keys, row);
    return id_bound();
  }
  // FindOrAdd's short-string path with the table's arrays in locals: stores to
  // group_of_row could otherwise alias them. Reloaded after an insert, which
  // may grow or rehash them.
  const ColumnView key = keys[0];
  const uint32_t* table = table_.data();
  const ShortKey* words = short_keys_.data();
  size_t mask = mask_;
  for (uint32_t row : rows) {
    uint32_t g = kEmpty;
    const StrRep* s = key.null(row) ? nullptr : key.at(row).str;
    if (s != nullptr && s->size <= 8) {
      const ShortKey word{LoadShort(s->data, s->size), s->size};
      size_t slot;
      g = ProbeShort(table, words, mask, word, ShortHash(word), slot);
    }
    if (g == kEmpty) {  // a new group, a long string or null
      g = FindOrAdd(keys, row);
      table = table_.data();
      words = short_keys_.data();
      mask = mask_;
    }
    group_of_row[row] = g;
  }
  return id_bound();
}

uint32_t GroupTable::Insert(std::span<const ColumnView> keys, uint32_t row, uint64_t h, size_t slot) {
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = keys_.Append(0, EventKind::kCurrent);
    hashes_.push_back(0);
    if (single_string_) {
      string_keys_.push_back(nullptr);
      short_keys_.push_back({});
    }
  }
  for (uint32_t k = 0; k < keys.size(); ++k) keys_.SetSlot(id, k, keys[k].at(row), keys[k].null(row));
  if (single_string_) {
    const StrRep* key = keys_.nulls(id)[0] ? nullptr : keys_.row(id)[0].str;
    string_keys_[id] = key;
    short_keys_[id] = key != nullptr && key->size <= 8 ? ShortKey{LoadShort(key->data, key->size), key->size}
                                                        : ShortKey{};
  }
  hashes_[id] = h;
  table_[slot] = id;
  ++live_;
  if (live_ * 2 > table_.size()) Rehash(table_.size() * 2);
  return id;
}

void GroupTable::Free(uint32_t id) {
  const size_t mask = mask_;
  size_t i = hashes_[id] & mask;
  while (table_[i] != id) i = (i + 1) & mask;
  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    if (table_[j] == kEmpty) break;
    const size_t home = hashes_[table_[j]] & mask;
    // Move table_[j] into the hole at i if its home is not in (i, j].
    const bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      table_[i] = table_[j];
      i = j;
    }
  }
  table_[i] = kEmpty;
  --live_;
  for (uint32_t k = 0; k < keys_.arity(); ++k) keys_.SetSlot(id, k, Slot{}, true);
  if (single_string_) {
    string_keys_[id] = nullptr;
    short_keys_[id] = {};
  }
  free_ids_.push_back(id);
}

}  // namespace eddy::runtime
