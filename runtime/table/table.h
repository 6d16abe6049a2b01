// An in-memory table (LANGUAGE.md §14): rows of the table's schema, in
// insertion order, with an optional primary key and hash indexes.
//
// Rows stay in the slot they were inserted in (one chunk, slots reused after
// deletes), chained in insertion order, so that a join, an `in` condition or
// a table action reads them in place, as few runs as the deletes allow. A hash
// index on an attribute (the planner adds one for every `T.col == ...`
// equality it can use, and for @Index / a one-attribute @PrimaryKey) finds the
// rows that may hold a key without a scan; candidates come back in insertion
// order. With @PrimaryKey keys stay unique: an insert whose key exists is
// refused (the existing row stays), and so is an update that would give two
// rows one key.
//
// Ownership: the app runtime owns its tables; queries point at them. Not
// thread-safe (an app's processing is serialized).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/event_chunk.h"
#include "runtime/row_source.h"

namespace eddy::runtime {

class Table final : public RowSource {
 public:
  // `primary_key`: attribute indexes of the key, empty for none.
  Table(std::string name, const Schema* schema, std::vector<uint32_t> primary_key);

  const std::string& name() const { return name_; }
  const Schema& schema() const { return *schema_; }
  const Schema* schema_ptr() const { return schema_; }
  uint32_t size() const { return live_; }
  bool has_primary_key() const { return !primary_key_.empty(); }

  // Row storage by slot: slot s is store().row(s), valid while the row lives.
  const EventChunk& store() const { return store_; }
  // The live rows' slots, in insertion order, appended to `out`.
  void AppendSlots(std::vector<uint32_t>& out) const;

  // Keeps a hash index on `attribute` from now on (idempotent).
  void AddIndex(uint32_t attribute);
  bool indexed(uint32_t attribute) const { return attribute < indexes_.size() && indexes_[attribute] != nullptr; }
  // The slots of the rows whose indexed `attribute` may equal the non-null
  // `key` (of `key_type`; int and long keys meet), in insertion order,
  // appended to `out`. The caller still checks its condition.
  void Lookup(uint32_t attribute, Type key_type, Slot key, std::vector<uint32_t>& out) const;

  // Inserts a copy of `slots`/`nulls` (the table's schema). False, inserting
  // nothing, when a row with that primary key exists.
  bool Insert(const Slot* slots, const uint8_t* nulls, int64_t timestamp);
  // Removes the rows in `slots` (distinct).
  void Remove(std::span<const uint32_t> slots);
  // Replaces the rows in `slots` (distinct) with `values` row i (the table's
  // schema). Returns -1, or, changing nothing, the first i whose primary key
  // another row would have too.
  int64_t Replace(std::span<const uint32_t> slots, const EventChunk& values);

  // The primary key of `slots`/`nulls`, printed for messages: "(IBM, 100)".
  std::string KeyText(const Slot* slots, const uint8_t* nulls) const;

  bool AppendContents(std::vector<RowRun>& runs) const override;

 private:
  using Index = std::unordered_multimap<uint64_t, uint32_t>;  // hash -> slot
  static constexpr uint32_t kNone = UINT32_MAX;

  uint64_t KeyHash(const Slot* slots, const uint8_t* nulls) const;
  bool SameKey(const Slot* a, const uint8_t* a_nulls, const Slot* b, const uint8_t* b_nulls) const;
  // A live row outside `except` (sorted) with the primary key of `slots`, or -1.
  int64_t FindKey(const Slot* slots, const uint8_t* nulls, std::span<const uint32_t> except) const;
  static void Erase(Index& index, uint64_t hash, uint32_t slot);
  // Enters / removes `slot`'s current values in the key and attribute indexes.
  void IndexRow(uint32_t slot);
  void UnindexRow(uint32_t slot);

  std::string name_;
  const Schema* schema_;
  std::vector<uint32_t> primary_key_;
  EventChunk store_;
  std::vector<uint32_t> free_;          // dead slots, reused first
  std::vector<uint32_t> prev_, next_;   // insertion order, by slot
  std::vector<uint64_t> sequence_;      // insertion number, by slot
  uint32_t head_ = kNone, tail_ = kNone;
  uint32_t live_ = 0;
  uint64_t inserted_ = 0;
  Index key_index_;                     // primary key hash -> slot
  std::vector<std::unique_ptr<Index>> indexes_;  // by attribute; null: none
  std::vector<uint32_t> changing_;      // Replace's slots, sorted
};

}  // namespace eddy::runtime
