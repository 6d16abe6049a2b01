// `eddy run`: runs apps live until SIGINT/SIGTERM (or until every source has
// finished), with an optional HTTP control endpoint. The CLI parses arguments
// into RunConfig and calls Run().
//
// Config file (JSON; command-line flags win):
//   {"set": {"mqtt.url": "tcp://broker:1883", "mqtt.password": "${MQTT_PASSWORD}"},
//    "http": "127.0.0.1:9464", "log_level": "info", "state_dir": "/var/lib/eddy",
//    "log_every": 1000}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/app_runner.h"

namespace eddy::io {

// Exit codes of `eddy run`.
inline constexpr int kRunOk = 0;            // stopped by a signal, or every source finished
inline constexpr int kRunCompileError = 2;  // an app or its annotations are wrong
inline constexpr int kRunUsage = 64;
inline constexpr int kRunNoInput = 66;      // an app file cannot be read
inline constexpr int kRunUnavailable = 69;  // a transport or the HTTP endpoint cannot start
inline constexpr int kRunConfigError = 78;  // the config file or an override is wrong

struct RunConfig {
  std::vector<std::string> apps;
  RunOptions options;
  std::string http;  // "" = off
  std::string log_level = "info";
  int tick_ms = 10;
};

// Merges a JSON config file into `config` (fields already set from the command
// line are kept when `keep` lists them). Throws std::runtime_error.
void LoadConfigFile(const std::string& path, RunConfig& config, const std::vector<std::string>& keep);

// Checks override keys ("mqtt.url", "source.S.topic", ...). Throws std::runtime_error.
void CheckOverrideKeys(const Overrides& overrides);

// Blocks SIGINT and SIGTERM in the calling thread (call before any thread
// starts, so that every thread inherits the mask and Run() receives them).
void BlockStopSignals();

int Run(const RunConfig& config);

}  // namespace eddy::io
