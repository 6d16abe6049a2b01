#include "runtime/operator/group_table.h"

#include <bit>
#include <functional>
#include <string_view>

namespace eddy::runtime {
namespace {

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

bool SlotEquals(Type type, Slot a, Slot b) {
  switch (type) {
    case Type::kString: return a.str->view() == b.str->view();
    case Type::kInt: return a.i32 == b.i32;
    case Type::kLong: return a.i64 == b.i64;
    case Type::kFloat: return a.f32 == b.f32 || (a.f32 != a.f32 && b.f32 != b.f32);
    case Type::kDouble: return a.f64 == b.f64 || (a.f64 != a.f64 && b.f64 != b.f64);
    case Type::kBool: return a.b == b.b;
    case Type::kObject: return a.obj == b.obj;
  }
  return false;
}

uint64_t SlotHash(Type type, Slot s) {
  switch (type) {
    case Type::kString: return std::hash<std::string_view>{}(s.str->view());
    case Type::kInt: return static_cast<uint64_t>(s.i32);
    case Type::kLong: return static_cast<uint64_t>(s.i64);
    case Type::kFloat: return s.f32 == 0 ? 0 : std::bit_cast<uint32_t>(s.f32);
    case Type::kDouble: return s.f64 == 0 ? 0 : std::bit_cast<uint64_t>(s.f64);
    case Type::kBool: return s.b ? 1 : 0;
    case Type::kObject: return reinterpret_cast<uintptr_t>(s.obj);
  }
  return 0;
}

}  // namespace

uint64_t GroupTable::Hash(std::span<const ColumnView> keys, uint32_t row) const {
  uint64_t h = 0;
  for (uint32_t k = 0; k < keys.size(); ++k) {
    h = Mix(h, keys[k].null(row) ? 0x5bd1e995ULL : SlotHash(keys_.schema().type(k), keys[k].at(row)));
  }
  return h;
}

bool GroupTable::Equal(std::span<const ColumnView> keys, uint32_t row, uint32_t id) const {
  const Slot* stored = keys_.row(id);
  const uint8_t* stored_nulls = keys_.nulls(id);
  for (uint32_t k = 0; k < keys.size(); ++k) {
    const bool null = keys[k].null(row);
    if (null != (stored_nulls[k] != 0)) return false;
    if (!null && !SlotEquals(keys_.schema().type(k), keys[k].at(row), stored[k])) return false;
  }
  return true;
}

void GroupTable::Rehash(size_t capacity) {
  std::vector<uint32_t> old;
  old.swap(table_);
  table_.assign(capacity, kEmpty);
  const size_t mask = capacity - 1;
  for (uint32_t id : old) {
    if (id == kEmpty) continue;
    size_t i = hashes_[id] & mask;
    while (table_[i] != kEmpty) i = (i + 1) & mask;
    table_[i] = id;
  }
}

uint32_t GroupTable::FindOrAdd(std::span<const ColumnView> keys, uint32_t row) {
  if (table_.empty()) table_.assign(64, kEmpty);
  const uint64_t h = Hash(keys, row);
  const size_t mask = table_.size() - 1;
  size_t i = h & mask;
  for (; table_[i] != kEmpty; i = (i + 1) & mask) {
    const uint32_t id = table_[i];
    if (hashes_[id] == h && Equal(keys, row, id)) return id;
  }
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = keys_.Append(0, EventKind::kCurrent);
    hashes_.push_back(0);
  }
  for (uint32_t k = 0; k < keys.size(); ++k) keys_.SetSlot(id, k, keys[k].at(row), keys[k].null(row));
  hashes_[id] = h;
  table_[i] = id;
  ++live_;
  if (live_ * 2 > table_.size()) Rehash(table_.size() * 2);
  return id;
}

void GroupTable::Free(uint32_t id) {
  const size_t mask = table_.size() - 1;
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
  free_ids_.push_back(id);
}

}  // namespace eddy::runtime
