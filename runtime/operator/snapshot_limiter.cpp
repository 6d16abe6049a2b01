#include "runtime/operator/snapshot_limiter.h"

#include <algorithm>

#include "runtime/slot_hash.h"

namespace eddy::runtime {

SnapshotLimiter::SnapshotLimiter(SnapshotSpec spec, Scheduler* scheduler)
    : spec_(std::move(spec)),
      scheduler_(scheduler),
      period_(spec_.period_ms, scheduler, this),
      held_(spec_.output_schema),
      latest_(spec_.output_schema),
      output_([schema = spec_.output_schema] { return std::make_unique<EventChunk>(schema); }) {
  const auto& aggregates = spec_.aggregate_columns;
  const size_t count = static_cast<size_t>(std::count(aggregates.begin(), aggregates.end(), true));
  if (!spec_.windowed) mode_ = Mode::kLast;
  else if (count == 0) mode_ = Mode::kHeldRows;
  else if (count == aggregates.size()) mode_ = Mode::kLastWhileHeld;
  else mode_ = Mode::kHeldRowsLatestAggregates;
  if (spec_.group_keys != nullptr) groups_ = std::make_unique<KeyRowGroups>(spec_.group_keys);
}

std::string SnapshotLimiter::Describe() const {
  return "Snapshot every " + std::to_string(spec_.period_ms) + " ms";
}

uint32_t SnapshotLimiter::GroupOf(uint32_t row) { return groups_ ? groups_->GroupOf(row) : 0; }

bool SnapshotLimiter::SameRow(uint32_t held, const EventChunk& chunk, uint32_t row, bool skip_aggregates) const {
  const Schema& schema = chunk.schema();
  for (uint32_t i = 0; i < chunk.arity(); ++i) {
    if (skip_aggregates && spec_.aggregate_columns[i]) continue;
    const bool a_null = held_.nulls(held)[i] != 0;
    const bool b_null = chunk.nulls(row)[i] != 0;
    if (a_null != b_null) return false;
    if (!a_null && !SlotEquals(schema.type(i), held_.row(held)[i], chunk.row(row)[i])) return false;
  }
  return true;
}

void SnapshotLimiter::SetLatest(uint32_t group, const EventChunk& chunk, uint32_t row) {
  while (latest_.size() <= group) latest_.Append(0, EventKind::kCurrent);
  if (has_latest_.size() <= group) {
    has_latest_.resize(group + 1, 0);
    live_.resize(group + 1, 0);
  }
  if (!has_latest_[group]) {
    has_latest_[group] = 1;
    group_order_.push_back(group);
  }
  latest_.set_timestamp(group, chunk.timestamp(row));
  for (uint32_t i = 0; i < chunk.arity(); ++i) latest_.SetSlot(group, i, chunk.row(row)[i], chunk.nulls(row)[i] != 0);
}

void SnapshotLimiter::Remember(const EventChunk& chunk, uint32_t row, uint32_t group) {
  if (mode_ == Mode::kHeldRows || mode_ == Mode::kHeldRowsLatestAggregates) {
    held_.AppendCopy(chunk, row, EventKind::kCurrent);
    held_group_.push_back(group);
  }
  if (mode_ != Mode::kHeldRows) SetLatest(group, chunk, row);
  if (mode_ == Mode::kLastWhileHeld) ++live_[group];
}

void SnapshotLimiter::Forget(const EventChunk& chunk, uint32_t row, uint32_t group) {
  if (mode_ == Mode::kLast) return;
  if (mode_ == Mode::kLastWhileHeld) {
    SetLatest(group, chunk, row);
    --live_[group];
    return;
  }
  const bool skip_aggregates = mode_ == Mode::kHeldRowsLatestAggregates;
  for (uint32_t i = 0; i < held_.size(); ++i) {
    if (!SameRow(i, chunk, row, skip_aggregates)) continue;
    // Remove held row i, keeping the order of the rest.
    EventChunk kept(spec_.output_schema);
    for (uint32_t j = 0; j < held_.size(); ++j) {
      if (j != i) kept.AppendCopy(held_, j);
    }
    held_.Swap(kept);
    held_group_.erase(held_group_.begin() + i);
    if (skip_aggregates) SetLatest(group, chunk, row);
    return;
  }
}

void SnapshotLimiter::Clear() {
  held_.Clear();
  held_group_.clear();
  latest_.Clear();
  has_latest_.clear();
  live_.clear();
  group_order_.clear();
}

void SnapshotLimiter::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  if (!rows.empty()) period_.Arm();
  for (uint32_t row : rows) {
    switch (chunk.kind(row)) {
      case EventKind::kCurrent: Remember(chunk, row, GroupOf(row)); break;
      case EventKind::kExpired: Forget(chunk, row, GroupOf(row)); break;
      case EventKind::kReset: Clear(); break;
      case EventKind::kTimer: break;
    }
  }
}

void SnapshotLimiter::OnTimer(int64_t due) {
  period_.Fired(due);
  // An empty state emits nothing: stop ticking until the next row.
  if (held_.empty() && group_order_.empty()) return;
  period_.Arm();
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  switch (mode_) {
    case Mode::kHeldRows:
      for (uint32_t i = 0; i < held_.size(); ++i) out->AppendCopy(held_, i);
      break;
    case Mode::kLast:
      for (uint32_t g : group_order_) out->AppendCopy(latest_, g);
      break;
    case Mode::kLastWhileHeld: {
      // Groups whose events all left are dropped (and re-enter last when seen again).
      std::vector<uint32_t> kept;
      for (uint32_t g : group_order_) {
        if (live_[g] <= 0) {
          has_latest_[g] = 0;
          continue;
        }
        kept.push_back(g);
        out->AppendCopy(latest_, g);
      }
      group_order_.swap(kept);
      break;
    }
    case Mode::kHeldRowsLatestAggregates: {
      std::vector<uint8_t> emitted(has_latest_.size(), 0);
      for (uint32_t i = 0; i < held_.size(); ++i) {
        const uint32_t g = held_group_[i];
        if (groups_ && emitted[g]) continue;  // one row per group
        emitted[g] = 1;
        const uint32_t r = out->AppendCopy(held_, i);
        for (uint32_t c = 0; c < out->arity(); ++c) {
          if (spec_.aggregate_columns[c]) out->SetSlot(r, c, latest_.row(g)[c], latest_.nulls(g)[c] != 0);
        }
      }
      break;
    }
  }
  if (!out->empty() && next_ != nullptr) {
    next_->Process(*out, std::span<const uint32_t>(IdentityRows(out->size()), out->size()));
  }
}

}  // namespace eddy::runtime
