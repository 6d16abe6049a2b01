#include "runtime/operator/sliding_aggregate_selector.h"

#include <cstring>

namespace eddy::runtime {

SlidingAggregateSelector::SlidingAggregateSelector(const WindowConfig& window, AggregateSelectorSpec spec,
                                                   Scheduler* scheduler)
    : AggregateSelector(std::move(spec), scheduler),
      window_(window),
      timed_(window.kind == WindowConfig::Kind::kTime || window.kind == WindowConfig::Kind::kTimeLength),
      length_(window.kind == WindowConfig::Kind::kTime
                  ? UINT32_MAX
                  : static_cast<uint32_t>(std::min<int64_t>(window.length, UINT32_MAX))),
      scheduler_(scheduler) {
  for (const AggregateSpec& aggregate : spec_.aggregates) {
    arg_of_.push_back(aggregate.args.empty() ? -1 : static_cast<int32_t>(arg_count_++));
  }
  values_at_ = timed_ ? 2 : 1;
  stride_ = values_at_ + arg_count_;
  ops_.resize(kOpBatch);
  op_values_.resize(size_t{kOpBatch} * arg_count_);
  chunk_args_.resize(arg_count_);
}

void SlidingAggregateSelector::GrowHeld(uint32_t needed) {
  uint64_t grown = ring_.capacity == 0 ? 16 : uint64_t{ring_.capacity} * 2;
  while (grown < needed) grown *= 2;
  if (!timed_) grown = std::min<uint64_t>(grown, length_);
  std::vector<Slot> held(size_t{grown} * stride_);
  // The held entries in order: from the head to the end, then the wrapped part.
  const uint32_t first = std::min(ring_.size, ring_.capacity - ring_.head);
  if (first > 0) {
    std::memcpy(held.data(), held_.data() + size_t{ring_.head} * stride_, sizeof(Slot) * stride_ * first);
  }
  if (ring_.size > first) {
    std::memcpy(held.data() + size_t{first} * stride_, held_.data(), sizeof(Slot) * stride_ * (ring_.size - first));
  }
  held_.swap(held);
  ring_ = {held_.data(), 0, ring_.size, static_cast<uint32_t>(grown - 1), static_cast<uint32_t>(grown)};
}

uint32_t SlidingAggregateSelector::Admit(const EventChunk& chunk, std::span<const uint32_t> rows) {
  // The arrivals (as the window: current rows only) are `rows` themselves in
  // the common case of a whole chunk of current events.
  uint32_t arrivals = 0;
  const bool whole = WholeChunkOfCurrent(chunk, rows);
  if (whole) {
    arrivals_ = rows.data();
    arrivals = chunk.size();
  } else {
    if (arrival_rows_.size() < rows.size()) arrival_rows_.resize(rows.size());
    uint32_t* arrival_rows = arrival_rows_.data();
    const EventKind* kinds = chunk.kinds();
    for (uint32_t row : rows) {
      arrival_rows[arrivals] = row;
      arrivals += kinds[row] == EventKind::kCurrent ? 1 : 0;
    }
    arrivals_ = arrival_rows;
  }
  if (arrivals == 0) return 0;
  const std::span<const uint32_t> arrived(arrivals_, arrivals);
  if (groups_) {
    const uint32_t group_end = groups_->FindOrAddRows(key_views_, arrived, group_of_row_.data());
    if (group_end > group_sizes_.size()) group_sizes_.resize(group_end, 0);
  }
  // Room for the entries, which the walk writes (see Ring).
  uint64_t needed = uint64_t{ring_.size} + arrivals;
  if (!timed_) needed = std::min<uint64_t>(needed, length_);
  if (needed > ring_.capacity) GrowHeld(static_cast<uint32_t>(needed));
  arrival_nulls_ = AnyNullArgument(arrived, whole);
  arrival_timestamps_ = chunk.timestamps();
  return arrivals;
}

bool SlidingAggregateSelector::AnyNullArgument(std::span<const uint32_t> arrived, bool first_rows) const {
  uint8_t any = 0;
  for (const ColumnView& arg : chunk_args_) {
    if (first_rows && arg.null_stride <= 16) {
      // Every flag from the first row's to the last's, those of the other
      // attributes of a row-major chunk too: a strided loop would not
      // vectorize, and a null elsewhere only costs the walk its null tests.
      // (Bounded, so that a wide row does not make it read many times more.)
      const size_t bytes = arrived.empty() ? 0 : (arrived.size() - 1) * arg.null_stride + 1;
      for (size_t i = 0; i < bytes; ++i) any |= arg.nulls[i];
    } else {
      for (uint32_t row : arrived) any |= arg.nulls[size_t{row} * arg.null_stride];
    }
  }
  return any != 0;
}

void SlidingAggregateSelector::FlushOps(uint32_t count) {
  const std::span<const SlideOp> ops(ops_.data(), count);
  const uint32_t groups = group_bound();
  for (size_t a = 0; a < spec_.aggregates.size(); ++a) {
    const int32_t k = arg_of_[a];
    const Slot* values = k < 0 ? nullptr : op_values_.data() + static_cast<size_t>(k) * kOpBatch;
    spec_.aggregates[a].column->Slide(ops, values, k < 0 ? 0 : static_cast<uint32_t>(k), groups, *results_[a]);
  }
}

void SlidingAggregateSelector::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const uint32_t n = chunk.size();
  const EvalFrame frame{&chunk, n, {}, scheduler_->now()};
  if (groups_) {
    EvalKeys(frame);
    if (group_of_row_.size() < n) group_of_row_.resize(n);
  }
  for (size_t a = 0; a < spec_.aggregates.size(); ++a) {
    const int32_t k = arg_of_[a];
    if (k >= 0) chunk_args_[static_cast<size_t>(k)] = spec_.aggregates[a].args[0]->Eval(frame);
    // Not cleared: the walk writes every arrival's row, and only those are
    // emitted (current events only).
    results_[a]->Reset(n);
  }
  const uint32_t arrivals = Admit(chunk, rows);
  if (arrivals == 0) return;  // the window would have emitted nothing
  if (spec_.aggregates.size() == 1) {
    spec_.aggregates[0].column->SlideWindow(*this, arrivals, *results_[0]);
  } else {
    uint32_t count = 0;
    Walk<-1>(
        arrivals,
        [&](uint32_t g, const Slot* values, uint32_t nulls) {
          QueueOp({g, 0, SlideOp::Kind::kRemove, nulls}, values, count);
        },
        [&](uint32_t g, uint32_t row, bool fresh, const Slot* values, uint32_t nulls) {
          QueueOp({g, row, fresh ? SlideOp::Kind::kAddFresh : SlideOp::Kind::kAdd, nulls}, values, count);
        });
    FlushOps(count);
  }
  ++chunks_;
  if (groups_) FreeEmptiedGroups();
  if (timed_) ArmTimer(latest_ + window_.time_ms);
  EmitRows(chunk, rows, frame);
}

