#include "runtime/event_chunk.h"

#include <algorithm>
#include <array>
#include <memory>

namespace eddy::runtime {

Schema::Schema(std::vector<Attribute> attributes) : attributes_(std::move(attributes)) {
  types_.reserve(attributes_.size());
  for (uint32_t i = 0; i < attributes_.size(); ++i) {
    types_.push_back(attributes_[i].type);
    if (attributes_[i].type == Type::kString || attributes_[i].type == Type::kObject) {
      ref_slots_.push_back(i);
    }
  }
}

int32_t Schema::Find(std::string_view name) const {
  for (uint32_t i = 0; i < attributes_.size(); ++i) {
    if (attributes_[i].name == name) return static_cast<int32_t>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out = "(";
  for (uint32_t i = 0; i < attributes_.size(); ++i) {
    if (i > 0) out += ", ";
    out += attributes_[i].name;
    out += ' ';
    out += TypeName(attributes_[i].type);
  }
  return out + ")";
}

EventChunk::EventChunk(EventChunk&& other) noexcept
    : schema_(other.schema_),
      arity_(other.arity_),
      size_(other.size_),
      capacity_(other.capacity_),
      timestamps_(std::move(other.timestamps_)),
      kinds_(std::move(other.kinds_)),
      slots_(std::move(other.slots_)),
      nulls_(std::move(other.nulls_)) {
  other.size_ = 0;
  other.capacity_ = 0;
}

EventChunk& EventChunk::operator=(EventChunk&& other) noexcept {
  if (this != &other) {
    Clear();
    schema_ = other.schema_;
    arity_ = other.arity_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    timestamps_ = std::move(other.timestamps_);
    kinds_ = std::move(other.kinds_);
    slots_ = std::move(other.slots_);
    nulls_ = std::move(other.nulls_);
    other.size_ = 0;
    other.capacity_ = 0;
  }
  return *this;
}

void EventChunk::Grow() {
  capacity_ = capacity_ == 0 ? 16 : capacity_ * 2;
  timestamps_.resize(capacity_);
  kinds_.resize(capacity_);
  slots_.resize(size_t{capacity_} * arity_);
  nulls_.resize(size_t{capacity_} * arity_);
}

uint32_t EventChunk::AppendJoined(int64_t timestamp, EventKind kind, const Slot* first, const uint8_t* first_nulls,
                                  uint32_t first_arity, const Slot* second, const uint8_t* second_nulls) {
  const uint32_t row = NewRow(timestamp, kind);
  Slot* to = mutable_row(row);
  uint8_t* to_nulls = mutable_nulls(row);
  const auto put = [](Slot* to, uint8_t* to_nulls, const Slot* from, const uint8_t* from_nulls, uint32_t n) {
    if (n == 0) return;
    if (from == nullptr) {
      std::fill_n(to, n, Slot{.raw = 0});
      std::fill_n(to_nulls, n, uint8_t{1});
      return;
    }
    std::memcpy(to, from, sizeof(Slot) * n);
    std::memcpy(to_nulls, from_nulls, n);
  };
  put(to, to_nulls, first, first_nulls, first_arity);
  put(to + first_arity, to_nulls + first_arity, second, second_nulls, arity_ - first_arity);
  if (schema_->has_refs()) RetainRow(to, to_nulls);
  return row;
}

void EventChunk::SetSlot(uint32_t row, uint32_t attr, Slot value, bool is_null) {
  const Type type = schema_->type(attr);
  if (!is_null) RetainSlot(type, value);
  AdoptSlot(row, attr, value, is_null);
}

void EventChunk::AdoptSlot(uint32_t row, uint32_t attr, Slot value, bool is_null) {
  const Type type = schema_->type(attr);
  Slot& slot = mutable_row(row)[attr];
  uint8_t& null_flag = mutable_nulls(row)[attr];
  if (!null_flag) ReleaseSlot(type, slot);
  if (is_null) {
    slot.raw = 0;
    null_flag = 1;
  } else {
    slot = value;
    null_flag = 0;
  }
}

void EventChunk::Clear() {
  if (size_ > 0 && schema_->has_refs()) {
    for (uint32_t row = 0; row < size_; ++row) ReleaseRow(this->row(row), nulls(row));
  }
  size_ = 0;
}

const uint32_t* IdentityRows(uint32_t n) {
  // (Most chunks are small, a pattern's matches one row each: a constant table
  // answers them without the thread-local ones.)
  static constexpr std::array<uint32_t, 256> kSmall = [] {
    std::array<uint32_t, 256> rows{};
    for (uint32_t i = 0; i < rows.size(); ++i) rows[i] = i;
    return rows;
  }();
  if (n <= kSmall.size()) return kSmall.data();
  // Tables are only ever replaced by larger ones and never freed, so pointers
  // handed out earlier stay valid while an operator chain is still using them.
  thread_local std::vector<std::unique_ptr<uint32_t[]>> tables;
  thread_local uint32_t capacity = 0;
  if (n > capacity || tables.empty()) {
    uint32_t new_capacity = capacity == 0 ? 4096 : capacity;
    while (new_capacity < n) new_capacity *= 2;
    auto table = std::make_unique<uint32_t[]>(new_capacity);
    for (uint32_t i = 0; i < new_capacity; ++i) table[i] = i;
    tables.push_back(std::move(table));
    capacity = new_capacity;
  }
  return tables.back().get();
}

}  // namespace eddy::runtime
