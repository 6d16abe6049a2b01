#include "runtime/operator/group_table.h"

#include <algorithm>
#include <bit>

namespace eddy::runtime {

void GroupTable::Rehash(size_t capacity) {
  std::vector<uint32_t> old;
  old.swap(table_);
  table_.assign(capacity, kEmpty);
  mask_ = capacity - 1;
  shift_ = static_cast<uint32_t>(64 - std::countr_zero(capacity));
  const size_t mask = mask_;
  for (uint32_t id : old) {
    if (id == kEmpty) continue;
    size_t i = Home(hashes_[id]);
    while (table_[i] != kEmpty) i = (i + 1) & mask;
    table_[i] = id;
  }
}

uint32_t GroupTable::FindOrAddGeneral(std::span<const ColumnView> keys, uint32_t row) {
  const size_t mask = mask_;
  const uint64_t h = Hash(keys, row);
  size_t i = Home(h);
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
  } else if (!rows.empty() && rows.back() == rows.size() - 1) {
    // (Rows are ascending: these are 0..n-1, read by stepping pointers.)
    FindOrAddShortRows<true>(keys, rows, group_of_row);
  } else {
    FindOrAddShortRows<false>(keys, rows, group_of_row);
  }
  return id_bound();
}

template <bool kFirstRows>
void GroupTable::FindOrAddShortRows(std::span<const ColumnView> keys, std::span<const uint32_t> rows,
                                    uint32_t* group_of_row) {
  const ColumnView key = keys[0];
  const uint32_t n = static_cast<uint32_t>(rows.size());
  uint32_t i = 0;
  while (i < n) {
    // FindOrAdd's short-string path, in a loop that calls nothing: the table's
    // arrays and the cursors stay in registers (stores to group_of_row could
    // otherwise alias the arrays, and a call would spill them). It stops at a
    // row it cannot answer (a new group, a long string or null), which
    // FindOrAdd takes (it may grow or rehash the table).
    const uint32_t* table = table_.data();
    const ShortKey* words = short_keys_.data();
    const size_t mask = mask_;
    const uint32_t shift = shift_;
    const Slot* values = key.data + size_t{i} * key.stride;
    const uint8_t* nulls = key.nulls + size_t{i} * key.null_stride;
    for (; i < n; ++i) {
      const uint32_t row = kFirstRows ? i : rows[i];
      const bool null = kFirstRows ? *nulls != 0 : key.null(row);
      const StrRep* s = kFirstRows ? values->str : key.at(row).str;
      if constexpr (kFirstRows) {
        values += key.stride;
        nulls += key.null_stride;
      }
      if (null || s->size > 8) break;
      const ShortKey word{s->word(), s->size};
      size_t slot;
      const uint32_t g = ProbeShort(table, words, mask, shift, word, ShortHash(word), slot);
      if (g == kEmpty) break;
      group_of_row[row] = g;
    }
    if (i == n) break;
    const uint32_t row = kFirstRows ? i : rows[i];
    group_of_row[row] = FindOrAdd(keys, row);
    ++i;
  }
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
    short_keys_[id] = key != nullptr && key->size <= 8 ? ShortKey{key->word(), key->size}
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
  size_t i = Home(hashes_[id]);
  while (table_[i] != id) i = (i + 1) & mask;
  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  size_t j = i;
  while (true) {
    j = (j + 1) & mask;
    if (table_[j] == kEmpty) break;
    const size_t home = Home(hashes_[table_[j]]);
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
