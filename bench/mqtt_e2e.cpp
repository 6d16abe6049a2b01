// End-to-end benchmark of `eddy run` over a local mosquitto (issue 5, "Speed"):
//
//   build/bench/eddy_mqtt_bench [--messages N] [--array-messages N] [--seconds S]
//                               [--eddy PATH] [--mosquitto PATH]
//
// For a filter app (half of the events pass), with one event per message and
// with 100-event JSON arrays per message, QoS 1 everywhere:
//  1. throughput: N messages are queued at the broker for Eddy's persistent
//     session while Eddy is stopped, then Eddy is started and drains them; the
//     rate is counted at a subscriber of the app's output, from the first
//     result to the last. Eddy's and the broker's CPU use over the same
//     interval (from /proc/<pid>/stat) say which one limits the rate.
//  2. latency: messages are published at half that rate for S seconds, each
//     stamped with the publish time (CLOCK_MONOTONIC, shared by the processes
//     of one machine); the subscriber records publish-to-result times.
//
// Everything (publisher, broker, Eddy, subscriber) shares the machine's cores,
// so the figures are those of the whole pipeline on this machine. The same
// runs through a bare Paho MQTT C++ forwarder (no engine: subscribe, check,
// publish) give the MQTT client library's own cost for comparison. Not run by
// the test suite.
#include <arpa/inet.h>
#include <mqtt/async_client.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A child process; killed (SIGTERM, then SIGKILL) when destroyed.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::string& log_path) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::FILE* log = std::fopen(log_path.c_str(), "a");
      if (log != nullptr) {
        ::dup2(::fileno(log), 1);
        ::dup2(::fileno(log), 2);
      }
      std::vector<char*> args;
      for (std::string& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() { Stop(); }
  pid_t pid() const { return pid_; }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 300; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // User + system CPU seconds so far (/proc/<pid>/stat fields 14 and 15).
  double CpuSeconds() const {
    const std::string stat = ReadText("/proc/" + std::to_string(pid_) + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i >= 14) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }

 private:
  pid_t pid_ = -1;
};

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

mqtt::connect_options Options(bool clean) {
  mqtt::connect_options options;
  options.set_clean_session(clean);
  options.set_max_inflight(2000);
  options.set_mqtt_version(MQTTVERSION_3_1_1);
  return options;
}

// Counts results (events: "seq" keys) and records publish-to-arrival times.
class Subscriber {
 public:
  Subscriber(const std::string& url, const std::string& topic) : client_(url, "bench-sub") {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      const int64_t now = NowMicros();
      const std::string& p = m->get_payload_str();
      uint64_t events = 0;
      for (size_t at = p.find("\"seq\""); at != std::string::npos; at = p.find("\"seq\"", at + 5)) ++events;
      const size_t t = p.find("\"t\":");
      std::lock_guard lock(mutex_);
      if (messages_ == 0) first_ = Clock::now();
      last_ = Clock::now();
      ++messages_;
      events_ += events;
      if (recording_ && t != std::string::npos) latencies_.push_back(now - std::strtoll(p.c_str() + t + 4, nullptr, 10));
    });
    client_.connect(Options(true))->wait();
    client_.subscribe(topic, 1)->wait();
  }
  ~Subscriber() {
    try {
      client_.disconnect()->wait();
    } catch (const mqtt::exception&) {
    }
  }
  void Reset(bool record_latency) {
    std::lock_guard lock(mutex_);
    messages_ = events_ = 0;
    recording_ = record_latency;
    latencies_.clear();
  }
  uint64_t messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  uint64_t events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  double seconds() {
    std::lock_guard lock(mutex_);
    return std::chrono::duration<double>(last_ - first_).count();
  }
  std::vector<int64_t> latencies() {
    std::lock_guard lock(mutex_);
    return latencies_;
  }

 private:
  mqtt::async_client client_;
  std::mutex mutex_;
  uint64_t messages_ = 0;
  uint64_t events_ = 0;
  Clock::time_point first_{};
  Clock::time_point last_{};
  bool recording_ = false;
  std::vector<int64_t> latencies_;
};

class Publisher {
 public:
  explicit Publisher(const std::string& url) : client_(url, "bench-pub") { client_.connect(Options(true))->wait(); }
  ~Publisher() {
    try {
      client_.disconnect()->wait();
    } catch (const mqtt::exception&) {
    }
  }
  // Paho queues what it cannot send yet; retry when its queue is full.
  void Publish(const std::string& topic, const std::string& payload) {
    while (true) {
      try {
        client_.publish(mqtt::make_message(topic, payload, 1, false));
        return;
      } catch (const mqtt::exception&) {
        std::this_thread::sleep_for(1ms);
      }
    }
  }
  bool WaitDelivered(std::chrono::milliseconds timeout) {
    return WaitFor([&] { return client_.get_pending_delivery_tokens().empty(); }, timeout);
  }

 private:
  mqtt::async_client client_;
};

