// One partition key's copy of a partition's queries (LANGUAGE.md §13): its
// processors, with state of their own (windows, aggregates, pattern partial
// matches, rate limiters, join sides), its own copy of the partition's streams
// and its own timer group. Built by the partition's InstanceFactories through
// the BuildTarget interface.
//
// Ports: the partition's streams, numbered by the partition (PartitionSpec::
// ports). The planner resolved the queries' streams to the ports' prototype
// junctions; Resolve maps each to this instance's own junction. Keyed and
// broadcast ports are fed by the partition's routers (Deliver), inner streams
// (`#Name`) by the instance's own queries.
//
// Owned by its Partition. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "runtime/build_target.h"

namespace eddy::runtime {

struct PartitionSpec;

class PartitionInstance final : public BuildTarget {
 public:
  // Builds every query of `spec` with a new timer group of `root`. A prototype
  // (made once, for `eddy explain`) hands its query descriptions to `explain`
  // and is never fed or started. REQUIRES: spec and root outlive the instance.
  PartitionInstance(const PartitionSpec& spec, Scheduler& root, BuildTarget* explain = nullptr);
  ~PartitionInstance() override;

  // Runs the start hooks (pattern absences start waiting from `now`).
  void Start(int64_t now);

  StreamJunction& port(uint32_t i) { return *ports_[i]; }
  uint64_t timer_group() const { return timers_.group(); }

  // The clock when the instance last received an event of its key (purge).
  int64_t last_event = 0;

  // BuildTarget
  Scheduler* clock() override { return &timers_; }
  Processor* AddProcessor(std::unique_ptr<Processor> processor) override;
  StreamJunction* Resolve(StreamJunction* planned) override;
  void OnStart(std::function<void(int64_t now)> hook) override { start_hooks_.push_back(std::move(hook)); }
  void Describe(QueryDescription description) override;

 private:
  const PartitionSpec& spec_;
  Scheduler timers_;
  BuildTarget* explain_;
  std::vector<std::unique_ptr<StreamJunction>> ports_;
  std::vector<std::unique_ptr<Processor>> processors_;
  std::vector<std::function<void(int64_t)>> start_hooks_;
};

}  // namespace eddy::runtime
