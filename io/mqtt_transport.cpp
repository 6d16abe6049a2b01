// The mqtt source and sink, over Paho MQTT C++ (async client).
//
// Delivery guarantees: QoS 1 with clean.session=false (the default) and a fixed
// client id keeps a persistent session on the broker, so messages published
// while Eddy is down or disconnected wait there. A source maps and processes
// each message inside Paho's message callback; Paho acknowledges a QoS 1
// message only after that callback returns, so a message whose processing did
// not finish (a crash, SIGKILL) is delivered again after a restart: at least
// once. Sinks publish QoS 1 from memory, buffered while disconnected and resent
// after a reconnect. Known limits (Paho C 1.3.12): a SIGKILL loses output that
// was handed to Paho but not yet written to the socket; after a broker restart
// Paho occasionally resends a malformed packet and the broker drops the
// connection again (it recovers on a later reconnect, or not).
//
// Backpressure: processing runs on Paho's callback thread, so a slow app slows
// reading from the socket and the broker queues for us; nothing queues without
// bound inside Eddy. A sink buffers at most max.buffered.messages while
// disconnected; beyond that, publishes are counted as dropped and logged.
#include <mqtt/async_client.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "io/log.h"
#include "io/transport.h"

namespace eddy::io {
namespace {

// Paho's own scheme names.
std::string BrokerUrl(const std::string& url) {
  if (url.rfind("mqtt://", 0) == 0) return "tcp://" + url.substr(7);
  if (url.rfind("mqtts://", 0) == 0) return "ssl://" + url.substr(8);
  return url;
}

std::string SanitizedId(std::string id) {
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
  }
  return id;
}

std::string ClientId(const TransportSpec& spec, const TransportEnvironment& env, int index, const char* role) {
  std::string id = spec.Get("client.id", "");
  if (!id.empty()) return id;
  id = "eddy-" + env.app_name + "-" + spec.stream + "-" + role;
  if (index > 0) id += "-" + std::to_string(index);
  return SanitizedId(id);
}

mqtt::connect_options ConnectOptions(const TransportSpec& spec) {
  mqtt::connect_options options;
  options.set_clean_session(spec.GetBool("clean.session", false));
  options.set_keep_alive_interval(static_cast<int>(spec.GetInt("keep.alive", 60)));
  options.set_connect_timeout(static_cast<int>(spec.GetInt("connection.timeout", 30)));
  if (spec.GetBool("automatic.reconnect", true)) {
    options.set_automatic_reconnect(1, static_cast<int>(std::max<int64_t>(1, spec.GetInt("max.reconnect.delay", 30))));
  }
  const std::string user = spec.Get("username", "");
  if (!user.empty()) options.set_user_name(user);
  const std::string password = spec.Get("password", "");
  if (!password.empty()) options.set_password(password);
  options.set_max_inflight(100);
  // 3.1.1 only: Paho's default falls back to 3.1 after a failed attempt.
  options.set_mqtt_version(MQTTVERSION_3_1_1);
  const std::string url = BrokerUrl(spec.Get("url", ""));
  if (url.rfind("ssl://", 0) == 0 || url.rfind("wss://", 0) == 0) options.set_ssl(mqtt::ssl_options());
  return options;
}

std::string PersistDir(const TransportEnvironment& env, const std::string&) {
  std::filesystem::path dir = std::filesystem::path(env.state_dir) / "mqtt";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create state directory '" + dir.string() + "': " + ec.message());
  return dir.string();
}

// Connects (and keeps retrying the first connection with backoff, since Paho's
// automatic reconnect only starts after a first success), logs the connection
// state, and resubscribes on every (re)connection.
class Connection {
 public:
  Connection(const TransportSpec& spec, std::string client_id, std::unique_ptr<mqtt::async_client> client,
             TransportStats& stats)
      : description_(spec.Describe()),
        url_(BrokerUrl(spec.Get("url", ""))),
        client_id_(std::move(client_id)),
        options_(ConnectOptions(spec)),
        max_delay_(std::max<int64_t>(1, spec.GetInt("max.reconnect.delay", 30))),
        client_(std::move(client)),
        stats_(stats) {}

