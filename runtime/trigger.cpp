#include "runtime/trigger.h"

namespace eddy::runtime {

void Trigger::ScheduleAfter(int64_t time) {
  if (cron_) {
    if (std::optional<int64_t> next = cron_->NextAfter(time)) scheduler_->Schedule(*next, this);
  } else {
    scheduler_->Schedule(time + period_ms_, this);
  }
}

void Trigger::Start(int64_t now) {
  if (period_ms_ == 0 && !cron_) {
    Fire(now);
  } else {
    ScheduleAfter(now);
  }
}

void Trigger::OnTimer(int64_t due) {
  ScheduleAfter(due);
  Fire(due);
}

void Trigger::Fire(int64_t time) {
  chunk_.Clear();
  const uint32_t row = chunk_.Append(time, EventKind::kCurrent);
  chunk_.SetSlot(row, 0, Slot{.i64 = time}, false);
  stream_->Publish(chunk_);
}

}  // namespace eddy::runtime
