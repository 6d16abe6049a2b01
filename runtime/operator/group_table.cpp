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

uint32_t GroupTable::FindOrAdd(std::span<const ColumnView> keys, uint32_t row) {
  const uint64_t h = Hash(keys, row);
  auto [begin, end] = index_.equal_range(h);
  for (auto it = begin; it != end; ++it) {
    if (Equal(keys, row, it->second)) return it->second;
  }
  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = keys_.Append(0, EventKind::kCurrent);
    hashes_.push_back(0);
  }
  for (uint32_t k = 0; k < keys.size(); ++k) {
    keys_.SetSlot(id, k, keys[k].at(row), keys[k].null(row));
  }
  hashes_[id] = h;
  index_.emplace(h, id);
  return id;
}

void GroupTable::Free(uint32_t id) {
  auto [begin, end] = index_.equal_range(hashes_[id]);
  for (auto it = begin; it != end; ++it) {
    if (it->second == id) {
      index_.erase(it);
      break;
    }
  }
  for (uint32_t k = 0; k < keys_.arity(); ++k) keys_.SetSlot(id, k, Slot{}, true);
  free_ids_.push_back(id);
}

}  // namespace eddy::runtime
