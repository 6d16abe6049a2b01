// The embeddable Eddy engine: compile a SiddhiQL app, subscribe to its streams,
// send events, drive its clock.
//
//   auto app = eddy::App::Compile(text, {.file_name = "alerts.siddhiql"});
//   app->Subscribe("Alerts", [](const eddy::EventBatchView& out) { ... });
//   eddy::InputHandle in = app->Input("Readings");
//   app->Start();
//   in.Send(1000, {eddy::Value::String("r1"), eddy::Value::Double(31.5)});
//   app->Shutdown();
//
// Threading: an App may be fed from several threads; calls into one App are
// serialized by an internal lock, and callbacks run on the sending thread while
// that lock is held (a callback must not call back into the same App).
// Ownership: App owns everything; InputHandle and EventBatch refer to their App and
// must not outlive it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/error.h"
#include "eddy/event.h"
#include "eddy/value.h"

namespace eddy {

class App;
namespace runtime {
class EventChunk;
class StreamJunction;
}  // namespace runtime

struct CompileOptions {
  std::string file_name = "app.siddhiql";  // used in error messages
  // Event time (@app:playback): the clock follows event timestamps and the
  // `AdvanceTime` calls, never the wall clock. Apps with @app:playback get it too.
  bool playback = false;
  // Pattern and sequence queries keep at most this many partial matches each;
  // beyond it the oldest are dropped (counted; the first drop is logged). A query
  // may set its own with @info(name='...', max.partial.matches='N').
  size_t max_partial_matches = 1'000'000;
};

struct AttributeInfo {
  std::string name;
  Type type;
};

// An annotation as written on a definition, e.g. @source(type='mqtt', @map(type='json')).
// The engine itself does not act on @source/@sink: io/ (and any embedder) reads
// them from here and reports problems at `location` (a CompileError).
struct AnnotationInfo {
  struct Element {
    std::string key;  // as written ("topic"); empty for a bare value
    std::string value;
    SourceLocation location;
  };
  std::string name;  // "source", "sink", "map", "attributes", "payload", "OnError", ...
  std::vector<Element> elements;
  std::vector<AnnotationInfo> nested;
  SourceLocation location;
};

struct StreamInfo {
  std::string name;
  std::vector<AttributeInfo> attributes;
  bool is_input = false;   // fed by no query: events come from outside
  bool is_output = false;  // some query inserts into it
  bool has_fault_stream = false;           // @OnError(action='STREAM'): `!name` exists
  std::vector<AnnotationInfo> annotations;  // the definition's annotations, in order
};

// The events one callback receives: one chunk of a stream's output, in order.
// Valid only during the callback.
class EventBatchView {
 public:
  explicit EventBatchView(const runtime::EventChunk& chunk) : chunk_(&chunk) {}
  uint32_t size() const;
  EventView operator[](uint32_t i) const;

 private:
  const runtime::EventChunk* chunk_;
};

using StreamCallback = std::function<void(const EventBatchView&)>;

// Upper bounds (seconds) of the buckets of QueryStats::latency_buckets: powers
// of 4 from 1 us to about 1 s; one more bucket counts what is beyond.
inline constexpr std::array<double, 11> kQueryLatencyBounds = {1e-6,      4e-6,      16e-6,    64e-6,
                                                              256e-6,    1.024e-3,  4.096e-3, 16.384e-3,
                                                              65.536e-3, 262.144e-3, 1.048576};

// How long one query spent on the chunks it received (App::EnableQueryStats).
// A query is charged its own work only: what it inserts into other streams is
// processed inside the call and charged to the queries that read them. Work
// a query does on its own timers (a time window expiring) is not counted.
struct QueryStats {
  std::string name;  // @info(name='...'), else query_1, query_2, ...; "window W" for a named window
  uint64_t chunks = 0;
  uint64_t events = 0;
  double seconds = 0;
  // Chunks by time taken; bucket i: at most kQueryLatencyBounds[i] (and more
  // than the bound before); the last bucket: more than every bound.
  std::array<uint64_t, kQueryLatencyBounds.size() + 1> latency_buckets{};
};

// Events built in place for one input stream, sent together as one chunk (as
// Siddhi's send(Event[])). Reusable: Clear() keeps the memory.
class EventBatch {
 public:
  ~EventBatch();
  EventBatch(EventBatch&&) noexcept;
  EventBatch& operator=(EventBatch&&) noexcept;

