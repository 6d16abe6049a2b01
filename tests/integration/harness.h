// Helpers for the integration tests: the fixture's mosquitto (restartable), the
// `eddy` binary as a child process, MQTT publishers and subscribers (Paho), and
// waiting on conditions with generous deadlines (never fixed sleeps).
#pragma once

#include <mqtt/async_client.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "io/transport.h"

namespace eddy::integration {

// True once `condition` holds; false when `timeout` passes first.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

std::string ReadText(const std::string& path);
void WriteText(const std::string& path, const std::string& text);
// A fresh directory under the test's temp dir.
std::string MakeTempDir(const std::string& name);

// The broker the CTest fixture started (EDDY_BROKER_DIR).
class Broker {
 public:
  Broker();
  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // Stops the broker with `signal` and waits until it has exited.
  void Stop(int signal = SIGTERM);
  // Starts it again with the same configuration and data; waits until it listens.
  void Start();
  // The broker's log (appended to by every start), from byte `from` on.
  std::string Log(size_t from = 0) const;

 private:
  std::string dir_;
  int port_;
};

// A child process whose output goes to a file.
class Process {
 public:
  Process(std::vector<std::string> argv, const std::string& output_path);
  ~Process();
  void Signal(int signal);
  // Waits for exit; returns the exit code (128+signal when killed), or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

std::string EddyBinary();
// Starts `eddy run` on `app_path` against the broker.
std::unique_ptr<Process> StartEddy(const std::string& app_path, const Broker& broker, const std::string& state_dir,
                                   const std::string& log_path, const std::vector<std::string>& extra = {});

// A persistent-session QoS 1 MQTT client that records what arrives.
class Subscriber {
 public:
  Subscriber(const std::string& url, const std::string& client_id, const std::vector<std::string>& topics);
  ~Subscriber();
  std::vector<std::string> messages(const std::string& topic);
  size_t count(const std::string& topic);
  // Waits until the client is connected and subscribed.
  bool WaitSubscribed(std::chrono::milliseconds timeout);

 private:
  mqtt::async_client client_;
  std::vector<std::string> topics_;
  std::mutex mutex_;
  std::multimap<std::string, std::string> received_;
  std::atomic<int> subscriptions_{0};
};

// A QoS 1 publisher that keeps every message until the broker acknowledges it,
// across broker restarts: Eddy's own mqtt sink (io/mqtt_sink.cpp; Paho's own
// buffering loses and corrupts messages when a write fails, see there). Its
// outbox lives in `state_dir`.
class Publisher {
 public:
  Publisher(const std::string& url, const std::string& client_id, const std::string& state_dir);
  ~Publisher();
  void Publish(const std::string& topic, const std::string& payload);
  // Waits until every message is acknowledged by the broker.
  bool WaitDelivered(std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<io::Sink> sink_;
};

// GET http://127.0.0.1:port/path; returns the body, or "" on failure.
std::string HttpGet(int port, const std::string& path);
int FreePort();

}  // namespace eddy::integration
