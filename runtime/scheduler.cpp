#include "runtime/scheduler.h"

#include <algorithm>

namespace eddy::runtime {

void Scheduler::Schedule(int64_t due, Timer* timer) {
  queue_.push(Entry{due, next_seq_++, timer});
}

void Scheduler::AdvanceTo(int64_t until) {
  while (!queue_.empty() && queue_.top().due <= until) {
    const Entry entry = queue_.top();
    queue_.pop();
    // A timer due in the past (scheduled late) fires at the current clock.
    now_ = std::max(now_, entry.due);
    entry.timer->OnTimer(now_);
  }
  now_ = std::max(now_, until);
}

}  // namespace eddy::runtime
