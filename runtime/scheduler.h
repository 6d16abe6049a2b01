// The app clock and its timers.
//
// Operators that need to act at a time (windows expiring, batches closing,
// pattern deadlines, periodic triggers) schedule a Timer; operators own no
// threads. In playback the clock is the largest event timestamp seen; before an
// event at time t is processed, AdvanceTo(t) fires every timer due at or before t
// in (time, scheduling order), each with the clock set to its own due time, so
// the output never depends on how finely the clock is advanced (FORMAT.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

namespace eddy::runtime {

class Timer {
 public:
  virtual ~Timer() = default;
  // Called with the clock at `due`.
  virtual void OnTimer(int64_t due) = 0;
};

class Scheduler {
 public:
  int64_t now() const { return now_; }

  // Sets the clock without firing anything (app start).
  void Reset(int64_t now) { now_ = now; }

  // REQUIRES: `timer` stays alive until it fires or the scheduler is destroyed.
  void Schedule(int64_t due, Timer* timer);

  // Fires due timers up to `until`, then sets the clock to max(now, until).
  // Timers scheduled while firing are honoured if due by `until`.
  void AdvanceTo(int64_t until);

  size_t pending() const { return queue_.size(); }

 private:
  struct Entry {
    int64_t due;
    uint64_t seq;
    Timer* timer;
    bool operator>(const Entry& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  uint64_t next_seq_ = 0;
  int64_t now_ = 0;
};

}  // namespace eddy::runtime
