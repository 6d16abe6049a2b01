// Windows that hold events by key or order rather than by arrival:
// sort(N, keys...), frequent(N[, attrs]), session(gap[, key]).
#pragma once

#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/window/java_map_order.h"
#include "runtime/window/window.h"

namespace eddy::runtime {

// Rows kept in an EventChunk by slot number, reused once freed. For windows that
// remove events out of arrival order.
class RowSlots {
 public:
  explicit RowSlots(const Schema* schema) : rows_(schema) {}
  uint32_t Store(const EventChunk& chunk, uint32_t row);
  void Free(uint32_t slot);
  const EventChunk& rows() const { return rows_; }
  // Appends the stored row in `slot` as a run of one.
  void AppendRun(uint32_t slot, std::vector<RowRun>& runs) const {
    runs.push_back({rows_.row(slot), rows_.nulls(slot), 1});
  }

 private:
  EventChunk rows_;
  std::vector<uint32_t> free_;
};

// sort(N, attr ['asc'|'desc'], ...): keeps the first N events in sort order; the
// (N+1)th event makes the last one in order leave, emitted after the arrival.
class SortWindow final : public Window {
 public:
  SortWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch), store_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {  // in sort order
    for (uint32_t slot : held_) store_.AppendRun(slot, runs);
    return true;
  }

 private:
  bool Before(uint32_t a, uint32_t b) const;
  RowSlots store_;
  std::vector<uint32_t> held_;  // slots, in sort order (ties: arrival order)
};

// frequent(N[, attrs...]): Misra-Gries over the key (the listed attributes, else
// all): a known key counts up, a new key is admitted while there is room, and a
// new key when full decrements every count, expiring the keys that reach zero.
class FrequentWindow final : public Window {
 public:
  FrequentWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch), store_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {  // each key's latest event
    for (const auto& [key, entry] : entries_) store_.AppendRun(entry.slot, runs);
    return true;
  }

 private:
  struct Entry {
    int64_t count;
    uint32_t slot;  // the key's latest event
  };
  std::string KeyOf(const EventChunk& chunk, uint32_t row) const;
  RowSlots store_;
  std::unordered_map<std::string, Entry> entries_;
  JavaMapOrder order_;  // the keys, in the reference's iteration order
};

// session(gap[, key]): events pass at once; a key's session closes when the clock
// reaches its last event + gap, and its events are then emitted EXPIRED with their
// own timestamps.
class SessionWindow final : public Window {
 public:
  SessionWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {  // sessions in opening order
    for (const auto& [key, session] : sessions_) session.events.AppendRuns(runs);
    return true;
  }
  void OnTimer(int64_t due) override;

 private:
  struct Session {
    explicit Session(const Schema* schema) : events(schema) {}
    int64_t start = 0;
    int64_t last = 0;
    RowQueue events;
  };
  std::list<std::pair<std::string, Session>> sessions_;  // in opening order
  std::unordered_map<std::string, std::list<std::pair<std::string, Session>>::iterator> by_key_;
};

}  // namespace eddy::runtime
