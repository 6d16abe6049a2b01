// The operator interface: push-based chains over chunks.
//
// A Processor receives a chunk and the rows of it to handle (in order), does its
// work, and hands the result to next(). Chunks and row lists are borrowed: valid
// only for the duration of the call. Operators update their state before they emit
// (an operator that emits mid-update could be re-entered by its own output through
// a cycle of queries).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/event_chunk.h"

namespace eddy::runtime {

class Processor {
 public:
  virtual ~Processor() = default;
  Processor() = default;
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  virtual void Process(const EventChunk& chunk, std::span<const uint32_t> rows) = 0;

  // One line for `eddy explain`, e.g. "Filter (price > 50)".
  virtual std::string Describe() const = 0;

  Processor* next() const { return next_; }
  void set_next(Processor* next) { next_ = next; }

 protected:
  Processor* next_ = nullptr;
};

// Per-call scratch that survives re-entrance: a chain may be re-entered through a
// cycle of queries while an outer call still reads its scratch, so each nesting
// depth gets its own instance, made by `make` on first use.
template <typename T>
class ReentrantScratch {
 public:
  explicit ReentrantScratch(std::function<std::unique_ptr<T>()> make = [] {
    return std::make_unique<T>();
  }) : make_(std::move(make)) {}

  // Holds this depth's instance for the lifetime of the lease.
  class Lease {
   public:
    explicit Lease(ReentrantScratch& owner) : owner_(owner), value_(owner.Acquire()) {}
    ~Lease() { --owner_.depth_; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    T& operator*() { return value_; }
    T* operator->() { return &value_; }

   private:
    ReentrantScratch& owner_;
    T& value_;
  };

 private:
  T& Acquire() {
    if (depth_ == items_.size()) items_.push_back(make_());
    return *items_[depth_++];
  }
  std::function<std::unique_ptr<T>()> make_;
  std::vector<std::unique_ptr<T>> items_;
  size_t depth_ = 0;
};

}  // namespace eddy::runtime
