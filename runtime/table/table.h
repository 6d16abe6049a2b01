// An in-memory table (LANGUAGE.md §14): rows of the table's schema, in
// insertion order, with an optional primary key.
//
// Rows live in one chunk, so that a join or an `in` condition reads them in
// place as a single run. Deleting compacts the chunk (one pass, in order);
// operations that delete by condition scan the table anyway. With
// @PrimaryKey a hash index over the key attributes keeps keys unique: an
// insert whose key exists is refused (the existing row stays), and so is an
// update that would give two rows one key.
//
// Ownership: the app runtime owns its tables; queries point at them. Not
// thread-safe (an app's processing is serialized).
#pragma once

#include <cstdint>
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
  uint32_t size() const { return rows_.size(); }
  const EventChunk& rows() const { return rows_; }
  bool has_primary_key() const { return !primary_key_.empty(); }

  // Inserts a copy of `slots`/`nulls` (the table's schema). False, inserting
  // nothing, when a row with that primary key exists.
  bool Insert(const Slot* slots, const uint8_t* nulls, int64_t timestamp);
  // Removes `rows` (ascending, distinct), keeping the order of the others.
  void Remove(std::span<const uint32_t> rows);
  // Replaces rows `rows[i]` (distinct) with `values` row i (the table's
  // schema). Returns -1, or, changing nothing, the first i whose primary key
  // another row would have too.
  int64_t Replace(std::span<const uint32_t> rows, const EventChunk& values);

  // The primary key of `slots`/`nulls`, printed for messages: "(IBM, 100)".
  std::string KeyText(const Slot* slots, const uint8_t* nulls) const;

  bool AppendContents(std::vector<RowRun>& runs) const override;

 private:
  uint64_t KeyHash(const Slot* slots, const uint8_t* nulls) const;
  bool SameKey(const Slot* a, const uint8_t* a_nulls, const Slot* b, const uint8_t* b_nulls) const;
  // A row other than those in `except` (sorted) with the key of `slots`, or -1.
  int64_t FindKey(const Slot* slots, const uint8_t* nulls, std::span<const uint32_t> except) const;
  void RebuildIndex();

  std::string name_;
  const Schema* schema_;
  std::vector<uint32_t> primary_key_;
  EventChunk rows_;
  EventChunk spare_;  // compaction target, kept for its capacity
  std::vector<uint32_t> changing_;  // Replace's rows, sorted
  std::unordered_multimap<uint64_t, uint32_t> key_index_;  // key hash -> row
};

}  // namespace eddy::runtime
