// A sliding window (length(N), time(T), timeLength(T, N)) fused with the
// aggregating selector it feeds, for queries that output current events only.
//
// The general path copies every event into the window, out again as CURRENT
// and later as EXPIRED, and the selector finds the group of both rows. Here the
// window keeps, per live event, only what the aggregates need: its group id, its
// aggregate argument values and (timed windows) its timestamp. An arrival turns
// into the same sequence of aggregate steps the general path makes (the events
// it pushes out are retracted from their groups, then it is added to its own),
// in one typed loop per chunk (AggregateColumn::SlideWindow) for a query with
// one aggregate, else queued and applied per aggregate (AggregateColumn::Slide);
// output rows are computed over the arriving rows themselves (steps 2-4 are
// AggregateSelector's). Results are identical to the general path's.
//
// REQUIRES (checked by the planner, plan_query.cpp): the output is current
// events only, not a snapshot; N > 0; the group keys and aggregate arguments
// depend on nothing but the event's attributes (the general path evaluates them
// again on the EXPIRED row, stamped with the expiry time); aggregate arguments
// are not strings or objects (no references are held).
//
// Timers only reclaim memory: what the window expires changes nothing anyone
// sees until the next arrival, which first retracts every event whose time is
// up. (In playback the clock moves to a chunk's last timestamp before the
// chunk is handled, so a timer due then would always beat the arrivals to it.)
// A timer checks every T while events are held and clears only a window that
// stayed idle for two checks in a row: an idle window is empty within 3T of
// its last arrival. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/operator/aggregate_selector.h"
#include "runtime/window/window.h"

namespace eddy::runtime {

class SlidingAggregateSelector final : public AggregateSelector, public Timer {
 public:
  // REQUIRES: `window` is a length, time or timeLength window of length > 0.
  SlidingAggregateSelector(const WindowConfig& window, AggregateSelectorSpec spec, Scheduler* scheduler);

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  void OnTimer(int64_t due) override;
  std::string Describe() const override { return "Window " + window_.text + " + " + AggregateSelector::Describe(); }

  // The window's walk over the arrivals among `rows`: for each, the events it
  // pushes out leave first, oldest first (remove(group, entry)), then it is
  // admitted (add(group, row, fresh, entry); fresh: its group was empty and
  // starts afresh). `entry` is the event's held entry: argument k's value is
  // entry[values_at() + k], null where bit k of entry[0].raw >> 32 is set.
  // Returns whether anything arrived. Instantiated by an aggregate when it is
  // the query's only one (AggregateColumn::SlideWindow: one typed loop), and
  // here with a queue of steps for several.
  // REQUIRES: called by Process, after the keys and arguments are evaluated.
  // kArgs: arg_count() if known to the caller, else -1.
  template <int kArgs, typename Remove, typename Add>
  bool Walk(const EventChunk& chunk, std::span<const uint32_t> rows, Remove&& remove, Add&& add);
  uint32_t values_at() const { return values_at_; }
  uint32_t arg_count() const { return arg_count_; }

 private:
  // Steps are queued (several aggregates) in batches of this many.
  static constexpr uint32_t kOpBatch = 1024;

  // The ring of held events, in locals while a chunk is handled (stores
  // through its entries would otherwise force members to be reloaded).
  struct Ring {
    Slot* held = nullptr;
    uint32_t head = 0;
    uint32_t size = 0;
    uint32_t mask = 0;      // capacity - 1
    uint32_t capacity = 0;  // a power of two, or 0
  };
  // Retracts the oldest held event; `sizes` is group_sizes_.data() (group by).
  template <typename Remove>
  [[gnu::always_inline]] void RetractOldest(Ring& r, bool grouped, int64_t* sizes, Remove& remove) {
    const Slot* entry = r.held + size_t{r.head} * stride_;
    const uint32_t g = static_cast<uint32_t>(entry[0].raw);
    remove(g, static_cast<const Slot*>(entry));
    r.head = (r.head + 1) & r.mask;
    --r.size;
    if (grouped && --sizes[g] == 0) emptied_.push_back(g);
  }
  int64_t OldestTime(const Ring& r) const { return r.held[size_t{r.head} * stride_ + 1].i64; }
  void GrowHeld();
  // Applies the first `count` queued steps to every aggregate.
  void FlushOps(uint32_t count);
  // Queues a step for the event in `entry`.
  [[gnu::always_inline]] void QueueOp(SlideOp op, const Slot* entry, uint32_t& count) {
    for (uint32_t k = 0; k < arg_count_; ++k) op_values_[size_t{k} * kOpBatch + count] = entry[values_at_ + k];
    ops_[count] = op;
    if (++count == kOpBatch) {
      FlushOps(count);
      count = 0;
    }
  }
  // Sets the timer for `due` unless it is set.
  void ArmTimer(int64_t due);