// One message: a reading, or a JSON array of `events` readings, half of which
// pass the filter (v > 0.5), stamped with the publish time.
std::string Payload(uint64_t seq, int events, int64_t t) {
  auto reading = [&](uint64_t s) {
    return "{\"seq\":" + std::to_string(s) + ",\"v\":" + (s % 2 == 0 ? "0.75" : "0.25") + ",\"t\":" + std::to_string(t) +
           "}";
  };
  if (events == 1) return reading(seq);
  std::string out = "[";
  for (int i = 0; i < events; ++i) {
    if (i > 0) out += ',';
    out += reading(seq * static_cast<uint64_t>(events) + static_cast<uint64_t>(i));
  }
  return out + "]";
}

struct Result {
  double messages_per_s = 0;
  double events_per_s = 0;
  double eddy_cpu = 0;       // share of one core
  double broker_cpu = 0;
  double eddy_us = 0;        // CPU microseconds per message
  double broker_us = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double latency_rate = 0;   // messages/s during the latency run
};

struct Settings {
  std::string self;  // this program, for the forwarder baseline
  std::string eddy;
  std::string mosquitto = "/usr/sbin/mosquitto";
  uint64_t messages = 200000;
  uint64_t array_messages = 20000;
  double seconds = 10;
  std::string dir;
};

// The baseline: what Paho MQTT C++ alone costs for the same flow. Subscribes
// to bench/in (QoS 1, persistent session) and publishes to bench/out what the
// filter app would (single readings with v > 0.5; every array, as Eddy sends
// one array of the passing events per message), with the same flow control as
// Eddy's sink (at most 256 unacknowledged; Paho scans its queues per message,
// so an unbounded queue costs far more). Everything runs in Paho's callbacks.
// Runs until SIGTERM.
class Forwarder final : public mqtt::iaction_listener {
 public:
  explicit Forwarder(const std::string& url) : client_(url, "bench-forwarder", Create(), nullptr) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      const std::string& p = m->get_payload_str();
      if (p.front() != '[' && p.find("\"v\":0.75") == std::string::npos) return;
      std::lock_guard lock(mutex_);
      waiting_.push_back(mqtt::make_message("bench/out", p, 1, false));
      Pump();
    });
    client_.connect(Options(false))->wait();
    client_.subscribe("bench/in", 1)->wait();
  }
  ~Forwarder() override { client_.disconnect()->wait(); }

 private:
  static mqtt::create_options Create() {
    mqtt::create_options create(MQTTVERSION_3_1_1);
    create.set_max_buffered_messages(1024);
    return create;
  }
  void on_success(const mqtt::token&) override { Done(); }
  void on_failure(const mqtt::token&) override { Done(); }  // not expected: nothing is restarted here
  void Done() {
    std::lock_guard lock(mutex_);
    --in_flight_;
    Pump();
  }
  void Pump() {
    while (in_flight_ < 256 && !waiting_.empty()) {
      client_.publish(waiting_.front(), nullptr, *this);
      waiting_.pop_front();
      ++in_flight_;
    }
  }

  mqtt::async_client client_;
  std::mutex mutex_;
  std::deque<mqtt::message_ptr> waiting_;
  int in_flight_ = 0;
};

int Forward(const std::string& url) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Forwarder forwarder(url);
  int signal = 0;
  sigwait(&set, &signal);
  return 0;
}

