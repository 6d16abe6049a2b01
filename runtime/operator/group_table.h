// Group ids for `group by`: maps each distinct key (a row of key values) to a
// small dense id, reused once the group is freed. Lookups hash the key values in
// place; only a new group touches the allocator.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/event_chunk.h"
#include "runtime/expr/evaluator.h"

namespace eddy::runtime {

class GroupTable {
 public:
  // REQUIRES: key_schema outlives the table.
  explicit GroupTable(const Schema* key_schema) : keys_(key_schema) {}

  // The id of the group whose key is row `row` of `keys`; created if new.
  uint32_t FindOrAdd(std::span<const ColumnView> keys, uint32_t row);
  void Free(uint32_t id);
  size_t live_groups() const { return live_; }

 private:
  uint64_t Hash(std::span<const ColumnView> keys, uint32_t row) const;
  bool Equal(std::span<const ColumnView> keys, uint32_t row, uint32_t id) const;

  void Rehash(size_t capacity);

  EventChunk keys_;  // row `id` holds group id's key
  // Open addressing with linear probing: slot -> group id, or kEmpty.
  static constexpr uint32_t kEmpty = UINT32_MAX;
  std::vector<uint32_t> table_;
  size_t live_ = 0;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> free_ids_;
};

}  // namespace eddy::runtime
