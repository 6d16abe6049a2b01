// Hashing and equality of typed slot values, for group tables, partition keys
// and join / pattern indexes. Inline: these run once or twice per event.
//
// Equality is key equality: NaN equals NaN and -0.0 equals 0.0 (both hash alike),
// strings compare by content (by pointer first: rows from one source share reps).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "eddy/event.h"
#include "eddy/value.h"

namespace eddy::runtime {

// A 64-bit finalizer with full avalanche.
inline uint64_t Avalanche(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

// The bytes of a string of 0..8 bytes as one word, without a variable-length
// copy: two overlapping 4-byte loads, or three single bytes. Together with the
// length it identifies the string.
[[gnu::always_inline]] inline uint64_t LoadShort(const char* p, uint32_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return (uint64_t{hi} << 32) | lo;
  }
  if (n == 0) return 0;
  const auto byte = [p](uint32_t i) { return uint64_t{static_cast<uint8_t>(p[i])}; };
  return (byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1);
}

inline uint64_t HashBytes(const char* data, uint32_t size) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ size;
  uint32_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    h = Avalanche(h ^ word) + 0x632be59bd9b4e019ULL;
  }
  return Avalanche(h ^ LoadShort(data + i, size - i));
}

inline bool StringEquals(const StrRep* a, const StrRep* b) {
  if (a == b) return true;
  if (a->size != b->size) return false;
  if (a->size <= 8) return a->word() == b->word();
  return std::memcmp(a->data, b->data, a->size) == 0;
}

// REQUIRES: neither value is null.
inline bool SlotEquals(Type type, Slot a, Slot b) {
  switch (type) {
    case Type::kString: return StringEquals(a.str, b.str);
    case Type::kInt: return a.i32 == b.i32;
    case Type::kLong: return a.i64 == b.i64;
    case Type::kFloat: return a.f32 == b.f32 || (a.f32 != a.f32 && b.f32 != b.f32);
    case Type::kDouble: return a.f64 == b.f64 || (a.f64 != a.f64 && b.f64 != b.f64);
    case Type::kBool: return a.b == b.b;
    case Type::kObject: return a.obj == b.obj;
  }
  return false;
}

// Not avalanched: combine with MixHash and finish with Avalanche.
inline uint64_t SlotHash(Type type, Slot s) {
  switch (type) {
    case Type::kString: return HashBytes(s.str->data, s.str->size);
    case Type::kInt: return static_cast<uint64_t>(s.i32);
    case Type::kLong: return static_cast<uint64_t>(s.i64);
    case Type::kFloat: return s.f32 == 0 ? 0 : std::bit_cast<uint32_t>(s.f32);
    case Type::kDouble: return s.f64 == 0 ? 0 : std::bit_cast<uint64_t>(s.f64);
    case Type::kBool: return s.b ? 1 : 0;
    case Type::kObject: return reinterpret_cast<uintptr_t>(s.obj);
  }
  return 0;
}

inline constexpr uint64_t kNullHash = 0x5bd1e995ULL;

inline uint64_t MixHash(uint64_t h, uint64_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

}  // namespace eddy::runtime
