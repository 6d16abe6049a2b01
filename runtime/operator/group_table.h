// Group ids for `group by`: maps each distinct key (a row of key values) to a
// small dense id, reused once the group is freed. Lookups hash the key values in
// place; only a new group touches the allocator.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/event_chunk.h"
#include "runtime/expr/evaluator.h"
#include "runtime/slot_hash.h"

namespace eddy::runtime {

class GroupTable {
 public:
  // REQUIRES: key_schema outlives the table.
  explicit GroupTable(const Schema* key_schema)
      : keys_(key_schema),
        single_string_(key_schema->arity() == 1 && key_schema->type(0) == Type::kString),
        table_(64, kEmpty),
        mask_(63),
        shift_(58) {}

  // The id of the group whose key is row `row` of `keys`; created if new.
  [[gnu::always_inline]] uint32_t FindOrAdd(std::span<const ColumnView> keys, uint32_t row) {
    if (single_string_ && !keys[0].null(row)) {
      // The common case (group by one string attribute), inline and without the
      // per-key loops and type switches. A string of up to 8 bytes is one word
      // (StrRep::word) and its length: hashed with one multiply, compared
      // without a memory indirection.
      const StrRep* key = keys[0].at(row).str;
      const uint32_t* table = table_.data();
      if (key->size <= 8) {
        const ShortKey word{key->word(), key->size};
        const uint64_t h = ShortHash(word);
        size_t slot;
        const uint32_t id = ProbeShort(table, short_keys_.data(), mask_, shift_, word, h, slot);
        return id != kEmpty ? id : Insert(keys, row, h, slot);
      }
      const uint64_t h = HashBytes(key->data, key->size);
      const uint64_t* hashes = hashes_.data();
      for (size_t i = Home(h);; i = (i + 1) & mask_) {
        const uint32_t id = table[i];
        if (id == kEmpty) return Insert(keys, row, h, i);
        if (hashes[id] == h && string_keys_[id] != nullptr && StringEquals(string_keys_[id], key)) return id;
      }
    }
    return FindOrAddGeneral(keys, row);
  }
  // FindOrAdd for each row of `rows`, into group_of_row[row]; returns
  // id_bound(). One loop with the table in registers, for a window's arrivals.
  uint32_t FindOrAddRows(std::span<const ColumnView> keys, std::span<const uint32_t> rows, uint32_t* group_of_row);
  void Free(uint32_t id);
  // Every id given out so far is below this.
  uint32_t id_bound() const { return keys_.size(); }
  size_t live_groups() const { return live_; }
  // True when live group `id` has the key of row `row` of `keys`.
  bool Equal(std::span<const ColumnView> keys, uint32_t row, uint32_t id) const {
    const Slot* stored = keys_.row(id);
    const uint8_t* stored_nulls = keys_.nulls(id);
    for (uint32_t k = 0; k < keys.size(); ++k) {
      const bool null = keys[k].null(row);
      if (null != (stored_nulls[k] != 0)) return false;
      if (!null && !SlotEquals(keys_.schema().type(k), keys[k].at(row), stored[k])) return false;
    }
    return true;
  }

 private:
  // A string of up to 8 bytes (StrRep::word) with its length; size kNotShort for
  // any other key.
  struct ShortKey {
    uint64_t word = 0;
    uint32_t size = kNotShort;
    bool operator==(const ShortKey&) const = default;
  };
  static constexpr uint32_t kNotShort = UINT32_MAX;
  // One multiply: the table indexes by the product's high bits (Home), which
  // every bit of the key reaches.
  static uint64_t ShortHash(ShortKey k) {
    return (k.word ^ (uint64_t{k.size} << 59)) * 0x9e3779b97f4a7c15ULL;
  }
  // A hash's first slot: its high bits (the short hash's low bits are weak).
  size_t Home(uint64_t h) const { return static_cast<size_t>(h >> shift_); }

  // The id of the group whose key is `word` (of hash `h`), or kEmpty with
  // `slot` the free slot where it would go. The table's arrays are passed in,
  // so that callers can keep them in locals.
  [[gnu::always_inline]] static uint32_t ProbeShort(const uint32_t* table, const ShortKey* words, size_t mask,
                                                    uint32_t shift, ShortKey word, uint64_t h, size_t& slot) {
    for (size_t i = h >> shift;; i = (i + 1) & mask) {
      const uint32_t id = table[i];
      if (id == kEmpty || words[id] == word) {
        slot = i;
        return id;
      }
    }
  }

  uint64_t Hash(std::span<const ColumnView> keys, uint32_t row) const {
    uint64_t h = 0;
    for (uint32_t k = 0; k < keys.size(); ++k) {
      h = MixHash(h, keys[k].null(row) ? kNullHash : SlotHash(keys_.schema().type(k), keys[k].at(row)));
    }
    return Avalanche(h);
  }

  uint32_t FindOrAddGeneral(std::span<const ColumnView> keys, uint32_t row);
  // FindOrAddRows for one string key; kFirstRows: `rows` are 0..n-1.
  template <bool kFirstRows>
  void FindOrAddShortRows(std::span<const ColumnView> keys, std::span<const uint32_t> rows, uint32_t* group_of_row);
  void Rehash(size_t capacity);
  // Adds the key of `row` as a new group with hash `h` at table slot `slot`.
  uint32_t Insert(std::span<const ColumnView> keys, uint32_t row, uint64_t h, size_t slot);

  EventChunk keys_;  // row `id` holds group id's key
  bool single_string_;  // one string key: FindOrAdd's fast path
  // Open addressing with linear probing: slot -> group id, or kEmpty.
  static constexpr uint32_t kEmpty = UINT32_MAX;
  std::vector<uint32_t> table_;
  size_t mask_;  // table_.size() - 1
  uint32_t shift_;  // 64 - log2(table_.size())
  size_t live_ = 0;
  // single_string_: each group's key (kept by keys_), null for the null key, and
  // the same as a ShortKey.
  std::vector<const StrRep*> string_keys_;
  std::vector<ShortKey> short_keys_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> free_ids_;
};

// Group ids for the rows of a chunk of group keys, such as the keys an
// AggregateSelector exports for its emitted rows (rate limiters downstream).
class KeyRowGroups {
 public:
  // REQUIRES: `keys` outlives this; its rows are read at the time of GroupOf.
  explicit KeyRowGroups(const EventChunk* keys) : keys_(keys), table_(&keys->schema()) {}
  uint32_t GroupOf(uint32_t row) {
    views_.clear();
    for (uint32_t k = 0; k < keys_->arity(); ++k) {
      views_.push_back({keys_->slots() + k, keys_->null_flags() + k, keys_->arity(), keys_->arity()});
    }
    return table_.FindOrAdd(views_, row);
  }

 private:
  const EventChunk* keys_;
  GroupTable table_;
  std::vector<ColumnView> views_;
};

}  // namespace eddy::runtime
