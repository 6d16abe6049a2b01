#include "runtime/scheduler.h"

#include <algorithm>

namespace eddy::runtime {

Scheduler::Scheduler() : owned_(std::make_unique<Core>()), core_(owned_.get()) {}

Scheduler::Scheduler(Scheduler& root) : core_(root.core_), group_(root.core_->next_group++) {}

void Scheduler::Schedule(int64_t due, Timer* timer) {
  core_->queue.push_back(Entry{due, core_->next_seq++, timer, group_});
  std::push_heap(core_->queue.begin(), core_->queue.end(), std::greater<>());
}

void Scheduler::AdvanceTo(int64_t until) {
  std::vector<Entry>& queue = core_->queue;
  while (!queue.empty() && queue.front().due <= until) {
    std::pop_heap(queue.begin(), queue.end(), std::greater<>());
    const Entry entry = queue.back();
    queue.pop_back();
    // A timer due in the past (scheduled late) fires at the current clock.
    core_->now = std::max(core_->now, entry.due);
    entry.timer->OnTimer(core_->now);
  }
  core_->now = std::max(core_->now, until);
}

void Scheduler::CancelGroups(const std::function<bool(uint64_t group)>& dead) {
  std::vector<Entry>& queue = core_->queue;
  std::erase_if(queue, [&](const Entry& e) { return e.group != 0 && dead(e.group); });
  // (due, seq) is a total order: the survivors fire in the order they would have.
  std::make_heap(queue.begin(), queue.end(), std::greater<>());
}

}  // namespace eddy::runtime
