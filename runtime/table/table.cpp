#include "runtime/table/table.h"

#include <algorithm>

#include "runtime/slot_hash.h"

namespace eddy::runtime {

Table::Table(std::string name, const Schema* schema, std::vector<uint32_t> primary_key)
    : name_(std::move(name)), schema_(schema), primary_key_(std::move(primary_key)), rows_(schema), spare_(schema) {}

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
    const uint32_t row = it->second;
    if (std::binary_search(except.begin(), except.end(), row)) continue;
    if (SameKey(slots, nulls, rows_.row(row), rows_.nulls(row))) return row;
  }
  return -1;
}

void Table::RebuildIndex() {
  if (!has_primary_key()) return;
  key_index_.clear();
  for (uint32_t r = 0; r < rows_.size(); ++r) key_index_.emplace(KeyHash(rows_.row(r), rows_.nulls(r)), r);
}

bool Table::Insert(const Slot* slots, const uint8_t* nulls, int64_t timestamp) {
  if (has_primary_key()) {
    if (FindKey(slots, nulls, {}) >= 0) return false;
    key_index_.emplace(KeyHash(slots, nulls), rows_.size());
  }
  rows_.AppendRetained(slots, nulls, timestamp, EventKind::kCurrent);
  return true;
}

void Table::Remove(std::span<const uint32_t> rows) {
  if (rows.empty()) return;
  spare_.Clear();
  size_t next = 0;
  for (uint32_t r = 0; r < rows_.size(); ++r) {
    if (next < rows.size() && rows[next] == r) {
      ++next;
      continue;
    }
    spare_.AppendCopy(rows_, r);
  }
  rows_.Swap(spare_);
  spare_.Clear();
  RebuildIndex();
}

int64_t Table::Replace(std::span<const uint32_t> rows, const EventChunk& values) {
  if (has_primary_key()) {
    changing_.assign(rows.begin(), rows.end());
    std::sort(changing_.begin(), changing_.end());
    for (uint32_t i = 0; i < rows.size(); ++i) {
      // Against the rows that keep their key, then among the new keys.
      if (FindKey(values.row(i), values.nulls(i), changing_) >= 0) return i;
      for (uint32_t j = 0; j < i; ++j) {
        if (SameKey(values.row(i), values.nulls(i), values.row(j), values.nulls(j))) return i;
      }
    }
  }
  for (uint32_t i = 0; i < rows.size(); ++i) {
    for (uint32_t a = 0; a < schema_->arity(); ++a) {
      rows_.SetSlot(rows[i], a, values.row(i)[a], values.nulls(i)[a] != 0);
    }
  }
  RebuildIndex();
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
  if (!rows_.empty()) runs.push_back({rows_.slots(), rows_.null_flags(), rows_.size()});
  return true;
}

}  // namespace eddy::runtime
