// How events look inside Eddy, exposed so that embedders can read results without
// copies.
//
// An attribute is an 8-byte Slot whose meaning is fixed by the stream's schema
// (the type is known at plan time, never stored per value). Strings and objects
// are intrusive reference-counted immutable blobs. Reference counts are NOT atomic:
// an app is driven by one thread at a time (the engine serializes its inputs), and
// an embedder that keeps a value beyond a callback copies it (EventView::value()).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "eddy/value.h"

namespace eddy {

// An immutable string with an intrusive count. Created by StrRep::Make, destroyed
// when the last reference is released.
struct StrRep {
  uint32_t refs;
  uint32_t size;
  // size bytes (not NUL-terminated); at least 8 bytes are allocated and those
  // past size are zero, so a string of up to 8 bytes reads as one word (word()).
  char data[1];

  static StrRep* Make(std::string_view text) {
    const size_t bytes = text.size() < 8 ? 8 : text.size();
    auto* rep = static_cast<StrRep*>(std::malloc(offsetof(StrRep, data) + bytes));
    if (rep == nullptr) throw std::bad_alloc();
    rep->refs = 1;
    rep->size = static_cast<uint32_t>(text.size());
    if (text.size() < 8) std::memset(rep->data, 0, 8);
    if (!text.empty()) std::memcpy(rep->data, text.data(), text.size());
    return rep;
  }
  std::string_view view() const { return {data, size}; }
  // The first 8 bytes, zero past size: with size, it identifies a string of up
  // to 8 bytes (one load, for hashing and comparing short keys).
  uint64_t word() const {
    uint64_t w;
    std::memcpy(&w, data, 8);
    return w;
  }
};

inline void Retain(StrRep* s) {
  if (s != nullptr) ++s->refs;
}
inline void Release(StrRep* s) {
  if (s != nullptr && --s->refs == 0) std::free(s);
}

// Opaque values made by functions (sets, errors). Subclasses live in the runtime.
class ObjRep {
 public:
  virtual ~ObjRep() = default;
  // The text form used by convert(x, 'string') and at the API boundary.
  virtual std::string ToString() const = 0;
  uint32_t refs = 1;
};

inline void Retain(ObjRep* o) {
  if (o != nullptr) ++o->refs;
}
inline void Release(ObjRep* o) {
  if (o != nullptr && --o->refs == 0) delete o;
}

// One attribute value; which member is live is given by the schema.
union Slot {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  bool b;
  StrRep* str;
  ObjRep* obj;
  uint64_t raw;
};
static_assert(sizeof(Slot) == 8);

// The kinds of rows that flow between operators (LANGUAGE.md §6).
enum class EventKind : uint8_t { kCurrent, kExpired, kReset, kTimer };

// A read-only view of one event, valid only during the callback that hands it out.
class EventView {
 public:
  EventView(int64_t timestamp, const Slot* slots, const uint8_t* nulls, const Type* types,
            uint32_t size)
      : timestamp_(timestamp), slots_(slots), nulls_(nulls), types_(types), size_(size) {}

  int64_t timestamp() const { return timestamp_; }
  uint32_t size() const { return size_; }
  Type type(uint32_t i) const { return types_[i]; }
  bool is_null(uint32_t i) const { return nulls_[i] != 0; }

  // REQUIRES: !is_null(i) and type(i) is the accessor's type.
  int32_t get_int(uint32_t i) const { return slots_[i].i32; }
  int64_t get_long(uint32_t i) const { return slots_[i].i64; }
  float get_float(uint32_t i) const { return slots_[i].f32; }
  double get_double(uint32_t i) const { return slots_[i].f64; }
  bool get_bool(uint32_t i) const { return slots_[i].b; }
  std::string_view get_string(uint32_t i) const { return slots_[i].str->view(); }

  // An owning copy of attribute i (objects as their text form).
  Value value(uint32_t i) const;

 private:
  int64_t timestamp_;
  const Slot* slots_;
  const uint8_t* nulls_;
  const Type* types_;
  uint32_t size_;
};

}  // namespace eddy
