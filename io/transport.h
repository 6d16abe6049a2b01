// Transports move payloads between the outside world and an app's streams:
// a Source delivers message payloads, a Sink publishes them. Mapping is not
// theirs (mapper.h); the runner (app_runner.h) joins the two.
//
// Threads: a Source calls its Deliver function from its own thread (a reader
// thread, or Paho's callback thread), one message at a time. Sink::Publish is
// called from whichever thread is sending events into the app (under the app's
// lock), so publishes to one sink are serialized.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/value.h"
#include "io/transport_spec.h"

namespace eddy::io {

// Counters a transport updates and /metrics shows.
struct TransportStats {
  std::atomic<uint64_t> messages{0};    // received (source) or published (sink)
  std::atomic<uint64_t> errors{0};      // mapping failures (source) or failed publishes (sink)
  std::atomic<uint64_t> dropped{0};     // sink: messages that could not be queued
  std::atomic<int64_t> queue_depth{0};  // sink: published, not yet acknowledged
  std::atomic<uint64_t> reconnects{0};  // mqtt: connections re-established
  std::atomic<bool> connected{false};   // mqtt: connected now; others: true once started
};

// A message: a text payload, or (inMemory with passThrough) an event's values.
struct Message {
  std::string_view payload;
  const std::vector<Value>* event = nullptr;
};

using DeliverFunction = std::function<void(const Message&)>;

// Where MQTT clients keep their persistent state (QoS 1 messages in flight).
struct TransportEnvironment {
  std::string app_name;
  std::string state_dir;
};

class Source {
 public:
  virtual ~Source() = default;
  // Starts delivering messages. Throws std::runtime_error when it cannot start
  // (a file that does not exist); broker outages are retried, not thrown.
  virtual void Start(DeliverFunction deliver) = 0;
  // Stops: after it returns, Deliver is not called any more.
  virtual void Stop() = 0;
  // True once the source can deliver nothing more (a file read to its end
  // without tailing, stdin at end of input).
  virtual bool finished() const { return false; }
  TransportStats& stats() { return stats_; }

 protected:
  TransportStats stats_;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Start() = 0;
  // `topic` is the rendered topic for MQTT, unused elsewhere.
  virtual void Publish(std::string_view topic, std::string_view payload) = 0;
  virtual void PublishEvent(std::string_view topic, const std::vector<Value>& event) {}
  // Waits up to `timeout` for published messages to be acknowledged.
  virtual void Flush(std::chrono::milliseconds timeout) {}
  virtual void Stop() = 0;
  TransportStats& stats() { return stats_; }

 protected:
  TransportStats stats_;
};

// REQUIRES: `spec` came from ReadTransports. Throws std::runtime_error.
std::unique_ptr<Source> MakeSource(const TransportSpec& spec, const TransportEnvironment& env, int index);
std::unique_ptr<Sink> MakeSink(const TransportSpec& spec, const TransportEnvironment& env, int index);

// Implemented in the transports' own files.
std::unique_ptr<Source> MakeMqttSource(const TransportSpec& spec, const TransportEnvironment& env, int index);
std::unique_ptr<Sink> MakeMqttSink(const TransportSpec& spec, const TransportEnvironment& env, int index);
std::unique_ptr<Source> MakeInMemorySource(const TransportSpec& spec);
std::unique_ptr<Sink> MakeInMemorySink(const TransportSpec& spec);

}  // namespace eddy::io
