#include "io/run.h"

#include <signal.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "io/http_server.h"
#include "io/log.h"
#include "io/read_file.h"

namespace eddy::io {
namespace {

bool Kept(const std::vector<std::string>& keep, const char* name) {
  return std::find(keep.begin(), keep.end(), name) != keep.end();
}

}  // namespace

void CheckOverrideKeys(const Overrides& overrides) {
  static const std::vector<std::string> kTypes = {"mqtt", "file", "log", "inMemory"};
  for (const auto& [key, value] : overrides) {
    const size_t dot = key.find('.');
    const std::string head = key.substr(0, dot);
    const bool scoped = head == "source" || head == "sink";
    const bool typed = std::find(kTypes.begin(), kTypes.end(), head) != kTypes.end();
    if (dot == std::string::npos || (!scoped && !typed) ||
        (scoped && key.find('.', dot + 1) == std::string::npos)) {
      throw std::runtime_error("override '" + key +
                               "' must be TYPE.OPTION (mqtt.url), source.STREAM.OPTION or sink.STREAM.OPTION");
    }
  }
}

void LoadConfigFile(const std::string& path, RunConfig& config, const std::vector<std::string>& keep) {
  std::string text;
  if (!ReadFile(path, text)) throw std::runtime_error("cannot read config file '" + path + "'");
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("config file '" + path + "' is not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key == "set") {
      if (!value.is_object()) throw std::runtime_error(path + ": \"set\" must be an object of option: value");
      for (const auto& [option, v] : value.items()) {
        if (!v.is_string() && !v.is_number() && !v.is_boolean()) {
          throw std::runtime_error(path + ": \"set\"." + option + " must be a string, number or boolean");
        }
        // Command-line --set wins.
        if (config.options.overrides.count(option) == 0) {
          config.options.overrides[option] = v.is_string() ? v.get<std::string>() : v.dump();
        }
      }
    } else if (key == "http") {
      if (!value.is_string()) throw std::runtime_error(path + ": \"http\" must be \"HOST:PORT\"");
      if (!Kept(keep, "http")) config.http = value.get<std::string>();
    } else if (key == "log_level") {
      if (!value.is_string()) throw std::runtime_error(path + ": \"log_level\" must be a string");
      if (!Kept(keep, "log_level")) config.log_level = value.get<std::string>();
    } else if (key == "state_dir") {
      if (!value.is_string()) throw std::runtime_error(path + ": \"state_dir\" must be a string");
      if (!Kept(keep, "state_dir")) config.options.state_dir = value.get<std::string>();
    } else if (key == "log_every") {
      if (!value.is_number_unsigned()) throw std::runtime_error(path + ": \"log_every\" must be a positive number");
      config.options.log_every = value.get<uint64_t>();
    } else {
      throw std::runtime_error(path + ": unknown key \"" + key +
                               "\" (known: set, http, log_level, state_dir, log_every)");
    }
  }
}

void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int Run(const RunConfig& config) {
  std::optional<LogLevel> level = ParseLogLevel(config.log_level);
  if (!level) {
    Log(LogLevel::kError, "unknown log level '" + config.log_level + "' (debug, info, warn, error, off)");
    return kRunConfigError;
  }
  SetLogLevel(*level);
  try {
    CheckOverrideKeys(config.options.overrides);
  } catch (const std::runtime_error& e) {
    Log(LogLevel::kError, e.what());
    return kRunConfigError;
  }

  RunOptions options = config.options;
  options.query_stats = !config.http.empty();
  std::vector<std::unique_ptr<AppRunner>> runners;
  for (const std::string& path : config.apps) {
    std::string source;
    if (!ReadFile(path, source)) {
      Log(LogLevel::kError, "cannot read '" + path + "'");
      return kRunNoInput;
    }
    try {
      runners.push_back(std::make_unique<AppRunner>(path, source, options));
    } catch (const CompileError& e) {
      std::fprintf(stderr, "%s\n", e.Render(path, source).c_str());
      return kRunCompileError;
    } catch (const std::runtime_error& e) {
      Log(LogLevel::kError, path + ": " + e.what());
      return kRunUnavailable;
    }
  }

  std::unique_ptr<HttpServer> http;
  if (!config.http.empty()) {
    try {
      http = std::make_unique<HttpServer>(config.http, [&runners](const std::string& path) {
        HttpResponse r;
        if (path == "/health") {
          bool connected = true;
          for (const auto& a : runners) connected = connected && a->connected();
          r.status = connected ? 200 : 503;
          r.content_type = "application/json";
          r.body = std::string("{\"status\":\"") + (connected ? "ok" : "degraded") + "\",\"apps\":" +
                   std::to_string(runners.size()) + "}\n";
        } else if (path == "/metrics") {
          MetricsWriter w;
          w.Add("eddy_up", "gauge", "1 while the engine runs.", {}, 1);
          for (const auto& a : runners) a->WriteMetrics(w);
          r.content_type = "text/plain; version=0.0.4; charset=utf-8";
          r.body = w.Text();
        } else if (path == "/apps") {
          r.content_type = "application/json";
          r.body = "[";
          for (size_t i = 0; i < runners.size(); ++i) r.body += (i ? "," : "") + runners[i]->DescribeJson();
          r.body += "]\n";
        } else {
          r.status = 404;
          r.body = "not found; try /health, /metrics or /apps\n";
        }
        return r;
      });
      Log(LogLevel::kInfo, "HTTP endpoint on " + config.http.substr(0, config.http.rfind(':')) + ":" +
                               std::to_string(http->port()) + " (/health, /metrics, /apps)");
    } catch (const std::runtime_error& e) {
      Log(LogLevel::kError, e.what());
      return kRunUnavailable;
    }
  }

  try {
    for (auto& r : runners) {
      r->Start();
      Log(LogLevel::kInfo, "app '" + r->app().name() + "' (" + r->file_name() + ") running");
    }
  } catch (const std::runtime_error& e) {
    Log(LogLevel::kError, e.what());
    for (auto& r : runners) r->Stop();
    return kRunUnavailable;
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const timespec tick{0, static_cast<long>(config.tick_ms) * 1'000'000L};
  while (true) {
    const int signal = sigtimedwait(&set, nullptr, &tick);
    if (signal == SIGINT || signal == SIGTERM) {
      Log(LogLevel::kInfo, std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + "; stopping");
      break;
    }
    for (auto& r : runners) r->Tick();
    // Apps without sources (triggers only) run until stopped.
    bool all_finished = true;
    for (const auto& r : runners) all_finished = all_finished && r->finished();
    if (all_finished) {
      Log(LogLevel::kInfo, "every source has finished; stopping");
      break;
    }
  }
  for (auto& r : runners) r->Stop();
  Log(LogLevel::kInfo, "stopped");
  return kRunOk;
}

}  // namespace eddy::io
