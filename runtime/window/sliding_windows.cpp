// Sliding windows: length, time, timeLength, externalTime, and delay. Each arrival
// is emitted CURRENT; the events it pushes out are emitted EXPIRED before it, in
// the same chunk, stamped with the clock.
#include "runtime/window/sliding_windows.h"

namespace eddy::runtime {

void LengthWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    if (config_.length == 0) {
      PassThrough(chunk, row, *out, /*reset=*/true);
      continue;
    }
    if (held_.size() >= config_.length) held_.PopInto(*out, EventKind::kExpired, now());
    out->AppendCopy(chunk, row, EventKind::kCurrent);
    held_.Push(chunk, row);
  }
  Emit(*out);
}

void TimedSlidingWindow::ExpireUpTo(int64_t t, EventChunk& out) {
  while (!held_.empty() && held_.timestamp(0) + config_.time_ms <= t) {
    held_.PopInto(out, EventKind::kExpired, t);
  }
}

void TimedSlidingWindow::ArmTimer() {
  if (timer_armed_ || held_.empty()) return;
  timer_armed_ = true;
  scheduler_->Schedule(held_.timestamp(0) + config_.time_ms, this);
}

void TimedSlidingWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  out->Swap(timer_expired_);  // events timers expired since the last arrival go first
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    ExpireUpTo(now(), *out);
    // timeLength: also bounded by count.
    if (config_.kind == WindowConfig::Kind::kTimeLength && held_.size() >= config_.length) {
      if (config_.length == 0) {
        PassThrough(chunk, row, *out, /*reset=*/false);
        continue;
      }
      held_.PopInto(*out, EventKind::kExpired, now());
    }
    out->AppendCopy(chunk, row, EventKind::kCurrent);
    held_.Push(chunk, row);
  }
  ArmTimer();
  Emit(*out);
}

void TimedSlidingWindow::OnTimer(int64_t due) {
  timer_armed_ = false;
  if (lazy_timer_expiry_) {
    ExpireUpTo(due, timer_expired_);
    ArmTimer();
    return;
  }
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  ExpireUpTo(due, *out);
  ArmTimer();
  Emit(*out);
}

void ExternalTimeWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const uint32_t attr = static_cast<uint32_t>(config_.timestamp_attr);
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    const int64_t t = chunk.nulls(row)[attr] ? 0 : chunk.row(row)[attr].i64;
    while (!held_.empty()) {
      const int64_t held_t = held_.nulls(0)[attr] ? 0 : held_.row(0)[attr].i64;
      if (held_t + config_.time_ms > t) break;
      held_.PopInto(*out, EventKind::kExpired, t);
    }
    out->AppendCopy(chunk, row, EventKind::kCurrent);
    held_.Push(chunk, row);
  }
  Emit(*out);
}

void DelayWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    if (chunk.kind(row) == EventKind::kCurrent) held_.Push(chunk, row);
  }
  if (!timer_armed_ && !held_.empty()) {
    timer_armed_ = true;
    scheduler_->Schedule(held_.timestamp(0) + config_.time_ms, this);
  }
}

void DelayWindow::OnTimer(int64_t due) {
  timer_armed_ = false;
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  // Delayed events come out as CURRENT, stamped with the clock.
  while (!held_.empty() && held_.timestamp(0) + config_.time_ms <= due) {
    held_.PopInto(*out, EventKind::kCurrent, due);
  }
  if (!held_.empty()) {
    timer_armed_ = true;
    scheduler_->Schedule(held_.timestamp(0) + config_.time_ms, this);
  }
  Emit(*out);
}

}  // namespace eddy::runtime
