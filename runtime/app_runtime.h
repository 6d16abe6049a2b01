// A running app: its streams, query chains, triggers and clock. Built by the
// planner, driven by the engine (include/eddy/engine.h), which serializes calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/build_target.h"
#include "runtime/processor.h"
#include "runtime/query_timing.h"
#include "runtime/scheduler.h"
#include "runtime/stream_junction.h"
#include "runtime/table/table.h"
#include "runtime/trigger.h"

namespace eddy::runtime {

class Partition;

struct StreamRole {
  bool fed_by_query = false;  // some query inserts into it
  bool trigger = false;       // a trigger's stream
  bool fault = false;         // a fault stream !S
  bool internal = false;      // made by the planner (anonymous inner queries)
};

// Builds the app's top-level queries (BuildTarget) and keeps what they share.
class AppRuntime final : public BuildTarget {
 public:
  explicit AppRuntime(std::string name);
  ~AppRuntime() override;

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
  // Keeps a top-level query's factory: its built processors borrow from it.
  void Keep(std::unique_ptr<InstanceFactory> factory) { factories_.push_back(std::move(factory)); }
  Partition* AddPartition(std::unique_ptr<Partition> partition);
  Table* AddTable(std::unique_ptr<Table> table) {
    tables_.push_back(std::move(table));
    return tables_.back().get();
  }

  // BuildTarget: the app's own streams; start hooks run at Start, before
  // triggers fire (pattern automata arm their first states).
  Scheduler* clock() override { return &scheduler_; }
  Processor* AddProcessor(std::unique_ptr<Processor> processor) override { return Own(std::move(processor)); }
  StreamJunction* Resolve(StreamJunction* planned) override { return planned; }
  void OnStart(std::function<void(int64_t now)> hook) override { start_hooks_.push_back(std::move(hook)); }
  // Records a query for `eddy explain` and claims for it the subscriptions
  // made since the previous one (that is how its processing time is found).
  void Describe(QueryDescription description) override;
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
  std::vector<std::unique_ptr<InstanceFactory>> factories_;
  std::vector<std::unique_ptr<Table>> tables_;  // declared before the processors that point at them
  std::vector<std::unique_ptr<Processor>> processors_;
  std::vector<std::unique_ptr<Trigger>> triggers_;
  std::vector<std::function<void(int64_t)>> start_hooks_;
  std::vector<QueryDescription> queries_;
  // After the processors: partition instances publish into the app's streams
  // and are destroyed first.
  std::vector<std::unique_ptr<Partition>> partitions_;
  std::unique_ptr<QueryTiming> query_timing_;
  Scheduler scheduler_;
  bool started_ = false;
};

}  // namespace eddy::runtime
