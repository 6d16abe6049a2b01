// Schemas and EventChunk: the batch of events every operator works on.
//
// A chunk stores its rows row-major: row i's attributes are slots()[i*arity ...],
// its null flags nulls()[i*arity ...] (one byte per attribute, 1 = null), plus a
// timestamp and an EventKind per row. A column is therefore a strided view
// (base + i*arity), which lets expression evaluators read attributes in place.
//
// Ownership: the chunk owns one reference to every string/object in its slots and
// releases them in Clear() and its destructor. Storage is reused across Clear()
// calls, so a warmed-up chunk appends without heap allocation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/event.h"
#include "eddy/value.h"

namespace eddy::runtime {

struct Attribute {
  std::string name;
  Type type;
};

// The attributes of a stream, table or intermediate result. Immutable once built.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Attribute> attributes);

  uint32_t arity() const { return static_cast<uint32_t>(attributes_.size()); }
  const Attribute& attribute(uint32_t i) const { return attributes_[i]; }
  const std::vector<Attribute>& attributes() const { return attributes_; }
  Type type(uint32_t i) const { return types_[i]; }
  const Type* types() const { return types_.data(); }
  // Slots holding a string or object, whose references rows must manage.
  const std::vector<uint32_t>& ref_slots() const { return ref_slots_; }
  bool has_refs() const { return !ref_slots_.empty(); }
  // Index of the attribute called `name`, or -1.
  int32_t Find(std::string_view name) const;

  // "(symbol string, price double)"
  std::string ToString() const;

 private:
  std::vector<Attribute> attributes_;
  std::vector<Type> types_;
  std::vector<uint32_t> ref_slots_;
};

// Retains/releases the reference in `slot` if `type` is a reference type.
inline void RetainSlot(Type type, Slot slot) {
  if (type == Type::kString) Retain(slot.str);
  else if (type == Type::kObject) Retain(slot.obj);
}
inline void ReleaseSlot(Type type, Slot slot) {
  if (type == Type::kString) Release(slot.str);
  else if (type == Type::kObject) Release(slot.obj);
}

template <uint32_t kArity>
inline void CopyFixedRow(Slot* to, uint8_t* to_nulls, const Slot* from, const uint8_t* from_nulls) {
  std::memcpy(to, from, sizeof(Slot) * kArity);
  std::memcpy(to_nulls, from_nulls, kArity);
}

// Copies one row's slots and null flags. Rows are short: fixed-size copies for
// the common arities compile to a few moves instead of a library call.
inline void CopyRow(Slot* to, uint8_t* to_nulls, const Slot* from, const uint8_t* from_nulls, uint32_t arity) {
  switch (arity) {
    case 0: return;
    case 1: return CopyFixedRow<1>(to, to_nulls, from, from_nulls);
    case 2: return CopyFixedRow<2>(to, to_nulls, from, from_nulls);
    case 3: return CopyFixedRow<3>(to, to_nulls, from, from_nulls);
    case 4: return CopyFixedRow<4>(to, to_nulls, from, from_nulls);
    case 5: return CopyFixedRow<5>(to, to_nulls, from, from_nulls);
    case 6: return CopyFixedRow<6>(to, to_nulls, from, from_nulls);
    default:
      std::memcpy(to, from, sizeof(Slot) * arity);
      std::memcpy(to_nulls, from_nulls, arity);
  }
}

class EventChunk {
 public:
  explicit EventChunk(const Schema* schema) : schema_(schema), arity_(schema->arity()) {}
  ~EventChunk() { Clear(); }
  EventChunk(const EventChunk&) = delete;
  EventChunk& operator=(const EventChunk&) = delete;
  EventChunk(EventChunk&& other) noexcept;
  EventChunk& operator=(EventChunk&& other) noexcept;

  const Schema& schema() const { return *schema_; }
  uint32_t arity() const { return arity_; }
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  int64_t timestamp(uint32_t row) const { return timestamps_[row]; }
  EventKind kind(uint32_t row) const { return kinds_[row]; }
  void set_timestamp(uint32_t row, int64_t ts) { timestamps_[row] = ts; }
  void set_kind(uint32_t row, EventKind kind) { kinds_[row] = kind; }

  const Slot* row(uint32_t row) const { return slots_.data() + size_t{row} * arity_; }
  Slot* mutable_row(uint32_t row) { return slots_.data() + size_t{row} * arity_; }
  const uint8_t* nulls(uint32_t row) const { return nulls_.data() + size_t{row} * arity_; }
  uint8_t* mutable_nulls(uint32_t row) { return nulls_.data() + size_t{row} * arity_; }

  // Column-major access for evaluators: attribute `attr` of row i is
  // slots()[i * arity() + attr].
  const Slot* slots() const { return slots_.data(); }
  const uint8_t* null_flags() const { return nulls_.data(); }
  const int64_t* timestamps() const { return timestamps_.data(); }
  const EventKind* kinds() const { return kinds_.data(); }

  // Appends a row with every attribute null and returns its index. The caller
  // fills it with Set*/SetSlot, which take care of references.
  uint32_t Append(int64_t timestamp, EventKind kind) {
    const uint32_t row = NewRow(timestamp, kind);
    std::fill_n(mutable_row(row), arity_, Slot{.raw = 0});
    std::fill_n(mutable_nulls(row), arity_, uint8_t{1});
    return row;
  }

