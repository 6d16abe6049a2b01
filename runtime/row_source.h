// What a join side, an `in` condition or a table operation searches: rows held
// by a window or a table, read in place (RowSource); or rows made for each
// probing event (ProbedRowSource: an aggregation's buckets within a range).
#pragma once

#include <cstdint>
#include <vector>

#include "eddy/event.h"

namespace eddy::runtime {

class EventChunk;

// A contiguous run of held rows, read in place: row i of the run is
// slots[i * arity ...], nulls[i * arity ...].
struct RowRun {
  const Slot* slots;
  const uint8_t* nulls;
  uint32_t count;
};

class RowSource {
 public:
  // Appends what is held now to `runs`, oldest first where there is an order;
  // valid until the holder next changes. False when it cannot be searched.
  virtual bool AppendContents(std::vector<RowRun>& runs) const = 0;

 protected:
  ~RowSource() = default;
};

class ProbedRowSource {
 public:
  // The rows that event `row` of `chunk` searches, valid until the next call.
  virtual const EventChunk& RowsFor(const EventChunk& chunk, uint32_t row) = 0;

 protected:
  ~ProbedRowSource() = default;
};

}  // namespace eddy::runtime
