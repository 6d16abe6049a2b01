// Runs one compiled app live: builds its sources and sinks from the @source /
// @sink annotations, maps each message into events and sends them in, maps
// what the app emits out to the sinks, routes bad messages to the fault stream
// (@OnError(action='STREAM')) or the log, and keeps the counters /metrics shows.
//
// Lifecycle: construct (compiles and checks everything; throws CompileError),
// Start() (sinks, then sources; throws std::runtime_error when a transport
// cannot start), Tick() periodically (the live clock), Stop() (sources first,
// then the clock's last tick, then sinks are flushed and closed).
// Threads: sources deliver on their own threads; the App serializes them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "eddy/engine.h"
#include "io/metrics.h"
#include "io/transport_spec.h"

namespace eddy::io {

struct RunOptions {
  Overrides overrides;
  std::string state_dir = ".eddy-state";       // MQTT clients' persistent state
  uint64_t log_every = 1000;                   // bad messages: log 1 in N
  std::chrono::milliseconds flush_timeout{10000};
  bool query_stats = false;                    // time each query (App::EnableQueryStats) for /metrics
};

// Checks the app's transports and mappers as `eddy run` would build them,
// without connecting anything. Throws CompileError.
void CheckTransports(const App& app, const Overrides& overrides);

class AppRunner {
 public:
  AppRunner(std::string file_name, std::string_view source_text, const RunOptions& options);
  ~AppRunner();
  AppRunner(const AppRunner&) = delete;
  AppRunner& operator=(const AppRunner&) = delete;

  void Start();
  void Tick();
  void Stop();

  App& app() { return *app_; }
  const std::string& file_name() const { return file_name_; }
  bool has_sources() const;
  // Every source has finished (files read, stdin closed); false without sources.
  bool finished() const;
  // Every MQTT transport is connected.
  bool connected() const;

  void WriteMetrics(MetricsWriter& out) const;
  // {"name":..., "file":..., "sources":[...], "sinks":[...]} for /apps.
  std::string DescribeJson() const;

 private:
  struct SourceBinding;
  struct SinkBinding;

  std::string file_name_;
  RunOptions options_;
  std::unique_ptr<App> app_;
  std::vector<std::unique_ptr<SourceBinding>> sources_;
  std::vector<std::unique_ptr<SinkBinding>> sinks_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace eddy::io
