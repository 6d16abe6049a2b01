#include "runtime/window/batch_windows.h"

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
    if (config_.start_time) {
      // Boundaries at start + k*T; the first one strictly after now.
      const int64_t start = *config_.start_time;
      int64_t k = t >= start ? (t - start) / config_.time_ms + 1 : 0;
      next_boundary_ = start + k * config_.time_ms;
      while (next_boundary_ <= t) next_boundary_ += config_.time_ms;
    } else {
      next_boundary_ = t + config_.time_ms;
    }
  } else {
    // Idle periods were skipped: realign to the schedule.
    while (next_boundary_ <= now()) next_boundary_ += config_.time_ms;
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

void ExternalTimeBatchWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const uint32_t attr = static_cast<uint32_t>(config_.timestamp_attr);
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent || chunk.nulls(row)[attr]) continue;
    const int64_t t = chunk.row(row)[attr].i64;
    if (!started_) {
      started_ = true;
      int64_t start = t;
      if (config_.start_time_attr >= 0 && !chunk.nulls(row)[static_cast<uint32_t>(config_.start_time_attr)]) {
        start = chunk.row(row)[static_cast<uint32_t>(config_.start_time_attr)].i64;
      } else if (config_.start_time) {
        start = *config_.start_time;
      }
      batch_end_ = start + config_.time_ms;
      SkipPast(t);
    } else if (t >= batch_end_) {
      Flush(*out, t);
      SkipPast(t);  // empty periods are skipped
    }
    current_.Push(chunk, row);
  }
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
