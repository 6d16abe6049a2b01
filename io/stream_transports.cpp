// The transports over files and the process's standard streams: file (read
// lines or the whole file, optionally following a growing file; write or
// append), stdin, stdout and log.
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "io/log.h"
#include "io/transport.h"

namespace eddy::io {
namespace {

std::string FilePath(const TransportSpec& spec) {
  std::string uri = spec.Get("file.uri", "");
  if (uri.rfind("file://", 0) == 0) uri = uri.substr(7);
  return uri;
}

std::mutex& StdoutMutex() {
  static std::mutex m;
  return m;
}

// Reads a file line by line (or whole), then, when tailing, follows it as it
// grows (and starts over when it is truncated).
class FileSource final : public Source {
 public:
  explicit FileSource(const TransportSpec& spec)
      : path_(FilePath(spec)),
        tailing_(spec.GetBool("tailing", true)),
        whole_(EqualsMode(spec.Get("mode", "line"), "text.full")) {
    const std::string mode = spec.Get("mode", "line");
    if (!EqualsMode(mode, "line") && !whole_) {
      throw CompileError("file mode must be 'line' or 'text.full', not '" + mode + "'",
                         spec.options.at("mode").location);
    }
  }
  ~FileSource() override { Stop(); }

  void Start(DeliverFunction deliver) override {
    std::FILE* f = std::fopen(path_.c_str(), "rb");
    if (f == nullptr) throw std::runtime_error("cannot read '" + path_ + "'");
    stats_.connected = true;
    thread_ = std::thread([this, f, deliver = std::move(deliver)] { Run(f, deliver); });
  }

  void Stop() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  bool finished() const override { return finished_; }

 private:
  static bool EqualsMode(const std::string& a, const char* b) {
    if (a.size() != std::char_traits<char>::length(b)) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
  }

  void Run(std::FILE* f, const DeliverFunction& deliver) {
    std::string pending;
    char buf[65536];
    long offset = 0;
    while (!stop_) {
      const size_t n = std::fread(buf, 1, sizeof buf, f);
      offset += static_cast<long>(n);
      if (n > 0) {
        pending.append(buf, n);
        if (!whole_) DeliverLines(pending, deliver);
        continue;
      }
      if (whole_ && !pending.empty() && !tailing_) {
        Deliver(pending, deliver);
        pending.clear();
      }
      if (!tailing_) {
        if (!whole_ && !pending.empty()) Deliver(pending, deliver);
        break;
      }
      // Tailing: wait for growth; start over when the file shrank.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::clearerr(f);
      if (std::FILE* again = std::fopen(path_.c_str(), "rb")) {
        std::fseek(again, 0, SEEK_END);
        const long size = std::ftell(again);
        std::fclose(again);
        if (size < offset) {
          std::fclose(f);
          f = std::fopen(path_.c_str(), "rb");
          if (f == nullptr) break;
          offset = 0;
          pending.clear();
        }
      }
    }
    if (f != nullptr) std::fclose(f);
    finished_ = true;
  }

  void DeliverLines(std::string& pending, const DeliverFunction& deliver) {
    size_t start = 0;
    for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      Deliver(std::string_view(pending).substr(start, nl - start), deliver);
      start = nl + 1;
    }
    pending.erase(0, start);
  }

  void Deliver(std::string_view line, const DeliverFunction& deliver) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    ++stats_.messages;
    deliver(Message{line});
  }

  std::string path_;
  bool tailing_;
  bool whole_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

// Standard input, one message a line.
class StdinSource final : public Source {
 public:
  ~StdinSource() override { Stop(); }

  void Start(DeliverFunction deliver) override {
    stats_.connected = true;
    thread_ = std::thread([this, deliver = std::move(deliver)] { Run(deliver); });
  }
  void Stop() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool finished() const override { return finished_; }

 private:
  void Run(const DeliverFunction& deliver) {
    std::string pending;
    char buf[65536];
    while (!stop_) {
      pollfd pfd{STDIN_FILENO, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 100);
      if (ready <= 0) continue;
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
      size_t start = 0;
      for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
        DeliverLine(std::string_view(pending).substr(start, nl - start), deliver);
        start = nl + 1;
      }
      pending.erase(0, start);
    }
    if (!pending.empty() && !stop_) DeliverLine(pending, deliver);
    finished_ = true;
  }

  void DeliverLine(std::string_view line, const DeliverFunction& deliver) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    ++stats_.messages;
    deliver(Message{line});
  }

  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

class FileSink final : public Sink {
 public:
  explicit FileSink(const TransportSpec& spec) : path_(FilePath(spec)), append_(spec.GetBool("append", true)) {}
  ~FileSink() override { Stop(); }

  void Start() override {
    file_ = std::fopen(path_.c_str(), append_ ? "ab" : "wb");
    if (file_ == nullptr) throw std::runtime_error("cannot write '" + path_ + "'");
    stats_.connected = true;
  }
  void Publish(std::string_view, std::string_view payload) override {
    if (file_ == nullptr) return;
    std::fwrite(payload.data(), 1, payload.size(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
    ++stats_.messages;
  }
  void Stop() override {
    if (file_ != nullptr) std::fclose(file_);
    file_ = nullptr;
  }

 private:
  std::string path_;
  bool append_;
  std::FILE* file_ = nullptr;
};

class StdoutSink final : public Sink {
 public:
  void Start() override { stats_.connected = true; }
  void Publish(std::string_view, std::string_view payload) override {
    std::lock_guard lock(StdoutMutex());
    std::fwrite(payload.data(), 1, payload.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    ++stats_.messages;
  }
  void Stop() override {}
};

class LogSink final : public Sink {
 public:
  explicit LogSink(const TransportSpec& spec) : prefix_(spec.Get("prefix", spec.stream)) {
    const std::string priority = spec.Get("priority", "info");
    std::optional<LogLevel> level = ParseLogLevel(priority);
    if (!level || *level == LogLevel::kOff) {
      throw CompileError("log priority must be DEBUG, INFO, WARN or ERROR, not '" + priority + "'",
                         spec.options.at("priority").location);
    }
    level_ = *level;
  }
  void Start() override { stats_.connected = true; }
  void Publish(std::string_view, std::string_view payload) override {
    std::string line = prefix_;
    line += " : ";
    line += payload;
    Log(level_, line);
    ++stats_.messages;
  }
  void Stop() override {}

 private:
  std::string prefix_;
  LogLevel level_ = LogLevel::kInfo;
};

}  // namespace

std::unique_ptr<Source> MakeSource(const TransportSpec& spec, const TransportEnvironment& env, int index) {
  if (spec.type == "mqtt") return MakeMqttSource(spec, env, index);
  if (spec.type == "file") return std::make_unique<FileSource>(spec);
  if (spec.type == "stdin") return std::make_unique<StdinSource>();
  if (spec.type == "inMemory") return MakeInMemorySource(spec);
  throw std::runtime_error("no source of type '" + spec.type + "'");
}

std::unique_ptr<Sink> MakeSink(const TransportSpec& spec, const TransportEnvironment& env, int index) {
  if (spec.type == "mqtt") return MakeMqttSink(spec, env, index);
  if (spec.type == "file") return std::make_unique<FileSink>(spec);
  if (spec.type == "stdout") return std::make_unique<StdoutSink>();
  if (spec.type == "log") return std::make_unique<LogSink>(spec);
  if (spec.type == "inMemory") return MakeInMemorySink(spec);
  throw std::runtime_error("no sink of type '" + spec.type + "'");
}

}  // namespace eddy::io
