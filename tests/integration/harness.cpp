#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace eddy::integration {

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string MakeTempDir(const std::string& name) {
  const char* base = std::getenv("EDDY_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(base ? base : "/tmp") /
                              ("eddy-it-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

namespace {

bool Listening(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Broker::Broker() {
  const char* dir = std::getenv("EDDY_BROKER_DIR");
  if (dir == nullptr) throw std::runtime_error("EDDY_BROKER_DIR is not set (run through ctest)");
  dir_ = dir;
  port_ = std::stoi(ReadText(dir_ + "/port"));
}

void Broker::Stop(int signal) {
  const pid_t pid = static_cast<pid_t>(std::stol(ReadText(dir_ + "/mosquitto.pid")));
  ::kill(pid, signal);
  WaitFor([&] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(20));
}

void Broker::Start() {
  const std::string command = "mosquitto -c '" + dir_ + "/mosquitto.conf' -d";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot restart mosquitto");
  if (!WaitFor([&] { return Listening(port_); }, std::chrono::seconds(20))) {
    throw std::runtime_error("mosquitto does not listen again on " + std::to_string(port_));
  }
}

std::string Broker::Log(size_t from) const {
  const std::string text = ReadText(dir_ + "/mosquitto.log");
  return from < text.size() ? text.substr(from) : "";
}

Process::Process(std::vector<std::string> argv, const std::string& output_path) {
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

Process::~Process() {
  if (running()) {
    Signal(SIGKILL);
    Wait(std::chrono::seconds(10));
  }
}

void Process::Signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

bool Process::running() {
  if (pid_ <= 0 || status_ != -1) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int Process::Wait(std::chrono::milliseconds timeout) {
  if (!WaitFor([&] { return !running(); }, timeout)) return -1;
  return status_;
}

std::string EddyBinary() {
  const char* path = std::getenv("EDDY_BINARY");
  if (path == nullptr) throw std::runtime_error("EDDY_BINARY is not set (run through ctest)");
  return path;
}

std::unique_ptr<Process> StartEddy(const std::string& app_path, const Broker& broker, const std::string& state_dir,
                                   const std::string& log_path, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {EddyBinary(), "run", app_path, "--set", "mqtt.url=" + broker.url(),
                                   "--state-dir", state_dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv, log_path);
}

Subscriber::Subscriber(const std::string& url, const std::string& client_id, const std::vector<std::string>& topics)
    : client_(url, client_id), topics_(topics) {
  client_.set_message_callback([this](mqtt::const_message_ptr m) {
    std::lock_guard lock(mutex_);
    received_.emplace(m->get_topic(), m->to_string());
  });
  client_.set_connected_handler([this](const std::string&) {
    // On reconnects; never wait inside Paho's callback.
    for (const std::string& t : topics_) client_.subscribe(t, 1);
  });
  mqtt::connect_options options;
  options.set_clean_session(false);
  options.set_automatic_reconnect(1, 2);
  options.set_max_inflight(1000);
  WaitFor(
      [&] {
        try {
          client_.connect(options)->wait();
          return true;
        } catch (const mqtt::exception&) {
          return false;
        }
      },
      std::chrono::seconds(20));
  for (const std::string& t : topics_) {
    try {
      client_.subscribe(t, 1)->wait();
      ++subscriptions_;
    } catch (const mqtt::exception&) {
    }
  }
}

Subscriber::~Subscriber() {
  try {
    client_.disconnect()->wait_for(std::chrono::seconds(5));
  } catch (const mqtt::exception&) {
  }
}

bool Subscriber::WaitSubscribed(std::chrono::milliseconds timeout) {
  return WaitFor([&] { return subscriptions_.load() >= static_cast<int>(topics_.size()); }, timeout);
}

std::vector<std::string> Subscriber::messages(const std::string& topic) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  auto [begin, end] = received_.equal_range(topic);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

size_t Subscriber::count(const std::string& topic) {
  std::lock_guard lock(mutex_);
  return received_.count(topic);
}

Publisher::Publisher(const std::string& url, const std::string& client_id, const std::string& state_dir) {
  io::TransportSpec spec;
  spec.direction = io::Direction::kSink;
  spec.type = "mqtt";
  spec.stream = client_id;
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"url", url},
                                   {"client.id", client_id},
                                   {"quality.of.service", "1"},
                                   {"max.reconnect.delay", "2"}}) {
    spec.options.emplace(key, io::OptionValue{value, {}});
  }
  sink_ = io::MakeMqttSink(spec, {.app_name = "test", .state_dir = state_dir}, 0);
  sink_->Start();
  WaitFor([&] { return sink_->stats().connected.load(); }, std::chrono::seconds(20));
}

Publisher::~Publisher() {
  sink_->Flush(std::chrono::seconds(5));
  sink_->Stop();
}

void Publisher::Publish(const std::string& topic, const std::string& payload) { sink_->Publish(topic, payload); }

bool Publisher::WaitDelivered(std::chrono::milliseconds timeout) {
  return WaitFor([&] { return sink_->stats().queue_depth.load() == 0; }, timeout);
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(0, response.find("\r\n")) + "\n" + response.substr(body + 4);
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace eddy::integration
