// The entry points of a partition (LANGUAGE.md §13), subscribed to the app's
// streams in the partition's place in the app:
//  - ValuePartitionRouter (`expr of S`): evaluates the key for the whole chunk
//    at once, looks each key up (its instance is made on first sight; a null
//    key drops the event) and hands each instance its events in arrival order.
//    As in the reference engine, a run of consecutive events with the same key
//    goes to its instance as one chunk.
//  - RangePartitionRouter (`c1 as 'a' or c2 as 'b' of S`): each event goes, on
//    its own, to the instance of every label whose condition holds, in label
//    order; an event no condition holds for is dropped.
//  - PartitionBroadcast: a stream the partition reads without a key goes to
//    every instance that exists, in creation order.
// A share of a chunk is copied into a chunk of its own unless it is the whole
// chunk (the instance's operators evaluate whole chunks).
//
// Borrow the partition. Not thread-safe; re-entrant through cycles of queries.
#pragma once

#include <string>
#include <vector>

#include "runtime/expr/evaluator.h"
#include "runtime/partition/partition.h"
#include "runtime/processor.h"

namespace eddy::runtime {

class ValuePartitionRouter final : public Processor {
 public:
  // key: over the stream's chunks, of the partition's key type. REQUIRES:
  // partition and clock outlive the router; `port` is the stream's port.
  ValuePartitionRouter(Partition* partition, uint32_t port, EvaluatorPtr key, const Scheduler* clock,
                       std::string description);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "PartitionRouter " + description_; }

 private:
  struct Scratch {
    std::vector<uint32_t> key_ids;  // per row of the run being formed, or kNoKey
    std::vector<uint32_t> rows;
    std::unique_ptr<EventChunk> share;
  };
  Partition* partition_;
  uint32_t port_;
  EvaluatorPtr key_;
  const Scheduler* clock_;
  std::string description_;
  ReentrantScratch<Scratch> scratch_;
};

class RangePartitionRouter final : public Processor {
 public:
  // conditions[i] (bool, over the stream's chunks) selects labels[i].
  RangePartitionRouter(Partition* partition, uint32_t port, std::vector<EvaluatorPtr> conditions,
                       std::vector<std::string> labels, const Scheduler* clock, std::string description);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "PartitionRouter " + description_; }

 private:
  struct Scratch {
    std::vector<ColumnView> holds;
    std::vector<uint32_t> targets;
    std::unique_ptr<EventChunk> share;
  };
  Partition* partition_;
  uint32_t port_;
  std::vector<EvaluatorPtr> conditions_;
  EventChunk labels_;  // row i: label i as a key
  const Scheduler* clock_;
  std::string description_;
  ReentrantScratch<Scratch> scratch_;
};

class PartitionBroadcast final : public Processor {
 public:
  PartitionBroadcast(Partition* partition, uint32_t port, std::string stream)
      : partition_(partition), port_(port), stream_(std::move(stream)) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "PartitionBroadcast " + stream_ + " (to every instance)"; }

 private:
  Partition* partition_;
  uint32_t port_;
  std::string stream_;
};

}  // namespace eddy::runtime
