#include "runtime/partition/partition.h"

#include <algorithm>

namespace eddy::runtime {

Partition::Partition(PartitionSpec spec, Scheduler* root)
    : spec_(std::move(spec)), root_(root), keys_(spec_.key_schema) {}

Partition::~Partition() = default;

void Partition::BuildPrototype(BuildTarget& explain) {
  prototype_ = std::make_unique<PartitionInstance>(spec_, *root_, &explain);
}

PartitionInstance& Partition::Create(uint32_t key_id) {
  if (key_id >= by_key_.size()) by_key_.resize(key_id + 1);
  by_key_[key_id] = std::make_unique<PartitionInstance>(spec_, *root_);
  PartitionInstance& instance = *by_key_[key_id];
  instance.last_event = root_->now();
  live_.push_back({&instance, key_id});
  if (spec_.purge && !purge_anchor_) purge_anchor_ = root_->now();
  ArmPurge();
  instance.Start(root_->now());
  return instance;
}

void Partition::ArmPurge() {
  if (!spec_.purge || purge_armed_ || live_.empty()) return;
  int64_t oldest = live_.front().instance->last_event;
  for (const Live& live : live_) oldest = std::min(oldest, live.instance->last_event);
  // The first check after now at which the oldest key is idle for longer than
  // the idle period.
  const int64_t interval = std::max<int64_t>(spec_.purge->interval_ms, 1);
  const int64_t target = std::max(oldest + spec_.purge->idle_ms + 1, root_->now() + 1);
  const int64_t anchor = *purge_anchor_;
  const int64_t periods = target <= anchor ? 0 : (target - anchor + interval - 1) / interval;
  purge_armed_ = true;
  root_->Schedule(anchor + periods * interval, this);
}

void Partition::OnTimer(int64_t due) {
  purge_armed_ = false;
  std::vector<uint64_t> dead_groups;
  size_t kept = 0;
  for (const Live& live : live_) {
    if (due - live.instance->last_event > spec_.purge->idle_ms) {
      dead_groups.push_back(live.instance->timer_group());
      keys_.Free(live.key_id);
      by_key_[live.key_id].reset();
      ++purged_;
    } else {
      live_[kept++] = live;
    }
  }
  live_.resize(kept);
  if (!dead_groups.empty()) {
    std::sort(dead_groups.begin(), dead_groups.end());
    root_->CancelGroups([&](uint64_t group) {
      return std::binary_search(dead_groups.begin(), dead_groups.end(), group);
    });
  }
  ArmPurge();
}

}  // namespace eddy::runtime