  const WindowConfig window_;
  const bool timed_;  // time, timeLength: events leave once ts + T <= clock
  const uint32_t length_;  // length, timeLength: at most this many events; else UINT32_MAX
  Scheduler* scheduler_;
  bool timer_armed_ = false;
  int64_t latest_ = INT64_MIN;  // the largest timestamp held (timer due - T)
  uint64_t chunks_ = 0;        // chunks with arrivals so far
  uint64_t chunks_at_arm_ = 0;  // chunks_ when the timer was set
  bool idle_once_ = false;      // the last check found no arrival since the one before

  // The held events, oldest first, in a ring of `stride_` slots each: the group
  // id with the arguments' null flags above it (bit k: argument k is null),
  // the timestamp (timed windows), then the argument values.
  std::vector<Slot> held_;
  Ring ring_;
  uint32_t stride_;
  uint32_t values_at_;  // slot of the first argument value in an entry
  uint32_t arg_count_ = 0;  // aggregates with an argument
  std::vector<int32_t> arg_of_;  // per aggregate: its argument's index, or -1
  std::vector<ColumnView> chunk_args_;  // per argument, over the chunk

  // The queued steps; argument k of step i is op_values_[k * kOpBatch + i].
  std::vector<SlideOp> ops_;
  std::vector<Slot> op_values_;
};

template <int kArgs, typename Remove, typename Add>
bool SlidingAggregateSelector::Walk(const EventChunk& chunk, std::span<const uint32_t> rows, Remove&& remove,
                                    Add&& add) {
  const int64_t now = scheduler_->now();
  const int64_t time_ms = window_.time_ms;
  const uint32_t length = length_;
  const uint32_t arg_count = kArgs >= 0 ? static_cast<uint32_t>(kArgs) : arg_count_;
  const uint32_t values_at = values_at_;
  const uint32_t stride = stride_;
  // Views copied to locals: read through members they would be reloaded
  // after every store.
  const ColumnView* args = chunk_args_.data();
  const ColumnView arg0 = arg_count > 0 ? args[0] : ColumnView{};
  const std::span<const ColumnView> all_keys(key_views_);
  const ColumnView key0 = all_keys.empty() ? ColumnView{} : all_keys[0];
  const std::span<const ColumnView> keys = all_keys.size() == 1 ? std::span<const ColumnView>(&key0, 1) : all_keys;
  uint32_t* group_of_row = group_of_row_.data();
  GroupTable* const table = groups_.get();
  const bool grouped = table != nullptr;
  int64_t* sizes = group_sizes_.data();
  size_t group_count = group_sizes_.size();
  Ring r = ring_;
  bool arrived = false;
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;  // as the window: arrivals only
    arrived = true;
    if (timed_) {
      while (r.size > 0 && OldestTime(r) + time_ms <= now) RetractOldest(r, grouped, sizes, remove);
    }
    if (r.size >= length) RetractOldest(r, grouped, sizes, remove);
    uint32_t g = 0;
    bool fresh = false;
    if (grouped) {
      g = table->FindOrAdd(keys, row);
      if (g >= group_count) {
        group_sizes_.resize(g + 1, 0);
        sizes = group_sizes_.data();
        group_count = group_sizes_.size();
      }
      fresh = sizes[g]++ == 0;
      group_of_row[row] = g;
    }
    if (r.size == r.capacity) {
      ring_ = r;
      GrowHeld();
      r = ring_;
    }
    Slot* entry = r.held + size_t{(r.head + r.size) & r.mask} * stride;
    ++r.size;
    uint64_t null_args = 0;
    if (kArgs == 1) {
      entry[values_at] = arg0.at(row);
      null_args = uint64_t{arg0.null(row)};
    } else {
      for (uint32_t k = 0; k < arg_count; ++k) {
        entry[values_at + k] = args[k].at(row);
        null_args |= uint64_t{args[k].null(row)} << k;
      }
    }
    entry[0].raw = g | (null_args << 32);
    if (timed_) {
      entry[1].i64 = chunk.timestamp(row);
      latest_ = std::max(latest_, chunk.timestamp(row));
    }
    add(g, row, fresh, static_cast<const Slot*>(entry));
  }
  ring_ = r;
  return arrived;
}

}  // namespace eddy::runtime
