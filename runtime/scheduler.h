// The app clock and its timers.
//
// Operators that need to act at a time (windows expiring, batches closing,
// pattern deadlines, periodic triggers) schedule a Timer; operators own no
// threads. In playback the clock is the largest event timestamp seen; before an
// event at time t is processed, AdvanceTo(t) fires every timer due at or before t
// in (time, scheduling order), each with the clock set to its own due time, so
// the output never depends on how finely the clock is advanced (FORMAT.md).
//
// Timer groups: a Scheduler made from another (`Scheduler(root)`) shares the
// root's clock and queue and tags the timers scheduled through it with its own
// group, so that they can be cancelled together (CancelGroups) when what owns
// them goes away: a partition instance whose key is purged. Operators do not
// know which kind they were given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
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
  // A root: the app clock with its own queue (group 0).
  Scheduler();
  // A new timer group on `root`'s clock and queue. REQUIRES: root outlives this.
  explicit Scheduler(Scheduler& root);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  int64_t now() const { return core_->now; }
  uint64_t group() const { return group_; }

  // Sets the clock without firing anything (app start).
  void Reset(int64_t now) { core_->now = now; }

  // REQUIRES: `timer` stays alive until it fires, its group is cancelled or the
  // scheduler is destroyed.
  void Schedule(int64_t due, Timer* timer);

  // Fires due timers up to `until`, then sets the clock to max(now, until).
  // Timers scheduled while firing are honoured if due by `until`. Fires the
  // timers of every group.
  void AdvanceTo(int64_t until);

  // Drops every pending timer whose group `dead` says is gone; the others keep
  // their order. O(pending timers): for occasional use (partition purges).
  void CancelGroups(const std::function<bool(uint64_t group)>& dead);

  // Pending timers of every group.
  size_t pending() const { return core_->queue.size(); }

 private:
  struct Entry {
    int64_t due;
    uint64_t seq;
    Timer* timer;
    uint64_t group;
    bool operator>(const Entry& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };
  struct Core {
    std::vector<Entry> queue;  // a min-heap on (due, seq)
    uint64_t next_seq = 0;
    uint64_t next_group = 1;
    int64_t now = 0;
  };

  std::unique_ptr<Core> owned_;  // roots only
  Core* core_;
  uint64_t group_ = 0;
};

}  // namespace eddy::runtime