  // Appends a row whose slots and null flags are left as they are.
  // REQUIRES: the caller writes every slot and null flag of the row (through
  // mutable_row/mutable_nulls), adopting or retaining references itself.
  uint32_t AppendUnfilled(int64_t timestamp, EventKind kind) { return NewRow(timestamp, kind); }

  // Stores a value; for strings/objects the chunk takes a new reference
  // (the caller keeps its own).
  void SetSlot(uint32_t row, uint32_t attr, Slot value, bool is_null);
  // Stores a string/object reference the caller hands over (no retain).
  void AdoptSlot(uint32_t row, uint32_t attr, Slot value, bool is_null);

  // Appends a row whose string/object references the caller hands over.
  uint32_t AppendAdopted(const Slot* slots, const uint8_t* nulls, int64_t timestamp, EventKind kind) {
    const uint32_t row = NewRow(timestamp, kind);
    CopyRow(mutable_row(row), mutable_nulls(row), slots, nulls, arity_);
    return row;
  }
  // Appends a row [first | second] (a join's or a probe's pairing): the
  // first `first_arity` attributes from `first`, the rest from `second`; a
  // null `first`/`second` makes its part all null. Retains references.
  uint32_t AppendJoined(int64_t timestamp, EventKind kind, const Slot* first, const uint8_t* first_nulls,
                        uint32_t first_arity, const Slot* second, const uint8_t* second_nulls);
  // Appends a row copied from `slots`/`nulls` (same schema), retaining references.
  uint32_t AppendRetained(const Slot* slots, const uint8_t* nulls, int64_t timestamp, EventKind kind) {
    const uint32_t row = AppendAdopted(slots, nulls, timestamp, kind);
    if (schema_->has_refs()) RetainRow(mutable_row(row), nulls);
    return row;
  }

  // Appends a copy of `src`'s row (same schema).
  uint32_t AppendCopy(const EventChunk& src, uint32_t src_row) {
    return AppendCopy(src, src_row, src.kind(src_row));
  }
  uint32_t AppendCopy(const EventChunk& src, uint32_t src_row, EventKind kind) {
    return AppendRetained(src.row(src_row), src.nulls(src_row), src.timestamp(src_row), kind);
  }

  // Retains (or releases) the string/object references of one row of this schema.
  void RetainRow(const Slot* slots, const uint8_t* nulls) const {
    for (uint32_t i : schema_->ref_slots()) {
      if (!nulls[i]) RetainSlot(schema_->type(i), slots[i]);
    }
  }
  void ReleaseRow(const Slot* slots, const uint8_t* nulls) const {
    for (uint32_t i : schema_->ref_slots()) {
      if (!nulls[i]) ReleaseSlot(schema_->type(i), slots[i]);
    }
  }

  // Removes every row, releasing references; keeps capacity.
  void Clear();
  // Removes every row without releasing references: for rows added with
  // AppendAdopted whose references stay with someone else.
  void ForgetRows() { size_ = 0; }
  // Exchanges rows and storage with `other`. REQUIRES: the same schema.
  void Swap(EventChunk& other) noexcept {
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    timestamps_.swap(other.timestamps_);
    kinds_.swap(other.kinds_);
    slots_.swap(other.slots_);
    nulls_.swap(other.nulls_);
  }

  EventView view(uint32_t row) const {
    return EventView(timestamps_[row], this->row(row), nulls(row), schema_->types(), arity_);
  }

 private:
  // Adds a row with timestamp and kind; its slots are left for the caller.
  uint32_t NewRow(int64_t timestamp, EventKind kind) {
    if (size_ == capacity_) Grow();
    const uint32_t row = size_++;
    timestamps_[row] = timestamp;
    kinds_[row] = kind;
    return row;
  }
  // Doubles the row capacity of every array: a reused chunk appends without
  // touching the allocator once it has reached its high-water mark.
  void Grow();

  const Schema* schema_;
  uint32_t arity_;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;  // rows every array below has room for
  std::vector<int64_t> timestamps_;
  std::vector<EventKind> kinds_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> nulls_;
};

// Row lists handed between operators: the rows of a chunk to process, in order.
using RowList = std::vector<uint32_t>;

// 0, 1, ..., n-1 without allocating per call (grows a shared table as needed).
const uint32_t* IdentityRows(uint32_t n);

// Whether `rows` (in order, as handed between operators) are every row of
// `chunk` and all of them CURRENT. Branch-free over the kinds, so it vectorizes.
inline bool WholeChunkOfCurrent(const EventChunk& chunk, std::span<const uint32_t> rows) {
  if (rows.size() != chunk.size()) return false;
  static_assert(static_cast<uint8_t>(EventKind::kCurrent) == 0);
  const EventKind* kinds = chunk.kinds();
  uint8_t any = 0;
  for (uint32_t i = 0; i < chunk.size(); ++i) any |= static_cast<uint8_t>(kinds[i]);
  return any == 0;
}

}  // namespace eddy::runtime
