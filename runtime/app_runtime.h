// A running app: its streams, query chains, triggers and clock. Built by the
// planner, driven by the engine (include/eddy/engine.h), which serializes calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/processor.h"
#include "runtime/query_timing.h"
#include "runtime/scheduler.h"
#include "runtime/stream_junction.h"
#include "runtime/trigger.h"

namespace eddy::runtime {

struct StreamRole {
  bool fed_by_query = false;  // some query inserts into it
  bool trigger = false;       // a trigger's stream
  bool fault = false;         // a fault stream !S
  bool internal = false;      // made by the planner (anonymous inner queries)
};

// What `eddy explain` prints for one query.
struct QueryDescription {
  std::string name;
  std::string input;
  std::vector<const Processor*> chain;  // head first
};

class AppRuntime {
 public:
  explicit AppRuntime(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool playback = false;

  // ---- building (planner)
  StreamJunction* AddStream(const std::string& name, Schema schema);
  StreamJunction* FindStream(std::string_view name) const;
  StreamRole& role(const std::string& stream) { return roles_[stream]; }
  const StreamRole* FindRole(std::string_view stream) const;
  // Streams in definition order.
  const std::vector<StreamJunction*>& streams() const { return stream_order_; }

  template <typename P>
  P* Own(std::unique_ptr<P> processor) {
    P* raw = processor.get();
    processors_.push_back(std::move(processor));
    return raw;
  }
  const Schema* OwnSchema(Schema schema);
  void AddTrigger(StreamJunction* stream, int64_t period_ms, std::optional<CronSchedule> cron = std::nullopt);
  // Called with the start time when the app starts, before triggers fire
  // (pattern automata arm their first states).
  void AddStartHook(std::function<void(int64_t now)> hook) { start_hooks_.push_back(std::move(hook)); }
  // REQUIRES: the query's subscriptions to its input streams are made before
  // (they are claimed for it: that is how its processing time is found).
  void AddQuery(QueryDescription description);
  const std::vector<QueryDescription>& queries() const { return queries_; }

  // ---- running (engine)
  Scheduler& scheduler() { return scheduler_; }
  const Scheduler& scheduler() const { return scheduler_; }
  void Start(int64_t now);
  bool started() const { return started_; }
  // Fires timers due by `timestamp` and advances the clock.
  void AdvanceTo(int64_t timestamp) { scheduler_.AdvanceTo(timestamp); }
  // Processes a chunk of input events for `stream` (clock already advanced).
  void Send(StreamJunction* stream, const EventChunk& chunk) { stream->Publish(chunk); }
  // Starts timing every query (query_timing.h); idempotent. Indexes follow queries().
  void EnableQueryTiming();
  // Null until EnableQueryTiming().
  const QueryTiming* query_timing() const { return query_timing_.get(); }

  std::string Explain() const;

 private:
  // Declaration order is destruction order in reverse: schemas and streams
  // outlive the operators whose chunks point at them.
  std::string name_;
  std::vector<std::unique_ptr<Schema>> schemas_;
  std::map<std::string, std::unique_ptr<StreamJunction>, std::less<>> streams_;
  std::vector<StreamJunction*> stream_order_;
  std::map<std::string, StreamRole, std::less<>> roles_;
  std::vector<std::unique_ptr<Processor>> processors_;
  std::vector<std::unique_ptr<Trigger>> triggers_;
  std::vector<std::function<void(int64_t)>> start_hooks_;
  std::vector<QueryDescription> queries_;
  std::unique_ptr<QueryTiming> query_timing_;
  Scheduler scheduler_;
  bool started_ = false;
};

}  // namespace eddy::runtime
