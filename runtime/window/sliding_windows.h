// Sliding windows (LANGUAGE.md §7): length(N), time(T), timeLength(T, N),
// externalTime(attr, T), delay(T).
#pragma once

#include "runtime/window/window.h"

namespace eddy::runtime {

// length(N): the last N events; when full, the oldest leaves as the next arrives.
class LengthWindow final : public Window {
 public:
  LengthWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch), held_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {
    held_.AppendRuns(runs);
    return true;
  }

 private:
  RowQueue held_;
};

// time(T) and timeLength(T, N): events leave once ts + T <= clock (checked on
// arrival and by a timer at the oldest event's expiry), or, for timeLength, when
// N newer events exist.
class TimedSlidingWindow final : public Window {
 public:
  TimedSlidingWindow(const WindowConfig& c, const Schema* s, Scheduler* sch)
      : Window(c, s, sch), held_(s), timer_expired_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {
    held_.AppendRuns(runs);
    return true;
  }
  void OnTimer(int64_t due) override;

 private:
  void ExpireUpTo(int64_t t, EventChunk& out);
  void ArmTimer();
  RowQueue held_;
  bool timer_armed_ = false;
  EventChunk timer_expired_;  // lazy_timer_expiry_: expired by timers, not yet handed on
};

// externalTime(attr, T): time(T) driven by a long attribute, no timers.
class ExternalTimeWindow final : public Window {
 public:
  ExternalTimeWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch), held_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {
    held_.AppendRuns(runs);
    return true;
  }

 private:
  RowQueue held_;
};

// delay(T): re-emits each event as CURRENT once ts + T <= clock.
class DelayWindow final : public Window {
 public:
  DelayWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch), held_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {
    held_.AppendRuns(runs);
    return true;
  }
  void OnTimer(int64_t due) override;

 private:
  RowQueue held_;
  bool timer_armed_ = false;
};

}  // namespace eddy::runtime
