// Batch windows (LANGUAGE.md §7): lengthBatch(N[, stream.current.event]),
// timeBatch(T[, start.time][, stream.current.event]), batch([N]). A flush is one
// chunk [EXPIRED previous batch..., RESET, CURRENT new batch...]; with
// stream.current.event, events pass as CURRENT on arrival and a flush is
// [EXPIRED batch..., RESET].
#pragma once

#include "runtime/window/window.h"

namespace eddy::runtime {

class BatchWindowBase : public Window {
 public:
  BatchWindowBase(const WindowConfig& c, const Schema* s, Scheduler* sch)
      : Window(c, s, sch), current_(s), previous_(s) {}
  // The last flushed batch; with stream.current.event, the batch being collected
  // (its events were emitted on arrival).
  bool AppendContents(std::vector<RowRun>& runs) const override {
    (config_.stream_current_event ? current_ : previous_).AppendRuns(runs);
    return true;
  }

 protected:
  // Appends a flush of the collected batch at time `t`; the batch becomes the
  // previous one.
  void Flush(EventChunk& out, int64_t t);

  RowQueue current_;
  RowQueue previous_;
};

class LengthBatchWindow final : public BatchWindowBase {
 public:
  using BatchWindowBase::BatchWindowBase;
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
};

class TimeBatchWindow final : public BatchWindowBase {
 public:
  using BatchWindowBase::BatchWindowBase;
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  void OnTimer(int64_t due) override;

 private:
  void Arm();
  bool started_ = false;
  bool armed_ = false;
  int64_t next_boundary_ = 0;
};

// externalTimeBatch(attr, T[, start.time[, timeout[, replace.with.batchtime]]]):
// batches of T on a long attribute. An arrival at or past the batch end flushes
// it (expired rows stamped with the largest attribute value seen) and opens the
// batch that contains it. With a timeout, a batch that no arrival closes within
// `timeout` of app time is flushed anyway; events that arrive late for a batch
// flushed that way make it re-emit whole (after a RESET) at the next timeout or
// flush. replace.with.batchtime stamps each held event's attribute with its
// batch's end.
class ExternalTimeBatchWindow final : public BatchWindowBase {
 public:
  using BatchWindowBase::BatchWindowBase;
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  void OnTimer(int64_t due) override;

 private:
  void Start(const EventChunk& chunk, uint32_t row, int64_t t);
  void Hold(const EventChunk& chunk, uint32_t row);
  // The held batch again, after the one the timeout flushed: [EXPIRED previous,
  // RESET, previous as CURRENT, CURRENT held]; the held events join the previous.
  void Reflush(EventChunk& out, int64_t t);
  void ScheduleTimeout(int64_t due);
  // Schedules the next tick of the timeout's schedule, unless one is pending.
  void ResumeTimeouts();
  bool has_timeout() const { return config_.timeout_ms > 0; }

  // Moves batch_end_ on by whole periods to the first end after `t` (in one
  // step: a start.time far before the events would take billions of periods;
  // a period below 1 ms counts as 1 ms rather than never ending).
  void SkipPast(int64_t t) {
    const int64_t period = config_.time_ms > 0 ? config_.time_ms : 1;
    if (batch_end_ <= t) batch_end_ += ((t - batch_end_) / period + 1) * period;
  }
  bool started_ = false;
  int64_t batch_end_ = 0;
  int64_t latest_ = INT64_MIN;   // the largest attribute value seen
  bool flushed_by_timeout_ = false;
  int64_t timeout_due_ = -1;     // the pending timeout, or -1
  int64_t chain_due_ = 0;        // the latest timeout scheduled
};

// cron('<quartz>'): collects silently; each tick of the schedule (on the app
// clock) emits [EXPIRED previous batch (stamped with the tick), CURRENT batch],
// with no RESET: aggregates stay right by subtracting the expired batch.
class CronWindow final : public BatchWindowBase {
 public:
  using BatchWindowBase::BatchWindowBase;
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  void OnTimer(int64_t due) override;

 private:
  // Ticks that would find nothing held change nothing: the schedule is only
  // followed while something is held.
  void Arm();
  bool armed_ = false;
};

// batch([N]): the events sent together are a batch (cut into pieces of N).
class ChunkBatchWindow final : public BatchWindowBase {
 public:
  using BatchWindowBase::BatchWindowBase;
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
};

}  // namespace eddy::runtime
