// A sliding window (length(N), time(T), timeLength(T, N)) fused with the
// aggregating selector it feeds, for queries that output current events only.
//
// The general path copies every event into the window, out again as CURRENT
// and later as EXPIRED, and the selector finds the group of both rows. Here the
// window keeps, per live event, only what the aggregates need: its group id, its
// aggregate argument values and (timed windows) its timestamp. An arrival turns
// into the same sequence of aggregate steps the general path makes (the events
// it pushes out are retracted from their groups, then it is added to its own):
// per chunk, the arrivals' groups first, then their entries and the steps in one
// typed loop (AggregateColumn::SlideWindow) for a query with one aggregate,
// else queued and applied per aggregate (AggregateColumn::Slide);
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

  // The window's walk over a chunk, in two passes (one loop doing all of it
  // keeps too much live for the registers). Admit(chunk, rows) finds the group
  // of each arrival among `rows` and makes room for its held entry; it returns
  // the number of arrivals. Walk then takes the arrivals in order, writing
  // their entries:
  // the events each pushes out leave first, oldest first (remove(group,
  // values, nulls)), then it is admitted (add(group, row, fresh, values,
  // nulls); fresh: its group was empty and starts afresh). Argument k's value
  // is values[k], null where bit k of `nulls` is set. Walk is instantiated by
  // an aggregate when it is the query's only one (AggregateColumn::SlideWindow:
  // one typed loop), and here with a queue of steps for several.
  // REQUIRES: Admit is called by Process, after the keys and arguments are
  // evaluated, and Walk right after it with its result.
  uint32_t Admit(const EventChunk& chunk, std::span<const uint32_t> rows);
  // kArgs: arg_count() if known to the caller, else -1.
  template <int kArgs, typename Remove, typename Add>
  void Walk(uint32_t arrivals, Remove&& remove, Add&& add) {
    // Instantiated for the cases, so that the loop tests nothing per step for
    // them: with or without group by; timed or not; and, without a null
    // argument in the window (the common case), never testing for one.
    if (groups_) {
      WalkGrouped<kArgs, true>(arrivals, remove, add);
    } else {
      WalkGrouped<kArgs, false>(arrivals, remove, add);
    }
  }
  // Group ids are below this (group by; else 1), once Admit has run.
  uint32_t group_bound() const { return groups_ ? static_cast<uint32_t>(group_sizes_.size()) : 1; }
  uint32_t arg_count() const { return arg_count_; }

 private:
  // Steps are queued (several aggregates) in batches of this many.
  static constexpr uint32_t kOpBatch = 1024;

  // The ring of held events, in locals while a chunk is handled (stores
  // through its entries would otherwise force members to be reloaded).
  // A timed window's capacity is a power of two, its slots indexed by mask. A
  // length window's grows to its length N while it fills, from slot 0; once
  // full, each arrival takes the oldest's slot and the head steps through 0..N-1.
  struct Ring {
    Slot* held = nullptr;
    uint32_t head = 0;
    uint32_t size = 0;
    uint32_t mask = 0;      // timed: capacity - 1
    uint32_t capacity = 0;
  };
  // Retracts the held event `entry`; `sizes` is group_sizes_.data() (group
  // by). kNulls: entries may have null arguments (held_nulls_ counts them).
  template <bool kNulls, typename Remove>
  [[gnu::always_inline]] void RetractEntry(const Slot* entry, uint32_t values_at, bool grouped, int64_t* sizes,
                                           Remove& remove) {
    const uint32_t g = static_cast<uint32_t>(entry[0].raw);
    const uint32_t nulls = kNulls ? static_cast<uint32_t>(entry[0].raw >> 32) : 0;
    if (kNulls) held_nulls_ -= nulls != 0 ? 1 : 0;
    remove(g, entry + values_at, nulls);
    if (grouped && --sizes[g] == 0) emptied_.push_back(g);
  }
  // Admits the held event `entry`, the arrival in `row`.
  template <bool kNulls, typename Add>
  [[gnu::always_inline]] static void AdmitEntry(const Slot* entry, uint32_t values_at, bool grouped, int64_t* sizes,
                                                uint32_t row, Add& add) {
    const uint32_t g = static_cast<uint32_t>(entry[0].raw);
    const bool fresh = grouped && sizes[g]++ == 0;
    add(g, row, fresh, entry + values_at, kNulls ? static_cast<uint32_t>(entry[0].raw >> 32) : 0);
  }
  // Timed windows: retracts the oldest held event.
  template <bool kNulls = true, typename Remove>
  [[gnu::always_inline]] void RetractOldest(Ring& r, uint32_t stride, uint32_t values_at, bool grouped, int64_t* sizes,
                                            Remove& remove) {
    RetractEntry<kNulls>(r.held + size_t{r.head} * stride, values_at, grouped, sizes, remove);
    r.head = (r.head + 1) & r.mask;
    --r.size;
  }
  // Writes the held entry of the arrival in `row` (but its timestamp) from the
  // chunk's arguments `args` and groups (`group_of_row`, if `grouped`).
  // Returns its null flags. Takes locals, not members: stores through entries
  // would force members to be reloaded.
  // kNulls false: no argument is null, their flags are not read.
  template <int kArgs, bool kNulls>
  [[gnu::always_inline]] static uint64_t FillEntry(Slot* entry, uint32_t row, uint32_t values_at,
                                                   uint32_t arg_count, const ColumnView* args, bool grouped,
                                                   const uint32_t* group_of_row) {
    if (kArgs >= 0) arg_count = static_cast<uint32_t>(kArgs);
    uint64_t null_args = 0;
    if (arg_count == 1) {
      entry[values_at].raw = args[0].at(row).raw;
      if (kNulls) null_args = uint64_t{args[0].null(row)};
    } else {
      for (uint32_t k = 0; k < arg_count; ++k) {
        entry[values_at + k].raw = args[k].at(row).raw;
        if (kNulls) null_args |= uint64_t{args[k].null(row)} << k;
      }
    }
    entry[0].raw = (grouped ? group_of_row[row] : 0) | (null_args << 32);
    return null_args;
  }
  static int64_t OldestTime(const Ring& r, uint32_t stride) { return r.held[size_t{r.head} * stride + 1].i64; }
  // Grows the ring to hold at least `needed` entries (a length window: at
  // most its length).
  void GrowHeld(uint32_t needed);
  // Whether an argument of an arrival among `arrived` may be null (a null of
  // another attribute may also say so); first_rows: they are rows 0..n-1.
  bool AnyNullArgument(std::span<const uint32_t> arrived, bool first_rows) const;
  template <int kArgs, bool kGrouped, typename Remove, typename Add>
  void WalkGrouped(uint32_t arrivals, Remove& remove, Add& add) {
    const bool nulls = held_nulls_ != 0 || arrival_nulls_;  // held or arriving
    if (timed_) {
      nulls ? WalkAll<kArgs, kGrouped, true, true>(arrivals, remove, add)
            : WalkAll<kArgs, kGrouped, true, false>(arrivals, remove, add);
    } else {
      nulls ? WalkAll<kArgs, kGrouped, false, true>(arrivals, remove, add)
            : WalkAll<kArgs, kGrouped, false, false>(arrivals, remove, add);
    }
  }
  template <int kArgs, bool kGrouped, bool kTimed, bool kNulls, typename Remove, typename Add>
  void WalkAll(uint32_t arrivals, Remove& remove, Add& add);
  // Applies the first `count` queued steps to every aggregate.
  void FlushOps(uint32_t count);
  // Queues a step for the event with argument values `values`.
  [[gnu::always_inline]] void QueueOp(SlideOp op, const Slot* values, uint32_t& count) {
    for (uint32_t k = 0; k < arg_count_; ++k) op_values_[size_t{k} * kOpBatch + count] = values[k];
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
  std::vector<uint32_t> arrival_rows_;  // Admit: the row of each arrival, unless...
  const uint32_t* arrivals_ = nullptr;  // ... they are Process's rows: the arrivals' rows
  uint64_t held_nulls_ = 0;  // held entries with a null argument
  bool arrival_nulls_ = false;  // an arrival of this chunk may have a null argument
  const int64_t* arrival_timestamps_ = nullptr;  // the chunk's, for the walk

  // The queued steps; argument k of step i is op_values_[k * kOpBatch + i].
  std::vector<SlideOp> ops_;
  std::vector<Slot> op_values_;
};