  ~Connection() { Stop(); }

  mqtt::async_client& client() { return *client_; }

  void Start(std::function<void()> on_connected) {
    client_->set_connected_handler([this, on_connected](const std::string&) {
      const bool again = ever_connected_.exchange(true);
      stats_.connected = true;
      if (again) ++stats_.reconnects;
      Log(LogLevel::kInfo, description_ + ": connected to " + url_ + " as '" + client_id_ + "'");
      if (on_connected) on_connected();
    });
    client_->set_connection_lost_handler([this](const std::string& cause) {
      stats_.connected = false;
      Log(LogLevel::kWarn, description_ + ": lost the connection to " + url_ +
                               (cause.empty() ? "" : " (" + cause + ")") + "; reconnecting");
    });
    connector_ = std::thread([this] { ConnectLoop(); });
  }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_all();
    if (connector_.joinable()) connector_.join();
    try {
      if (client_->is_connected()) client_->disconnect(std::chrono::seconds(5))->wait_for(std::chrono::seconds(6));
    } catch (const mqtt::exception& e) {
      Log(LogLevel::kDebug, description_ + ": disconnect: " + e.what());
    }
    stats_.connected = false;
  }

 private:
  void ConnectLoop() {
    int64_t delay_ms = 250;
    while (true) {
      try {
        client_->connect(options_)->wait();
        return;  // Paho reconnects by itself from now on
      } catch (const mqtt::exception& e) {
        Log(LogLevel::kWarn, description_ + ": cannot connect to " + url_ + " (" + e.what() + "); retrying in " +
                                 std::to_string(delay_ms) + " ms");
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(delay_ms), [this] { return stopped_; })) return;
      delay_ms = std::min<int64_t>(delay_ms * 2, max_delay_ * 1000);
    }
  }

  std::string description_;
  std::string url_;
  std::string client_id_;
  mqtt::connect_options options_;
  int64_t max_delay_;
  std::unique_ptr<mqtt::async_client> client_;
  TransportStats& stats_;
  std::atomic<bool> ever_connected_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread connector_;
};

std::vector<std::string> SplitTopics(const std::string& topics) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= topics.size()) {
    size_t comma = topics.find(',', start);
    if (comma == std::string::npos) comma = topics.size();
    std::string t = topics.substr(start, comma - start);
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (!t.empty()) out.push_back(t);
    start = comma + 1;
  }
  return out;
}

class MqttSource final : public Source {
 public:
  MqttSource(const TransportSpec& spec, const TransportEnvironment& env, int index)
      : description_(spec.Describe()),
        topics_(SplitTopics(spec.Get("topic", ""))),
        qos_(static_cast<int>(spec.GetInt("quality.of.service", 1))) {
    const std::string id = ClientId(spec, env, index, "source");
    const bool persistent = !spec.GetBool("clean.session", false);
    auto client = persistent ? std::make_unique<mqtt::async_client>(BrokerUrl(spec.Get("url", "")), id, PersistDir(env, id))
                             : std::make_unique<mqtt::async_client>(BrokerUrl(spec.Get("url", "")), id);
    connection_ = std::make_unique<Connection>(spec, id, std::move(client), stats_);
  }
  ~MqttSource() override { Stop(); }

  void Start(DeliverFunction deliver) override {
    deliver_ = std::move(deliver);
    connection_->client().set_message_callback([this](mqtt::const_message_ptr message) {
      std::lock_guard lock(deliver_mutex_);
      if (closed_) return;  // cannot happen: Paho delivers nothing after disconnecting
      ++stats_.messages;
      const mqtt::binary_ref& payload = message->get_payload_ref();
      deliver_(Message{std::string_view(payload.data(), payload.size())});
    });
    connection_->Start([this] { Subscribe(); });
  }

