#include "runtime/trigger.h"

namespace eddy::runtime {

void Trigger::Start(int64_t now) {
  if (period_ms_ == 0) {
    Fire(now);
  } else {
    scheduler_->Schedule(now + period_ms_, this);
  }
}

void Trigger::OnTimer(int64_t due) {
  scheduler_->Schedule(due + period_ms_, this);
  Fire(due);
}

void Trigger::Fire(int64_t time) {
  chunk_.Clear();
  const uint32_t row = chunk_.Append(time, EventKind::kCurrent);
  chunk_.SetSlot(row, 0, Slot{.i64 = time}, false);
  stream_->Publish(chunk_);
}

}  // namespace eddy::runtime