  // Starts a new event; its attributes are null until set.
  EventBatch& Add(int64_t timestamp);
  // Set attribute i of the last added event. REQUIRES: the attribute's type.
  EventBatch& SetInt(uint32_t i, int32_t v);
  EventBatch& SetLong(uint32_t i, int64_t v);
  EventBatch& SetFloat(uint32_t i, float v);
  EventBatch& SetDouble(uint32_t i, double v);
  EventBatch& SetBool(uint32_t i, bool v);
  EventBatch& SetString(uint32_t i, std::string_view v);
  EventBatch& SetNull(uint32_t i);
  // Sets object attribute i (a fault stream's `_error`) to an error whose text
  // form is `message`.
  EventBatch& SetError(uint32_t i, std::string_view message);
  // Sets attribute i from a Value, converting numbers to the declared type.
  // Throws UsageError when the value does not fit the type.
  EventBatch& Set(uint32_t i, const Value& v);

  uint32_t size() const;
  void Clear();

 private:
  friend class InputHandle;
  explicit EventBatch(std::unique_ptr<runtime::EventChunk> chunk);
  std::unique_ptr<runtime::EventChunk> chunk_;
};

// Sends events into one input stream of an App.
class InputHandle {
 public:
  const std::string& stream() const { return name_; }
  const std::vector<AttributeInfo>& attributes() const { return attributes_; }

  // One event. Throws UsageError on wrong arity or a value that does not fit.
  void Send(int64_t timestamp, std::span<const Value> values);
  void Send(int64_t timestamp, std::initializer_list<Value> values) {
    Send(timestamp, std::span<const Value>(values.begin(), values.size()));
  }
  // A batch built with NewBatch(), processed as one chunk (aggregates emit one
  // row per chunk, as for Siddhi's send(Event[])). The whole batch is processed at
  // its latest timestamp: timers due by then fire first. Send events one at a
  // time where timers must interleave with them. The batch is left as is.
  void Send(const EventBatch& batch);
  EventBatch NewBatch() const;

 private:
  friend class App;
  InputHandle(App* app, runtime::StreamJunction* junction, std::string name,
              std::vector<AttributeInfo> attributes);
  App* app_;
  runtime::StreamJunction* junction_;
  std::string name_;
  std::vector<AttributeInfo> attributes_;
};

class App {
 public:
  // Parses, checks and plans `source`. Throws CompileError (with file:line:col).
  static std::unique_ptr<App> Compile(std::string_view source, const CompileOptions& options = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  const std::string& name() const;
  bool playback() const;
  std::vector<StreamInfo> streams() const;

  // Throws UsageError when the stream does not exist or is not an input.
  InputHandle Input(std::string_view stream);
  // The fault stream `!stream` of a stream with @OnError(action='STREAM'): a source
  // that cannot map a message sends what it has there, with `_error` (the last
  // attribute) set by EventBatch::SetError. Throws UsageError when there is none.
  InputHandle FaultInput(std::string_view stream);
  // Registers a callback for every chunk arriving at `stream` (any stream). It
  // runs after the queries that read the stream have processed the chunk (as
  // in Siddhi), so what they derive into other streams arrives first.
  void Subscribe(std::string_view stream, StreamCallback callback);

  // Starts the clock (playback: at `start_time`, or at the first event's time when
  // omitted; live: now) and fires `at 'start'` triggers.
  void Start(std::optional<int64_t> start_time = std::nullopt);
  // Playback: moves the clock to `timestamp` (never backwards), firing due timers.
  // Live: moves the clock to the wall clock (the argument is ignored).
  void AdvanceTime(int64_t timestamp);
  // Live: moves the clock to the wall clock and fires due timers, so that time
  // windows, rate limits and triggers fire while no events arrive; a run loop
  // calls it periodically. Starts the app if it was not started. Playback: no-op.
  // After Shutdown: no-op.
  void Tick();
  // Stops timers; further sends throw UsageError.
  void Shutdown();

  int64_t now() const;

  // Starts timing each query's processing of the chunks it receives: two clock
  // reads per chunk and query, none per event; off by default. Idempotent.
  void EnableQueryStats();
  // One entry per query, in app order; empty until EnableQueryStats(). May be
  // called from any thread while events are sent (it does not take the app's
  // lock; each counter is exact, they may be from slightly different moments).
  std::vector<QueryStats> query_stats() const;

  // The operator plan, one line per operator, for `eddy explain`.
  std::string Explain() const;

  class Impl;

 private:
  friend class InputHandle;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "0.1.0"
std::string_view Version();

}  // namespace eddy
