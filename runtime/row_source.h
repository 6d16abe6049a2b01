// What a join side, an `in` condition or a table operation searches: rows held
// by a window or a table, read in place.
#pragma once

#include <cstdint>
#include <vector>

#include "eddy/event.h"

namespace eddy::runtime {

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

}  // namespace eddy::runtime
