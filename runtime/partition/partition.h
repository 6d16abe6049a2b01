// A partition at run time (LANGUAGE.md §13): the table from partition keys to
// their instances. An instance (PartitionInstance) is made on its key's first
// event and holds its own copy of all state of the partition's queries; with
// @purge, the instances of keys idle for longer than the idle period are
// dropped on a periodic check.
//
// Keys are single values of `key_schema`'s one type, compared by value in a
// hash table (GroupTable); the planner converts every key expression to that
// type (strings, longs, bools, or the value's text). Routers
// (partition_router.h) look keys up and feed the instances; instances are
// listed in creation order for broadcasts.
//
// Purge runs on the app clock (event time in replay, so it is deterministic;
// Siddhi runs it on the wall clock): checks at anchor + k·interval, anchored at
// the clock of the first instance, only while some instance could be due.
// Purging an instance cancels its pending timers with it.
//
// Owns the spec (its queries' factories), the instances and an instance made
// once for `eddy explain` (never fed). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/build_target.h"
#include "runtime/expr/evaluator.h"
#include "runtime/operator/group_table.h"
#include "runtime/partition/partition_instance.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

// A stream of the partition: a keyed or broadcast input, or an inner stream.
// The planner resolved the queries' streams to `prototype` (its name and
// schema); each instance has a junction of its own in its place.
struct PartitionPort {
  std::unique_ptr<StreamJunction> prototype;
};

struct PurgeSpec {
  int64_t interval_ms = 0;  // time between checks
  int64_t idle_ms = 0;      // a key idle for longer than this is dropped
};

struct PartitionSpec {
  std::string name;                    // "partition 1", for explain
  std::string description;             // "partition with (symbol of S)", for explain
  const Schema* key_schema = nullptr;  // one attribute: the type of every key
  std::vector<PartitionPort> ports;
  std::vector<std::unique_ptr<InstanceFactory>> queries;  // built in this order
  std::optional<PurgeSpec> purge;
};

class Partition final : public Timer {
 public:
  // REQUIRES: root outlives the partition.
  Partition(PartitionSpec spec, Scheduler* root);
  ~Partition() override;
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  const PartitionSpec& spec() const { return spec_; }

  // The id of the key at row `row` of `key` (a column of key_schema's type,
  // not null there), added if new. Ids are dense and reused after a purge.
  uint32_t KeyId(const ColumnView& key, uint32_t row) { return keys_.FindOrAdd({&key, 1}, row); }
  // Key `id`'s instance, made and started if it has none yet; it has now seen
  // an event of its key.
  PartitionInstance& Instance(uint32_t key_id) {
    if (key_id < by_key_.size() && by_key_[key_id] != nullptr) {
      by_key_[key_id]->last_event = root_->now();
      return *by_key_[key_id];
    }
    return Create(key_id);
  }

  // Instances in creation order (broadcasts go to every one).
  size_t instance_count() const { return live_.size(); }
  PartitionInstance& instance_at(size_t i) { return *live_[i].instance; }

  // Builds the instance `eddy explain` describes, into `explain`.
  void BuildPrototype(BuildTarget& explain);

  // The purge check.
  void OnTimer(int64_t due) override;
  uint64_t purged() const { return purged_; }

 private:
  struct Live {
    PartitionInstance* instance;
    uint32_t key_id;
  };
  PartitionInstance& Create(uint32_t key_id);
  // Schedules the next check at which some instance can be idle long enough.
  void ArmPurge();

  PartitionSpec spec_;
  Scheduler* root_;
  GroupTable keys_;
  std::vector<std::unique_ptr<PartitionInstance>> by_key_;  // by key id; null: none
  std::vector<Live> live_;                                  // in creation order
  std::unique_ptr<PartitionInstance> prototype_;
  bool purge_armed_ = false;
  std::optional<int64_t> purge_anchor_;
  uint64_t purged_ = 0;
};

}  // namespace eddy::runtime
