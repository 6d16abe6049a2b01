#include "runtime/window/batch_windows.h"

#include <algorithm>
#include <optional>
#include <climits>

namespace eddy::runtime {

void BatchWindowBase::Flush(EventChunk& out, int64_t t) {
  while (!previous_.empty()) previous_.PopInto(out, EventKind::kExpired, t);
  if (config_.stream_current_event) {
    // The batch was already emitted as it arrived: expire it now.
    while (!current_.empty()) current_.PopInto(out, EventKind::kExpired, t);
    AppendReset(out, t);
    return;
  }
  AppendReset(out, t);
  for (uint32_t i = 0; i < current_.size(); ++i) {
    current_.CopyInto(i, out, EventKind::kCurrent, current_.timestamp(i));
  }
  // The batch is expired at the next flush.
  while (!current_.empty()) current_.MoveFrontTo(previous_);
}

void LengthBatchWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    if (config_.length == 0) {
      PassThrough(chunk, row, *out, /*reset=*/true);
      continue;
    }
    if (config_.stream_current_event) {
      if (current_.size() >= config_.length) Flush(*out, now());
      out->AppendCopy(chunk, row, EventKind::kCurrent);
      current_.Push(chunk, row);
      continue;
    }
    current_.Push(chunk, row);
    if (current_.size() >= config_.length) Flush(*out, now());
  }
  Emit(*out);
}

void TimeBatchWindow::Arm() {
  if (armed_) return;
  if (!started_) {
    started_ = true;
    const int64_t t = now();
    std::optional<int64_t> start_time = config_.start_time;
    if (!start_time && config_.shared_schedule != nullptr) {
      if (!config_.shared_schedule->start) config_.shared_schedule->start = t;
      start_time = config_.shared_schedule->start;
    }
    if (start_time) {
      // Boundaries at start + k*T; the first one strictly after now.
      const int64_t start = *start_time;
      int64_t k = t >= start ? (t - start) / config_.time_ms + 1 : 0;
      next_boundary_ = start + k * config_.time_ms;
      while (next_boundary_ <= t) next_boundary_ += config_.time_ms;
    } else {
      next_boundary_ = t + config_.time_ms;
    }
  } else {
    // Idle periods were skipped: realign to the schedule.
    if (next_boundary_ <= now()) {
      next_boundary_ += ((now() - next_boundary_) / config_.time_ms + 1) * config_.time_ms;
    }
  }
  armed_ = true;
  scheduler_->Schedule(next_boundary_, this);
}

void TimeBatchWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    if (config_.stream_current_event) out->AppendCopy(chunk, row, EventKind::kCurrent);
    current_.Push(chunk, row);
  }
  Arm();
  Emit(*out);
}

void TimeBatchWindow::OnTimer(int64_t due) {
  armed_ = false;
  next_boundary_ = due + config_.time_ms;
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  if (!current_.empty() || !previous_.empty()) Flush(*out, due);
  // Keep ticking while something is held; an idle window waits for an event.
  if (!current_.empty() || !previous_.empty()) {
    armed_ = true;
    scheduler_->Schedule(next_boundary_, this);
  }
  Emit(*out);
}

void ExternalTimeBatchWindow::Start(const EventChunk& chunk, uint32_t row, int64_t t) {
  started_ = true;
  const int32_t start_attr = config_.start_time_attr;
  if (start_attr >= 0 && !chunk.nulls(row)[static_cast<uint32_t>(start_attr)]) {
    batch_end_ = chunk.row(row)[static_cast<uint32_t>(start_attr)].i64 + config_.time_ms;
    return;
  }
  const int64_t start = config_.start_time.value_or(t);
  batch_end_ = start + config_.time_ms;
  SkipPast(t);
}

void ExternalTimeBatchWindow::Hold(const EventChunk& chunk, uint32_t row) {
  current_.Push(chunk, row);
  if (config_.replace_with_batch_time) {
    const uint32_t attr = static_cast<uint32_t>(config_.timestamp_attr);
    current_.mutable_row(current_.size() - 1)[attr].i64 = batch_end_;
  }
}