template <int kArgs, bool kGrouped, bool kTimed, bool kNulls, typename Remove, typename Add>
void SlidingAggregateSelector::WalkAll(uint32_t arrivals, Remove& remove, Add& add) {
  const int64_t now = scheduler_->now();
  const int64_t time_ms = window_.time_ms;
  const uint32_t length = length_;
  // Known at compile time when the caller knows kArgs: the entries' index
  // arithmetic is then shifts and adds.
  constexpr uint32_t values_at = kTimed ? 2 : 1;
  const uint32_t stride = kArgs >= 0 ? values_at + static_cast<uint32_t>(kArgs) : stride_;
  const uint32_t* arrival_rows = arrivals_;
  constexpr bool grouped = kGrouped;
  int64_t* sizes = group_sizes_.data();
  Ring r = ring_;
  // Copies: the loops read them from registers.
  const ColumnView arg0 = arg_count_ > 0 ? chunk_args_[0] : ColumnView{};
  const ColumnView* args = kArgs == 1 ? &arg0 : chunk_args_.data();
  const uint32_t* group_of_row = group_of_row_.data();
  const uint32_t arg_count = arg_count_;
  const int64_t* timestamps = arrival_timestamps_;
  int64_t latest = latest_;
  // Writes the entry of the arrival in `row` to `entry` and admits it.
  auto admit = [&](Slot* entry, uint32_t row) __attribute__((always_inline)) {
    const uint64_t nulls = FillEntry<kArgs, kNulls>(entry, row, values_at, arg_count, args, grouped, group_of_row);
    if (kNulls) held_nulls_ += nulls != 0 ? 1 : 0;
    if constexpr (kTimed) {
      entry[1].i64 = timestamps[row];
      latest = std::max(latest, timestamps[row]);
    }
    AdmitEntry<kNulls>(entry, values_at, grouped, sizes, row, add);
  };
  if constexpr (kTimed) {
    // Arrivals go behind the live entries.
    auto admit_next = [&](uint32_t row) __attribute__((always_inline)) {
      Slot* entry = r.held + size_t{(r.head + r.size) & r.mask} * stride;
      ++r.size;
      admit(entry, row);
    };
    // The clock stands still during a chunk: once the oldest event is found
    // not due, it stays so until it leaves by length or the window empties.
    bool oldest_stays = false;
    uint32_t i = 0;
    for (; i < arrivals; ++i) {
      if (!oldest_stays) {
        while (r.size > 0 && OldestTime(r, stride) + time_ms <= now) {
          RetractOldest<kNulls>(r, stride, values_at, grouped, sizes, remove);
        }
        oldest_stays = r.size > 0;
      }
      // Without a length bound nothing leaves once the oldest stays: the
      // rest of the chunk only admits (the loop below, with nothing to test).
      if (oldest_stays && length == UINT32_MAX) break;
      if (r.size >= length) {
        RetractOldest<kNulls>(r, stride, values_at, grouped, sizes, remove);
        oldest_stays = false;
      }
      admit_next(arrival_rows[i]);
    }
    for (; i < arrivals; ++i) admit_next(arrival_rows[i]);
    latest_ = latest;
  } else {
    // Behind the live ones while the window fills (its head stays slot 0),
    // then over the oldest, which the arrival pushes out.
    uint32_t i = 0;
    for (; i < arrivals && r.size < length; ++i) {
      admit(r.held + size_t{r.size} * stride, arrival_rows[i]);
      ++r.size;
    }
    // Full: in runs up to the ring's end, so that a run never tests for the wrap.
    while (i < arrivals) {
      const uint32_t stop = i + std::min(arrivals - i, length - r.head);
      Slot* entry = r.held + size_t{r.head} * stride;
      r.head += stop - i;
      for (; i < stop; ++i, entry += stride) {
        RetractEntry<kNulls>(entry, values_at, grouped, sizes, remove);
        admit(entry, arrival_rows[i]);
      }
      if (r.head == length) r.head = 0;
    }
  }
  ring_ = r;
}

}  // namespace eddy::runtime
