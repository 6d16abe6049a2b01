// `eddy`: the command-line client of the public API.
//
//   eddy check APP                         exit 0, or errors on stderr and exit 2
//   eddy replay APP --events FILE [--output FILE]
//   eddy explain APP
//   eddy run APP... [--config FILE] [--set KEY=VALUE]... [--http HOST:PORT]
//            [--log-level LEVEL] [--state-dir DIR]
//   eddy --help | --version
//
// Exit codes: 0 success; 1 replay finished but some event lines were bad;
// 2 the app does not compile; 64 usage error; 66 a file cannot be read;
// run only: 69 a transport or the HTTP endpoint cannot start, 78 bad config.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "eddy/engine.h"
#include "io/read_file.h"
#include "io/app_runner.h"
#include "io/replay.h"
#include "io/run.h"
#include "io/transport_spec.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadEvents = 1;
constexpr int kExitCompileError = 2;
constexpr int kExitUsage = 64;
constexpr int kExitNoInput = 66;

constexpr const char* kUsage = R"(eddy - a fast engine for SiddhiQL streaming apps

usage:
  eddy check APP                          check an app: exit 0, or errors and exit 2
  eddy replay APP --events FILE [--output FILE]
                                          run APP in event time on recorded events
                                          (JSON lines) and print what it emits
  eddy explain APP                        print the operator plan
  eddy run APP... [options]               run apps live: @source/@sink transports
                                          (MQTT, files, stdin/stdout, log) until
                                          SIGINT/SIGTERM or every source is done
    --config FILE                         JSON: {"set":{...},"http":...,"log_level":...,
                                          "state_dir":...,"log_every":N}
    --set KEY=VALUE                       override an option: mqtt.url=tcp://h:1883,
                                          source.S.topic=a/b, sink.S.url=...; values
                                          may hold ${ENV_VAR}
    --http HOST:PORT                      serve /health, /metrics, /apps (off by default)
    --log-level debug|info|warn|error     default info (stderr)
    --state-dir DIR                       MQTT session state (default .eddy-state)
  eddy --help                             this text
  eddy --version                          the version

exit codes: 0 ok, 1 some event lines were bad (reported and skipped),
            2 the app does not compile, 64 usage error, 66 unreadable file,
            69 (run) a transport or the HTTP endpoint cannot start,
            78 (run) bad config file or override
)";

// Compiles APP, printing errors; null on failure (exit code in `exit_code`).
std::unique_ptr<eddy::App> CompileFile(const std::string& path, bool playback, int& exit_code) {
  std::string source;
  if (!eddy::io::ReadFile(path, source)) {
    std::cerr << "eddy: cannot read '" << path << "'\n";
    exit_code = kExitNoInput;
    return nullptr;
  }
  try {
    auto app = eddy::App::Compile(source, {.file_name = path, .playback = playback});
    eddy::io::CheckTransports(*app, {});
    return app;
  } catch (const eddy::CompileError& e) {
    std::cerr << e.Render(path, source) << "\n";
    exit_code = kExitCompileError;
    return nullptr;
  }
}

int Replay(const std::string& app_path, const std::string& events_path,
           const std::string& output_path) {
  int exit_code = kExitOk;
  std::unique_ptr<eddy::App> app = CompileFile(app_path, /*playback=*/true, exit_code);
  if (!app) return exit_code;
  std::ifstream events(events_path, std::ios::binary);
  if (!events) {
    std::cerr << "eddy: cannot read '" << events_path << "'\n";
    return kExitNoInput;
  }
  std::ofstream output_file;
  std::ostream* output = &std::cout;
  if (!output_path.empty()) {
    output_file.open(output_path, std::ios::binary | std::ios::trunc);
    if (!output_file) {
      std::cerr << "eddy: cannot write '" << output_path << "'\n";
      return kExitNoInput;
    }
    output = &output_file;
  }
  eddy::io::ReplayStats stats = eddy::io::Replay(
      *app, events, events_path,
      [output](const eddy::io::OutputEvent& event) { *output << event.json << '\n'; },
      [](std::string_view error) { std::cerr << error << '\n'; });
  output->flush();
  if (stats.bad_lines > 0) {
    std::cerr << "eddy: " << stats.bad_lines << " of " << stats.lines
              << " event lines were bad and skipped\n";
    return kExitBadEvents;
  }
  return kExitOk;
}

int RunCommand(const std::vector<std::string>& args) {
  eddy::io::RunConfig config;
  std::string config_file;
  std::vector<std::string> from_command_line;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--config" && has_value) {
      config_file = args[++i];
    } else if (a == "--set" && has_value) {
      const std::string& kv = args[++i];
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "eddy run: --set wants KEY=VALUE, not '" << kv << "'\n";
        return kExitUsage;
      }
      config.options.overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (a == "--http" && has_value) {
      config.http = args[++i];
      from_command_line.push_back("http");
    } else if (a == "--log-level" && has_value) {
      config.log_level = args[++i];
      from_command_line.push_back("log_level");
    } else if (a == "--state-dir" && has_value) {
      config.options.state_dir = args[++i];
      from_command_line.push_back("state_dir");
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "eddy run: unknown or incomplete option '" << a << "'\n" << kUsage;
      return kExitUsage;
    } else {
      config.apps.push_back(a);
    }
  }
  if (config.apps.empty()) {
    std::cerr << "eddy run: name at least one app\n";
    return kExitUsage;
  }
  if (!config_file.empty()) {
    try {
      eddy::io::LoadConfigFile(config_file, config, from_command_line);
    } catch (const std::runtime_error& e) {
      std::cerr << "eddy run: " << e.what() << "\n";
      return eddy::io::kRunConfigError;
    }
  }
  eddy::io::BlockStopSignals();
  return eddy::io::Run(config);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << "eddy " << eddy::Version() << "\n";
    return kExitOk;
  }
  if ((command == "check" || command == "explain") && args.size() == 2) {
    int exit_code = kExitOk;
    std::unique_ptr<eddy::App> app = CompileFile(args[1], false, exit_code);
    if (!app) return exit_code;
    if (command == "explain") std::cout << app->Explain();
    return kExitOk;
  }
  if (command == "replay" && args.size() >= 2) {
    std::string events;
    std::string output;
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "--events" && i + 1 < args.size()) {
        events = args[++i];
      } else if (args[i] == "--output" && i + 1 < args.size()) {
        output = args[++i];
      } else {
        std::cerr << "eddy replay: unknown argument '" << args[i] << "'\n" << kUsage;
        return kExitUsage;
      }
    }
    if (events.empty()) {
      std::cerr << "eddy replay: --events FILE is required\n";
      return kExitUsage;
    }
    return Replay(args[1], events, output);
  }
  if (command == "run" && args.size() >= 2) return RunCommand(args);
  std::cerr << "eddy: unknown command or wrong arguments: '" << command << "'\n" << kUsage;
  return kExitUsage;
}