// Runs one workload through `engine`: "eddy" or "forwarder".
Result RunWorkload(const Settings& s, const std::string& engine, int events_per_message, uint64_t messages) {
  const std::string dir = s.dir + "/" + engine + "-" + std::to_string(events_per_message);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const int port = FreePort();
  const std::string url = "tcp://127.0.0.1:" + std::to_string(port);
  {
    std::ofstream conf(dir + "/mosquitto.conf");
    conf << "listener " << port << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
         << "max_inflight_messages 1000\nmax_queued_messages 100000000\nmax_queued_bytes 0\n"
         << "log_type error\n";
    if (::geteuid() == 0) conf << "user root\n";
  }
  {
    std::ofstream app(dir + "/filter.siddhiql");
    app << "@app:name('bench')\n"
           "@source(type='mqtt', url='tcp://unset:1', topic='bench/in', quality.of.service='1')\n"
           "define stream In (seq long, v double, t long);\n"
           "@sink(type='mqtt', url='tcp://unset:1', topic='bench/out', quality.of.service='1')\n"
           "define stream Out (seq long, v double, t long);\n"
           "from In[v > 0.5] select seq, v, t insert into Out;\n";
  }
  Child broker({s.mosquitto, "-c", dir + "/mosquitto.conf"}, dir + "/mosquitto.log");
  std::this_thread::sleep_for(300ms);
  const std::vector<std::string> eddy_argv =
      engine == "eddy" ? std::vector<std::string>{s.eddy, "run", dir + "/filter.siddhiql", "--set", "mqtt.url=" + url,
                                                  "--state-dir", dir + "/state", "--log-level", "warn"}
                       : std::vector<std::string>{s.self, "--forward", url};
  auto start_eddy = [&] { return std::make_unique<Child>(eddy_argv, dir + "/eddy.log"); };

  Subscriber sub(url, "bench/out");
  Publisher pub(url);
  // Eddy's session (its subscription) must exist before messages are queued for it.
  auto eddy = start_eddy();
  const bool probed = WaitFor(
      [&] {
        pub.Publish("bench/in", Payload(0, events_per_message, NowMicros()));
        return WaitFor([&] { return sub.messages() > 0; }, 200ms);
      },
      30s);
  if (!probed) throw std::runtime_error("eddy produced nothing");
  eddy->Stop();

  Result r;
  // 1. Throughput: drain `messages` queued messages.
  for (uint64_t i = 0; i < messages; ++i) pub.Publish("bench/in", Payload(i, events_per_message, 0));
  if (!pub.WaitDelivered(600s)) throw std::runtime_error("the broker did not take the messages");
  sub.Reset(false);
  const uint64_t expected = events_per_message == 1 ? messages / 2 : messages;
  eddy = start_eddy();
  WaitFor([&] { return sub.messages() > 0; }, 60s);
  const double eddy_cpu0 = eddy->CpuSeconds();
  const double broker_cpu0 = broker.CpuSeconds();
  const auto t0 = Clock::now();
  if (!WaitFor([&] { return sub.messages() >= expected; }, 600s)) throw std::runtime_error("results missing");
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double drained = sub.seconds();
  const double eddy_cpu = eddy->CpuSeconds() - eddy_cpu0;
  const double broker_cpu = broker.CpuSeconds() - broker_cpu0;
  r.eddy_cpu = eddy_cpu / wall;
  r.broker_cpu = broker_cpu / wall;
  r.messages_per_s = static_cast<double>(messages) / drained;
  r.eddy_us = 1e6 * eddy_cpu / (wall * r.messages_per_s);
  r.broker_us = 1e6 * broker_cpu / (wall * r.messages_per_s);
  r.events_per_s = r.messages_per_s * events_per_message;

  // 2. Latency at half the rate.
  sub.Reset(true);
  r.latency_rate = r.messages_per_s / 2;
  const auto start = Clock::now();
  auto tick = start;
  double due = 0;
  uint64_t sent = 0;
  while (tick - start < std::chrono::duration<double>(s.seconds)) {  // a share every millisecond
    due += r.latency_rate / 1000.0;
    for (; static_cast<double>(sent) < due; ++sent) pub.Publish("bench/in", Payload(sent, events_per_message, NowMicros()));
    tick += 1ms;
    std::this_thread::sleep_until(tick);
  }
  const uint64_t expected_latency = events_per_message == 1 ? sent / 2 : sent;
  WaitFor([&] { return sub.messages() >= expected_latency; }, 60s);
  std::vector<int64_t> lat = sub.latencies();
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    r.p50_ms = static_cast<double>(lat[lat.size() / 2]) / 1000.0;
    r.p99_ms = static_cast<double>(lat[std::min(lat.size() - 1, lat.size() * 99 / 100)]) / 1000.0;
  }
  eddy->Stop();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
  s.self = self.string();
  s.eddy = (self.parent_path().parent_path() / "eddy").string();
  if (argc == 3 && std::string(argv[1]) == "--forward") return Forward(argv[2]);
  s.dir = (std::filesystem::temp_directory_path() / ("eddy-mqtt-bench-" + std::to_string(::getpid()))).string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--messages") {
      s.messages = std::stoull(value());
    } else if (a == "--array-messages") {
      s.array_messages = std::stoull(value());
    } else if (a == "--seconds") {
      s.seconds = std::stod(value());
    } else if (a == "--eddy") {
      s.eddy = value();
    } else if (a == "--mosquitto") {
      s.mosquitto = value();
    } else {
      std::fprintf(stderr,
                   "usage: %s [--messages N] [--array-messages N] [--seconds S] [--eddy PATH] [--mosquitto PATH]\n",
                   argv[0]);
      return 64;
    }
  }
  try {
    std::printf("%-24s %11s %11s %9s %9s %9s %9s %11s %8s %8s\n", "workload (QoS 1)", "messages/s", "events/s",
                "CPU", "us/msg", "broker", "us/msg", "latency at", "p50 ms", "p99 ms");
    for (const auto& [label, engine, events, messages] :
         {std::tuple<const char*, const char*, int, uint64_t>{"1 event per message", "eddy", 1, s.messages},
          {"100-event JSON arrays", "eddy", 100, s.array_messages},
          {"Paho forwarder, 1 event", "forwarder", 1, s.messages},
          {"Paho forwarder, arrays", "forwarder", 100, s.array_messages}}) {
      const Result r = RunWorkload(s, engine, events, messages);
      std::printf("%-24s %11.0f %11.0f %8.0f%% %9.1f %8.0f%% %9.1f %9.0f/s %8.2f %8.2f\n", label, r.messages_per_s,
                  r.events_per_s, 100 * r.eddy_cpu, r.eddy_us, 100 * r.broker_cpu, r.broker_us, r.latency_rate,
                  r.p50_ms, r.p99_ms);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eddy_mqtt_bench: %s (logs in %s)\n", e.what(), s.dir.c_str());
    return 1;
  }
  std::filesystem::remove_all(s.dir);
  return 0;
}
