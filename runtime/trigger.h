// `define trigger T at 'start' | at every <period>`: a stream T(triggered_time long)
// fed by the clock. Periodic triggers run on the app clock (event time in
// playback), first firing one period after the app starts.
#pragma once

#include <cstdint>

#include "runtime/scheduler.h"
#include "runtime/stream_junction.h"

namespace eddy::runtime {

class Trigger final : public Timer {
 public:
  // period_ms == 0: fires once at start.
  Trigger(StreamJunction* stream, Scheduler* scheduler, int64_t period_ms)
      : stream_(stream), scheduler_(scheduler), period_ms_(period_ms), chunk_(&stream->schema()) {}

  void Start(int64_t now);
  void OnTimer(int64_t due) override;

 private:
  void Fire(int64_t time);

  StreamJunction* stream_;
  Scheduler* scheduler_;
  int64_t period_ms_;
  EventChunk chunk_;
};

}  // namespace eddy::runtime
