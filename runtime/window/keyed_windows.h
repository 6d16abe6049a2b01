// Windows that hold events by key or order rather than by arrival:
// sort(N, keys...), frequent(N[, attrs]), session(gap[, key]).
#pragma once

#include <list>
#include <memory>
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

// The key frequent and lossyFrequent count by: the Java text forms of the listed
// attributes (else all), concatenated, as the reference builds it. Written into
// `key` (cleared first) so that a reused string costs no allocation per event.
void FrequencyKey(const EventChunk& chunk, uint32_t row, const std::vector<int32_t>& attrs, std::string& key);

// What frequent and lossyFrequent keep: per key a count, a bucket (lossy
// counting) and the key's latest event; keys iterate in the reference's
// hash-map order, which decides the order of evictions.
class CountedKeys {
 public:
  struct Entry {
    int64_t count = 0;
    int64_t bucket = 0;
    uint32_t slot = 0;  // the key's latest event
  };
  explicit CountedKeys(const Schema* schema) : store_(schema) {}

  size_t size() const { return entries_.size(); }
  Entry* Find(const std::string& key);
  // Makes `chunk` row `row` the latest event of `key`, adding the key if new.
  Entry& Store(const std::string& key, const EventChunk& chunk, uint32_t row);
  // Emits the key's latest event EXPIRED at `now` and forgets the key.
  void Evict(const std::string& key, int64_t now, EventChunk& out);
  std::vector<std::string> Keys() const { return order_.Keys(); }
  void AppendContents(std::vector<RowRun>& runs) const;

 private:
  RowSlots store_;
  std::unordered_map<std::string, Entry> entries_;
  JavaMapOrder order_;
};

// frequent(N[, attrs...]): Misra-Gries over the key (the listed attributes, else
// all): a known key counts up, a new key is admitted while there is room, and a
// new key when full decrements every count, expiring the keys that reach zero.
class FrequentWindow final : public Window {
 public:
  FrequentWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch), keys_(s) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {  // each key's latest event
    keys_.AppendContents(runs);
    return true;
  }

 private:
  CountedKeys keys_;
  std::string key_;  // scratch
};

// lossyFrequent(support[, error][, attrs...]): lossy counting over buckets of
// ceil(1/error) events. An arrival passes when its key's count reaches
// (support - error) x events seen; at each bucket end, keys with count + bucket
// <= the current bucket are forgotten and their latest event is emitted EXPIRED.
class LossyFrequentWindow final : public Window {
 public:
  LossyFrequentWindow(const WindowConfig& c, const Schema* s, Scheduler* sch);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  bool AppendContents(std::vector<RowRun>& runs) const override {  // each key's latest event
    keys_.AppendContents(runs);
    return true;
  }

 private:
  CountedKeys keys_;  // bucket: the bucket before the key's first event
  double width_;      // events per bucket
  int64_t total_ = 0;
  int64_t bucket_ = 1;
  std::string key_;  // scratch
};

// session(gap[, key][, allowed.latency]): events pass at once; a key's session
// closes when the clock reaches its last event + gap, and its events are then
// emitted EXPIRED with their own timestamps (after the chunk's CURRENT events).
// A late event (before the session's start) joins when within `gap` of the
// start, and is dropped otherwise (not even passed on). With allowed.latency a
// closed session is kept that much longer as the key's previous session: late
// events may still join it, and it merges with the current session once they
// bring the two within `gap` of each other.
class SessionWindow final : public Window {
 public:
  SessionWindow(const WindowConfig& c, const Schema* s, Scheduler* sch) : Window(c, s, sch) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  // Each key's previous and current session, keys in opening order.
  bool AppendContents(std::vector<RowRun>& runs) const override;
  void OnTimer(int64_t due) override;

 private:
  struct Session {
    explicit Session(const Schema* schema) : events(schema) {}
    bool empty() const { return events.empty(); }
    int64_t start = 0;
    int64_t end = 0;    // last event + gap
    int64_t alive = 0;  // end + allowed latency
    RowQueue events;    // in time order (late events go first)
  };
  struct Key {
    Key(std::string k, const Schema* schema, uint64_t order)
        : key(std::move(k)), current(schema), previous(schema), opened(order) {}
    std::string key;
    Session current;
    Session previous;  // allowed latency only: the closed session still open to late events
    uint64_t opened;   // tie-break between sessions that close together
  };

  // Handles one arrival; false when the event is too late and is dropped.
  bool Admit(Key& k, const EventChunk& chunk, uint32_t row, int64_t ts, EventChunk& expired);
  void Open(Session& s, const EventChunk& chunk, uint32_t row, int64_t ts);
  void SetTimes(Session& s, int64_t start, int64_t last);
  // Moves `from` into an empty `to`.
  static void MoveSession(Session& from, Session& to);
  // The previous session joins the current one when they are within the gap.
  void MergeIfClose(Key& k);
  static void Expire(Session& s, EventChunk& out);

  int64_t gap() const { return config_.time_ms; }
  int64_t latency() const { return config_.allowed_latency_ms; }

  std::unordered_map<std::string, std::unique_ptr<Key>> keys_;
  uint64_t next_order_ = 0;
  std::string key_;  // scratch: an event's key, built without allocating once it has grown
};

}  // namespace eddy::runtime
