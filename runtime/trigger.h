// `define trigger T at 'start' | at every <period> | at '<cron>'`: a stream
// T(triggered_time long) fed by the clock. Periodic and cron triggers run on the
// app clock (event time in playback); a periodic one first fires one period after
// the app starts, a cron one at its first time after the start.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/cron.h"

#include "runtime/scheduler.h"
#include "runtime/stream_junction.h"

namespace eddy::runtime {

class Trigger final : public Timer {
 public:
  // period_ms == 0 and no cron: fires once at start.
  Trigger(StreamJunction* stream, Scheduler* scheduler, int64_t period_ms, std::optional<CronSchedule> cron)
      : stream_(stream), scheduler_(scheduler), period_ms_(period_ms), cron_(std::move(cron)),
        chunk_(&stream->schema()) {}

  void Start(int64_t now);
  void OnTimer(int64_t due) override;

 private:
  void Fire(int64_t time);
  void ScheduleAfter(int64_t time);

  StreamJunction* stream_;
  Scheduler* scheduler_;
  int64_t period_ms_;
  std::optional<CronSchedule> cron_;
  EventChunk chunk_;
};

}  // namespace eddy::runtime