  // Messages keep being processed until the disconnect completes: one dropped
  // here would be acknowledged yet lost.
  void Stop() override {
    if (stopping_.exchange(true)) return;
    connection_->Stop();
    std::lock_guard lock(deliver_mutex_);
    closed_ = true;
  }

 private:
  void Subscribe() {
    // Subscribing again on a persistent session is harmless, and needed when
    // the broker lost the session (it was restarted without persistence).
    for (const std::string& topic : topics_) {
      try {
        connection_->client().subscribe(topic, qos_);
      } catch (const mqtt::exception& e) {
        Log(LogLevel::kError, description_ + ": cannot subscribe to '" + topic + "': " + e.what());
      }
    }
  }

  std::string description_;
  std::vector<std::string> topics_;
  int qos_;
  std::unique_ptr<Connection> connection_;
  DeliverFunction deliver_;
  std::mutex deliver_mutex_;
  std::atomic<bool> stopping_{false};
  bool closed_ = false;
};

class MqttSink final : public Sink, public mqtt::callback {
 public:
  MqttSink(const TransportSpec& spec, const TransportEnvironment& env, int index)
      : description_(spec.Describe()),
        qos_(static_cast<int>(spec.GetInt("quality.of.service", 1))),
        retain_(spec.GetBool("retain", false)) {
    const std::string id = ClientId(spec, env, index, "sink");
    mqtt::create_options create;
    create.set_send_while_disconnected(true, true);
    create.set_max_buffered_messages(static_cast<int>(spec.GetInt("max.buffered.messages", 100000)));
    const std::string url = BrokerUrl(spec.Get("url", ""));
    // Outgoing messages are kept in memory, not in Paho's file store: with the
    // file store, Paho C 1.3.12 was seen resending malformed packets after a
    // broker restart without ever recovering.
    auto client = std::make_unique<mqtt::async_client>(url, id, create, nullptr);
    connection_ = std::make_unique<Connection>(spec, id, std::move(client), stats_);
  }
  ~MqttSink() override { Stop(); }

  void Start() override {
    connection_->client().set_callback(*this);
    connection_->Start(nullptr);
  }

  void Publish(std::string_view topic, std::string_view payload) override {
    auto message = mqtt::make_message(std::string(topic), payload.data(), payload.size(), qos_, retain_);
    try {
      connection_->client().publish(message);
      ++stats_.messages;
      if (qos_ > 0) ++stats_.queue_depth;
    } catch (const mqtt::exception& e) {
      ++stats_.dropped;
      uint64_t n = 0;
      if (drop_log_.Sample(n)) {
        Log(LogLevel::kError, description_ + ": cannot queue a message (" + e.what() + "); " + std::to_string(n) +
                                  " dropped so far");
      }
    }
  }

  void Flush(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (stats_.queue_depth.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (stats_.queue_depth.load() > 0) {
      Log(LogLevel::kWarn, description_ + ": " + std::to_string(stats_.queue_depth.load()) +
                               " messages not yet acknowledged at shutdown (kept in the state directory)");
    }
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    connection_->Stop();
  }

 private:
  void delivery_complete(mqtt::delivery_token_ptr) override {
    if (qos_ > 0) --stats_.queue_depth;
  }

  std::string description_;
  int qos_;
  bool retain_;
  std::unique_ptr<Connection> connection_;
  std::atomic<bool> stopped_{false};
  LogSampler drop_log_{1000};
};

}  // namespace

std::unique_ptr<Source> MakeMqttSource(const TransportSpec& spec, const TransportEnvironment& env, int index) {
  return std::make_unique<MqttSource>(spec, env, index);
}
std::unique_ptr<Sink> MakeMqttSink(const TransportSpec& spec, const TransportEnvironment& env, int index) {
  return std::make_unique<MqttSink>(spec, env, index);
}

}  // namespace eddy::io
