// A stream inside a running app: its schema and everything subscribed to it.
//
// Publishing hands the chunk first to the callbacks (embedders, replay output),
// then to each query in app order, synchronously and depth-first (LANGUAGE.md §5):
// everything a query inserts downstream is processed before the next query sees
// the chunk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/event_chunk.h"
#include "runtime/processor.h"
#include "runtime/query_timing.h"

namespace eddy::runtime {

class StreamJunction {
 public:
  using Callback = std::function<void(const EventChunk&)>;

  StreamJunction(std::string name, Schema schema)
      : name_(std::move(name)), owned_schema_(std::make_unique<Schema>(std::move(schema))),
        schema_(owned_schema_.get()) {}
  // A junction over a schema someone else keeps (a partition instance's own
  // streams share their schema). REQUIRES: `schema` outlives the junction.
  StreamJunction(std::string name, const Schema* schema) : name_(std::move(name)), schema_(schema) {}

  const std::string& name() const { return name_; }
  // Stable for the junction's lifetime (chunks point at it).
  const Schema& schema() const { return *schema_; }

  // REQUIRES: `processor` outlives the junction.
  void Subscribe(Processor* processor) { subscriptions_.push_back({processor, kNoQuery}); }
  void AddCallback(Callback callback) { callbacks_.push_back(std::move(callback)); }

  // Which query each subscription belongs to (AppRuntime::AddQuery claims the
  // subscriptions made since the previous query), and where to charge their
  // time; null (the default) times nothing.
  void ClaimSubscriptions(uint32_t query);
  void set_timing(QueryTiming* timing) { timing_ = timing; }

  // REQUIRES: chunk.schema() has this junction's attribute types.
  void Publish(const EventChunk& chunk);
  // Hands `rows` of `chunk` to the subscribed processors (not the callbacks): a
  // partition instance's share of a chunk. REQUIRES: as Publish; rows not empty.
  void Deliver(const EventChunk& chunk, std::span<const uint32_t> rows);

  uint64_t events_published() const { return events_published_; }

 private:
  std::string name_;
  std::unique_ptr<Schema> owned_schema_;  // null when borrowed
  const Schema* schema_;
  static constexpr uint32_t kNoQuery = UINT32_MAX;
  struct Subscription {
    Processor* processor;
    uint32_t query;
  };
  std::vector<Subscription> subscriptions_;
  std::vector<Callback> callbacks_;
  QueryTiming* timing_ = nullptr;
  uint64_t events_published_ = 0;
};

}  // namespace eddy::runtime
