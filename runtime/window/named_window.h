// `define window W (...) <window> output <type> events`: one shared window,
// filled by `insert into W` and read by `from W`. This processor sits after the
// window and passes what W outputs to its readers' stream: CURRENT and/or
// EXPIRED rows per the output clause; RESET rows are never passed on.
#pragma once

#include "runtime/processor.h"
#include "runtime/stream_junction.h"

namespace eddy::runtime {

class NamedWindowOutput final : public Processor {
 public:
  NamedWindowOutput(StreamJunction* readers, bool pass_current, bool pass_expired)
      : readers_(readers),
        pass_current_(pass_current),
        pass_expired_(pass_expired),
        output_([schema = &readers->schema()] { return std::make_unique<EventChunk>(schema); }) {}

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    ReentrantScratch<EventChunk>::Lease out(output_);
    out->Clear();
    for (uint32_t row : rows) {
      const EventKind kind = chunk.kind(row);
      if ((kind == EventKind::kCurrent && pass_current_) || (kind == EventKind::kExpired && pass_expired_)) {
        out->AppendCopy(chunk, row);
      }
    }
    readers_->Publish(*out);
  }
  std::string Describe() const override { return "WindowOutput to readers of " + readers_->name(); }

 private:
  StreamJunction* readers_;
  bool pass_current_;
  bool pass_expired_;
  ReentrantScratch<EventChunk> output_;
};

}  // namespace eddy::runtime
