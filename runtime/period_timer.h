// The period ends of a time-based output limiter: anchored at the clock when
// its query sees its first event (Start, t0 + k * period; or the first Arm
// when nothing started it), scheduled only while there is something to emit, and resumed on the same schedule after idle periods
// (so a clock jump does not tick through every empty period).
#pragma once

#include <cstdint>

#include "runtime/scheduler.h"

namespace eddy::runtime {

class PeriodTimer {
 public:
  PeriodTimer(int64_t period_ms, Scheduler* scheduler, Timer* owner)
      : period_ms_(period_ms), scheduler_(scheduler), owner_(owner) {}

  // Anchors the periods at the clock now, unless they are anchored already.
  void Start() {
    if (started_) return;
    started_ = true;
    end_ = scheduler_->now() + period_ms_;
  }
  // Schedules the end of the current period for `owner`, unless one is pending.
  void Arm() {
    if (armed_) return;
    const int64_t now = scheduler_->now();
    if (!started_) {
      Start();
    } else if (end_ <= now) {
      // Idle periods were skipped; a period end due exactly now has passed.
      end_ += ((now - end_) / period_ms_ + 1) * period_ms_;
    }
    armed_ = true;
    scheduler_->Schedule(end_, owner_);
  }
  // Call from the owner's OnTimer(due), before deciding whether to Arm again.
  void Fired(int64_t due) {
    armed_ = false;
    end_ = due + period_ms_;
  }

 private:
  int64_t period_ms_;
  Scheduler* scheduler_;
  Timer* owner_;
  bool started_ = false;
  bool armed_ = false;
  int64_t end_ = 0;
};

}  // namespace eddy::runtime