void SlidingAggregateSelector::ArmTimer(int64_t due) {
  if (timer_armed_ || ring_.size == 0) return;
  timer_armed_ = true;
  chunks_at_arm_ = chunks_;
  scheduler_->Schedule(due, this);
}

void SlidingAggregateSelector::OnTimer(int64_t due) {
  timer_armed_ = false;
  const bool idle = chunks_ == chunks_at_arm_;
  if (!idle || !idle_once_) {
    idle_once_ = idle;
    ArmTimer(due + std::max<int64_t>(window_.time_ms, 1));
    return;
  }
  idle_once_ = false;
  uint32_t count = 0;
  auto remove = [&](uint32_t g, const Slot* values, uint32_t nulls) {
    QueueOp({g, 0, SlideOp::Kind::kRemove, nulls}, values, count);
  };
  Ring r = ring_;
  int64_t* sizes = group_sizes_.data();
  while (r.size > 0 && OldestTime(r, stride_) + window_.time_ms <= due) {
    RetractOldest(r, stride_, values_at_, groups_ != nullptr, sizes, remove);
  }
  ring_ = r;
  FlushOps(count);  // removes only: no result is written
  if (groups_) FreeEmptiedGroups();
  ArmTimer(due + std::max<int64_t>(window_.time_ms, 1));
}

}  // namespace eddy::runtime