void ExternalTimeBatchWindow::Reflush(EventChunk& out, int64_t t) {
  if (current_.empty()) return;
  for (uint32_t i = 0; i < previous_.size(); ++i) previous_.CopyInto(i, out, EventKind::kExpired, t);
  AppendReset(out, t);
  for (uint32_t i = 0; i < previous_.size(); ++i) {
    previous_.CopyInto(i, out, EventKind::kCurrent, previous_.timestamp(i));
  }
  for (uint32_t i = 0; i < current_.size(); ++i) {
    current_.CopyInto(i, out, EventKind::kCurrent, current_.timestamp(i));
  }
  while (!current_.empty()) current_.MoveFrontTo(previous_);
}

void ExternalTimeBatchWindow::ScheduleTimeout(int64_t due) {
  timeout_due_ = chain_due_ = due;
  scheduler_->Schedule(due, this);
}

void ExternalTimeBatchWindow::ResumeTimeouts() {
  if (timeout_due_ >= 0) return;
  // The reference's timeout keeps ticking every `timeout` while idle; resume on
  // that schedule (a tick due exactly now has already fired).
  int64_t due = chain_due_ + config_.timeout_ms;
  if (due <= now()) due += (now() - due) / config_.timeout_ms * config_.timeout_ms + config_.timeout_ms;
  ScheduleTimeout(due);
}

void ExternalTimeBatchWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const uint32_t attr = static_cast<uint32_t>(config_.timestamp_attr);
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent || chunk.nulls(row)[attr]) continue;
    const int64_t t = chunk.row(row)[attr].i64;
    if (!started_) {
      Start(chunk, row, t);
      if (has_timeout()) ScheduleTimeout(now() + config_.timeout_ms);
    }
    latest_ = std::max(latest_, t);
    if (t >= batch_end_) {
      if (flushed_by_timeout_) {
        Reflush(*out, latest_);
        flushed_by_timeout_ = false;
      } else {
        Flush(*out, latest_);
      }
      SkipPast(latest_);  // empty periods are skipped
      // The timeout counts again from this flush.
      if (has_timeout()) ScheduleTimeout(now() + config_.timeout_ms);
    }
    Hold(chunk, row);
    // Late events for a batch the timeout flushed are re-emitted at the next timeout.
    if (flushed_by_timeout_) ResumeTimeouts();
  }
  Emit(*out);
}

void ExternalTimeBatchWindow::OnTimer(int64_t due) {
  if (due != timeout_due_) return;  // superseded by a later flush
  timeout_due_ = -1;
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  if (!flushed_by_timeout_) {
    Flush(*out, latest_);
    flushed_by_timeout_ = true;
  } else {
    Reflush(*out, latest_);
  }
  // The held events are now all flushed: an idle tick would change nothing, so
  // the schedule resumes only when late events arrive (Process).
  Emit(*out);
}

void CronWindow::Arm() {
  if (armed_) return;
  if (std::optional<int64_t> next = config_.cron->NextAfter(now())) {
    armed_ = true;
    scheduler_->Schedule(*next, this);
  }
}

void CronWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    if (chunk.kind(row) == EventKind::kCurrent) current_.Push(chunk, row);
  }
  if (!current_.empty()) Arm();
}

void CronWindow::OnTimer(int64_t due) {
  armed_ = false;
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  while (!previous_.empty()) previous_.PopInto(*out, EventKind::kExpired, due);
  for (uint32_t i = 0; i < current_.size(); ++i) {
    current_.CopyInto(i, *out, EventKind::kCurrent, current_.timestamp(i));
  }
  while (!current_.empty()) current_.MoveFrontTo(previous_);
  if (!previous_.empty()) Arm();
  Emit(*out);
}

void ChunkBatchWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  const int64_t piece = config_.length > 0 ? config_.length : static_cast<int64_t>(rows.size());
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    current_.Push(chunk, row);
    if (current_.size() >= piece) Flush(*out, now());
  }
  if (!current_.empty()) Flush(*out, now());
  Emit(*out);
}

}  // namespace eddy::runtime
