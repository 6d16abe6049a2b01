#include "runtime/operator/rate_limiter.h"

namespace eddy::runtime {

RateLimiter::RateLimiter(RateLimitSpec spec, Scheduler* scheduler)
    : spec_(std::move(spec)),
      scheduler_(scheduler),
      period_(spec_.value, scheduler, this),
      buffer_(spec_.output_schema),
      latest_(spec_.output_schema),
      output_([schema = spec_.output_schema] { return std::make_unique<EventChunk>(schema); }) {
  if (spec_.group_keys != nullptr) groups_ = std::make_unique<KeyRowGroups>(spec_.group_keys);
}

uint32_t RateLimiter::GroupOf(uint32_t row) { return groups_ ? groups_->GroupOf(row) : 0; }

void RateLimiter::Emit(EventChunk& chunk) {
  if (chunk.empty() || next_ == nullptr) return;
  next_->Process(chunk, std::span<const uint32_t>(IdentityRows(chunk.size()), chunk.size()));
}

void RateLimiter::KeepLatest(const EventChunk& chunk, uint32_t row, uint32_t group) {
  if (group >= latest_slot_.size()) latest_slot_.resize(group + 1, -1);
  if (latest_slot_[group] < 0) {
    latest_slot_[group] = static_cast<int32_t>(latest_.AppendCopy(chunk, row));
    latest_groups_.push_back(group);
    return;
  }
  const uint32_t slot = static_cast<uint32_t>(latest_slot_[group]);
  latest_.set_timestamp(slot, chunk.timestamp(row));
  for (uint32_t i = 0; i < chunk.arity(); ++i) {
    latest_.SetSlot(slot, i, chunk.row(row)[i], chunk.nulls(row)[i] != 0);
  }
}

void RateLimiter::FlushLatest() {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t i = 0; i < latest_.size(); ++i) out->AppendCopy(latest_, i);
  for (uint32_t g : latest_groups_) latest_slot_[g] = -1;
  latest_groups_.clear();
  latest_.Clear();
  Emit(*out);
}

void RateLimiter::ArmPeriod() {
  if (spec_.by_time && spec_.which != RateLimitSpec::Which::kFirst) period_.Arm();
}

void RateLimiter::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  if (!rows.empty()) ArmPeriod();
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    const uint32_t group = GroupOf(row);
    switch (spec_.which) {
      case RateLimitSpec::Which::kAll:
        buffer_.AppendCopy(chunk, row);
        if (!spec_.by_time && buffer_.size() >= spec_.value) {
          for (uint32_t i = 0; i < buffer_.size(); ++i) out->AppendCopy(buffer_, i);
          buffer_.Clear();
        }
        break;
      case RateLimitSpec::Which::kFirst:
        if (group >= group_counters_.size()) {
          group_counters_.resize(group + 1, 0);
          group_last_emit_.resize(group + 1, -1);
        }
        if (spec_.by_time) {
          int64_t& last = group_last_emit_[group];
          if (last < 0 || scheduler_->now() >= last + spec_.value) {
            last = scheduler_->now();
            out->AppendCopy(chunk, row);
          }
        } else {
          // Siddhi's counter: emit at 0, and reset only on a row that was not
          // emitted, so `first every 1 events` emits the first row only (§20 #8).
          int64_t& counter = group_counters_[group];
          if (counter == 0) {
            ++counter;
            out->AppendCopy(chunk, row);
          } else if (++counter == spec_.value) {
            counter = 0;
          }
        }
        break;
      case RateLimitSpec::Which::kLast:
        KeepLatest(chunk, row, group);
        if (!spec_.by_time && ++counter_ == spec_.value) {
          counter_ = 0;
          for (uint32_t i = 0; i < latest_.size(); ++i) out->AppendCopy(latest_, i);
          for (uint32_t g : latest_groups_) latest_slot_[g] = -1;
          latest_groups_.clear();
          latest_.Clear();
        }
        break;
    }
  }
  Emit(*out);
}

void RateLimiter::OnTimer(int64_t due) {
  period_.Fired(due);
  // A period that ends with nothing buffered emits nothing: stop ticking until
  // the next row (ArmPeriod resumes on the same schedule).
  if (buffer_.empty() && latest_.empty()) return;
  ArmPeriod();
  if (spec_.which == RateLimitSpec::Which::kLast) {
    FlushLatest();
    return;
  }
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t i = 0; i < buffer_.size(); ++i) out->AppendCopy(buffer_, i);
  buffer_.Clear();
  Emit(*out);
}

}  // namespace eddy::runtime
