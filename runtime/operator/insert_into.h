// The end of a query: `insert into S` publishes the selector's output chunk to the
// target stream; `return` (top level) drops it.
#pragma once

#include "runtime/processor.h"
#include "runtime/stream_junction.h"

namespace eddy::runtime {

class InsertIntoStream final : public Processor {
 public:
  explicit InsertIntoStream(StreamJunction* target) : target_(target) {}
  // REQUIRES: `rows` lists every row of `chunk` (selectors emit whole chunks).
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    target_->Publish(chunk);
  }
  std::string Describe() const override { return "InsertInto " + target_->name(); }

 private:
  StreamJunction* target_;
};

class Discard final : public Processor {
 public:
  void Process(const EventChunk&, std::span<const uint32_t>) override {}
  std::string Describe() const override { return "Return (discarded)"; }
};

}  // namespace eddy::runtime
