// Windows (LANGUAGE.md §7): processors that hold events and emit them again as
// EXPIRED (sliding windows) or in flushes [EXPIRED previous batch, RESET, CURRENT
// batch] (batch windows). Timed windows schedule Timers; a timer fires with the
// clock at its own due time. All state lives in the window object, so a
// partition can make one window per key with MakeWindow.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/cron.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"
#include "runtime/window/row_queue.h"

namespace eddy::runtime {

// The boundaries of a timeBatch window in a partition are one schedule for
// all keys of the query (LANGUAGE.md §7): the first key's window to start sets
// it, the others follow it as if it were their start.time. Kept by the planner.
struct SharedBatchSchedule {
  std::optional<int64_t> start;
};

// The validated parameters of one window, from the planner's window catalog.
struct WindowConfig {
  enum class Kind {
    kLength, kLengthBatch, kTime, kTimeBatch, kTimeLength, kExternalTime, kBatch, kDelay, kSort,
    kFrequent, kSession, kExternalTimeBatch, kLossyFrequent, kCron
  };
  Kind kind = Kind::kLength;
  std::string text;  // for explain, e.g. "length(5)"
  int64_t length = 0;
  int64_t time_ms = 0;
  std::optional<int64_t> start_time;
  int64_t timeout_ms = 0;              // externalTimeBatch (0: none)
  bool replace_with_batch_time = false;  // externalTimeBatch
  int32_t start_time_attr = -1;  // externalTimeBatch start.time as an attribute
  bool stream_current_event = false;
  int32_t timestamp_attr = -1;
  std::vector<std::pair<int32_t, bool>> sort_keys;  // attribute, descending
  std::vector<int32_t> key_attrs;                   // frequent
  int32_t key_attr = -1;                            // session key (string)
  int64_t allowed_latency_ms = 0;                   // session
  double support = 0;                               // lossyFrequent
  double error = 0;                                 // lossyFrequent
  std::optional<CronSchedule> cron;                 // cron
  SharedBatchSchedule* shared_schedule = nullptr;   // timeBatch in a partition
};

// Shared plumbing: the clock, an output chunk per nesting depth, and emitting.
class Window : public Processor, public Timer, public RowSource {
 public:
  Window(const WindowConfig& config, const Schema* schema, Scheduler* scheduler)
      : config_(config),
        schema_(schema),
        scheduler_(scheduler),
        output_([schema] { return std::make_unique<EventChunk>(schema); }) {}
  std::string Describe() const override { return "Window " + config_.text; }
  void OnTimer(int64_t) override {}

  // Set by the planner when the window feeds a selector that outputs only current
  // events: events a timer expires then change nothing anyone sees until the next
  // arrival, so a window may hand them over in front of that arrival's chunk
  // instead of as a chunk of their own (same results, one chunk instead of one
  // per expiring timestamp).
  void set_lazy_timer_expiry(bool lazy) { lazy_timer_expiry_ = lazy; }

  // What the window holds now, for a join to search (LANGUAGE.md §10): the
  // events it has emitted as CURRENT and not yet as EXPIRED (a batch window's
  // last flushed batch; delay: the events still delayed), appended to `runs` as
  // runs of rows read in place, oldest first where the window keeps an order.
  // Valid until the window next processes an event or a timer. Returns false
  // for windows that cannot be searched.
  bool AppendContents(std::vector<RowRun>& /*runs*/) const override { return false; }

 protected:
  int64_t now() const { return scheduler_->now(); }
  void Emit(EventChunk& chunk) {
    if (chunk.empty() || next_ == nullptr) return;
    next_->Process(chunk, std::span<const uint32_t>(IdentityRows(chunk.size()), chunk.size()));
  }
  static void AppendReset(EventChunk& out, int64_t ts) { out.Append(ts, EventKind::kReset); }
  // A window of length 0 holds nothing: the event passes, expires at once
  // (stamped with the clock) and, where `reset`, resets the aggregates.
  void PassThrough(const EventChunk& chunk, uint32_t row, EventChunk& out, bool reset) const {
    out.AppendCopy(chunk, row, EventKind::kCurrent);
    out.AppendCopy(chunk, row, EventKind::kExpired);
    out.set_timestamp(out.size() - 1, now());
    if (reset) AppendReset(out, now());
  }

  WindowConfig config_;
  bool lazy_timer_expiry_ = false;
  const Schema* schema_;
  Scheduler* scheduler_;
  ReentrantScratch<EventChunk> output_;
};

// REQUIRES: schema and scheduler outlive the window.
std::unique_ptr<Window> MakeWindow(const WindowConfig& config, const Schema* schema, Scheduler* scheduler);

}  // namespace eddy::runtime
