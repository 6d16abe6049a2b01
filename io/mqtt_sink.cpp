// The mqtt sink: publishes from a durable outbox over Paho MQTT C++.
//
// Delivery, end to end at least once: Publish() appends the message to the
// sink's outbox file (state_dir/mqtt/<client id>.outbox, outbox.h) before it
// returns. A source acknowledges a message only after the app has processed
// it (mqtt_source.cpp), so by then everything it produced is on file. A driver
// thread hands the outbox's messages to Paho in order, at most kWindow
// unacknowledged at a time, and removes them when the broker acknowledges
// them (PUBACK). After a connection loss it resends what was not acknowledged;
// after a crash the next run sends it first. Duplicates are possible, losses
// are not.
//
// Why not Paho's automatic reconnect and Paho's persistence: with Paho C
// 1.3.12 (Debian 12), when a QoS 1 PUBLISH is written to a socket that has just
// failed, MQTTAsync_processCommand frees the message's topic and payload
// (MQTTAsync_freeCommand on SOCKET_ERROR) although MQTTProtocol_startPublish
// already put the same buffers in the client's in-flight list. On reconnect
// Paho resends that entry from freed memory: its old bytes at first, later
// garbage (seen in captures: an empty topic, heap pointers as payload) that
// mosquitto rejects as a malformed packet, again on every reconnect; the token
// fails, so the message is also lost (paho.mqtt.c issues #1310 and #1592
// describe the same corruption). Destroying or cleaning such a client frees the
// buffers a second time. So every connection uses a fresh Paho client without
// Paho persistence and without automatic reconnect. After a connection loss
// the old client is destroyed, or, when a publish failed on it ("poisoned"),
// abandoned: kept allocated, never reconnected, never destroyed (a bounded
// leak, at most one client with kWindow messages per failed write), and the
// outbox resends everything it did not see acknowledged.
//
// Threads: Publish() runs on the app's sending thread: usually Paho's receive
// thread (an mqtt source's callback), sometimes the run loop's (timers). The
// driver thread owns connecting, checkpoints, and the Paho client's lifetime.
// Messages are handed to Paho in outbox order by whoever finds the window open:
// on a Paho callback thread (a source's message, an acknowledgement) directly,
// since Paho takes no lock of its own there; on any other thread by waking the
// driver, which calls Paho without holding mutex_. (Paho runs its callbacks
// holding its global lock and they take mutex_; a thread other than Paho's
// calling Paho while holding mutex_, or the app's lock, could deadlock.)
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "io/log.h"
#include "io/mqtt_client.h"
#include "io/outbox.h"

namespace eddy::io {
namespace {

// Unacknowledged messages handed to Paho at a time: plenty for a broker on
// the same network, and small because Paho scans its in-flight lists for
// every new message id.
constexpr int kWindow = 256;
constexpr size_t kMemoryLimit = 10000;  // pending messages held in memory (the rest in the outbox file)
constexpr auto kCheckpointEvery = std::chrono::milliseconds(50);

// A client id as a file name: characters other than letters, digits, '-',
// '_' and '.' become '_'.
std::string FileName(std::string id) {
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return id;
}

class MqttSink final : public Sink {
 public:
  MqttSink(const TransportSpec& spec, const TransportEnvironment& env, int index)
      : description_(spec.Describe()),
        url_(BrokerUrl(spec)),
        client_id_(ClientId(spec, env, index, "sink")),
        qos_(static_cast<int>(spec.GetInt("quality.of.service", 1))),
        retain_(spec.GetBool("retain", false)),
        reconnect_(spec.GetBool("automatic.reconnect", true)),
        options_(ConnectOptions(spec, false, kWindow)),
        max_delay_s_(MaxReconnectDelay(spec)),
        outbox_(StateDirectory(env) + "/" + FileName(client_id_) + ".outbox",
                {.memory_limit = kMemoryLimit,
                 .max_pending = static_cast<uint64_t>(spec.GetInt("max.buffered.messages", 1000000))}) {
    stats_.queue_depth = static_cast<int64_t>(outbox_.pending());
  }

  ~MqttSink() override { Stop(); }

  void Start() override {
    if (outbox_.recovered() > 0) {
      Log(LogLevel::kInfo, description_ + ": " + std::to_string(outbox_.recovered()) +
                               " messages left unacknowledged by an earlier run are sent first");
    }
    driver_ = std::thread([this] { Drive(); });
  }

  void Publish(std::string_view topic, std::string_view payload) override {
    if (!IsPublishTopic(topic)) {
      ++stats_.errors;
      LogSampled(error_log_, "cannot publish to topic '" + std::string(topic) + "' (empty, or with '+' or '#')");
      return;
    }
    std::lock_guard lock(mutex_);
    try {
      if (outbox_.Append(topic, payload, qos_, retain_) == Outbox::AppendResult::kFull) {
        ++stats_.dropped;
        LogSampled(drop_log_, "outbox full (" + std::to_string(outbox_.pending()) +
                                  " messages unacknowledged, max.buffered.messages); message dropped");
        return;
      }
    } catch (const std::runtime_error& e) {
      ++stats_.errors;
      LogSampled(error_log_, e.what());
      return;
    }
    ++stats_.messages;
    stats_.queue_depth = static_cast<int64_t>(outbox_.pending());
    Pump();
  }

  void Flush(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mutex_);
    drained_.wait_for(lock, timeout, [this] { return outbox_.pending() == 0; });
    if (outbox_.pending() > 0) {
      Log(LogLevel::kWarn, description_ + ": " + std::to_string(outbox_.pending()) +
                               " messages not yet acknowledged; kept in '" + outbox_.path() +
                               "' and sent first by the next run");
    }
  }

  void Stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (driver_.joinable()) driver_.join();
  }

 private:
  // Receives one Paho client's callbacks; lives as long as that client.
  class Listener final : public mqtt::iaction_listener {
   public:
    Listener(MqttSink* sink, uint64_t generation) : sink_(sink), generation_(generation) {}
    // After it returns, no callback reaches the sink.
    void Detach() {
      std::lock_guard lock(mutex_);
      sink_ = nullptr;
    }
    void ConnectionLost(const std::string& cause) {
      const PahoCallbackScope on_paho_thread;
      std::lock_guard lock(mutex_);
      if (sink_) sink_->OnConnectionLost(generation_, cause);
    }

   private:
    void on_success(const mqtt::token& token) override {
      const PahoCallbackScope on_paho_thread;
      std::lock_guard lock(mutex_);
      if (sink_) sink_->OnAcknowledged(generation_, reinterpret_cast<uintptr_t>(token.get_user_context()));
    }
    void on_failure(const mqtt::token& token) override {
      const PahoCallbackScope on_paho_thread;
      std::lock_guard lock(mutex_);
      if (sink_) sink_->OnPublishFailed(generation_, token.get_return_code());
    }

    std::mutex mutex_;
    MqttSink* sink_;
    uint64_t generation_;
  };

  void LogSampled(LogSampler& sampler, const std::string& message) {
    uint64_t n = 0;
    if (sampler.Sample(n)) Log(LogLevel::kError, description_ + ": " + message + " (" + std::to_string(n) + " so far)");
  }

  // Paho callbacks, for the client of `generation` (older clients are ignored).
  void OnAcknowledged(uint64_t generation, uint64_t seq) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    outbox_.Acknowledge(seq);
    stats_.queue_depth = static_cast<int64_t>(outbox_.pending());
    if (outbox_.pending() == 0) drained_.notify_all();
    Pump();
  }

  void OnPublishFailed(uint64_t generation, int code) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    poisoned_ = true;
    Lost("a publish failed (code " + std::to_string(code) + ")");
  }

  void OnConnectionLost(uint64_t generation, const std::string& cause) {
    std::lock_guard lock(mutex_);
    if (generation == generation_) Lost(cause);
  }

  // REQUIRES: mutex_ held.
  void Lost(const std::string& cause) {
    if (!connected_) return;
    connected_ = false;
    stats_.connected = false;
    Log(LogLevel::kWarn, description_ + ": lost the connection to " + url_ + (cause.empty() ? "" : " (" + cause + ")") +
                             (reconnect_ ? "; reconnecting" : "; not reconnecting (automatic.reconnect='false')"));
    wake_.notify_one();
  }

  // The driver thread: (re)connects, hands over what Pump() could not, checkpoints.
  void Drive() {
    std::unique_lock lock(mutex_);
    auto next_checkpoint = std::chrono::steady_clock::now() + kCheckpointEvery;
    bool first = true;
    while (!stopping_) {
      if (!connected_ && (first || reconnect_)) {
        first = false;
        lock.unlock();
        Connect();
        lock.lock();
        continue;
      }
      if (connected_ && outbox_.in_flight() < kWindow) {
        if (const Outbox::Message* m = outbox_.NextToSend()) {
          mqtt::message_ptr message =
              mqtt::make_message(m->topic, m->payload.data(), m->payload.size(), m->qos, m->retain);
          const uint64_t seq = m->seq;
          sending_ = true;  // keeps Pump() from overtaking this message
          lock.unlock();
          std::optional<mqtt::exception> error = HandOver(message, seq);
          lock.lock();
          sending_ = false;
          if (error) SendFailed(*error, seq);
          continue;
        }
      }
      if (std::chrono::steady_clock::now() >= next_checkpoint) {
        Checkpoint();
        next_checkpoint = std::chrono::steady_clock::now() + kCheckpointEvery;
        continue;
      }
      wake_.wait_until(lock, next_checkpoint, [this] {
        return stopping_ || (!connected_ && reconnect_) ||
               (connected_ && outbox_.in_flight() < kWindow && outbox_.has_unsent());
      });
    }
    lock.unlock();
    Disconnect();
    lock.lock();
    Checkpoint();
  }

  // Hands a message to Paho. REQUIRES: connected_ was true under mutex_ since
  // the caller last held it (so client_ is not being replaced), and either
  // mutex_ is not held or this is a Paho callback thread.
  std::optional<mqtt::exception> HandOver(const mqtt::message_ptr& message, uint64_t seq) {
    try {
      client_->publish(message, reinterpret_cast<void*>(static_cast<uintptr_t>(seq)), *listener_);
      return std::nullopt;
    } catch (const mqtt::exception& e) {
      return e;
    }
  }

  // REQUIRES: mutex_ held.
  void SendFailed(const mqtt::exception& e, uint64_t seq) {
    const int code = e.get_return_code();
    if (code == MQTTASYNC_BAD_UTF8_STRING || code == MQTTASYNC_NULL_PARAMETER || code == MQTTASYNC_TOPICNAME_TRUNCATED ||
        code == MQTTASYNC_BAD_QOS) {
      // Paho refuses this message for good.
      outbox_.Acknowledge(seq);
      ++stats_.errors;
      LogSampled(error_log_, std::string("Paho refused a message (") + e.what() + "); dropped");
    } else {
      Lost(e.what());  // sent again on a new connection
    }
  }

  // REQUIRES: mutex_ held. Fills the window from a Paho callback thread, or
  // leaves it to the driver.
  void Pump() {
    if (!PahoCallbackScope::active() || sending_) {
      wake_.notify_one();
      return;
    }
    while (connected_ && outbox_.in_flight() < kWindow) {
      const Outbox::Message* m = outbox_.NextToSend();
      if (m == nullptr) return;
      const uint64_t seq = m->seq;
      if (std::optional<mqtt::exception> error =
              HandOver(mqtt::make_message(m->topic, m->payload.data(), m->payload.size(), m->qos, m->retain), seq)) {
        SendFailed(*error, seq);
        return;
      }
    }
  }

  // Driver thread: a fresh client, connected with backoff (or stopping).
  void Connect() {
    RetireClient();
    uint64_t generation = 0;
    {
      std::lock_guard lock(mutex_);
      generation = generation_;
      poisoned_ = false;
    }
    listener_ = std::make_unique<Listener>(this, generation);
    Listener* listener = listener_.get();
    mqtt::create_options create(MQTTVERSION_3_1_1);
    // Paho counts queued commands against this even while connected.
    create.set_max_buffered_messages(2 * kWindow);
    client_ = std::make_unique<mqtt::async_client>(url_, client_id_, create, nullptr);
    QuietPahoTrace();
    client_->set_connection_lost_handler([listener](const std::string& cause) { listener->ConnectionLost(cause); });
    const bool connected = ConnectWithBackoff(*client_, options_, description_, max_delay_s_,
                                              [this](std::chrono::milliseconds d) {
                                                std::unique_lock lock(mutex_);
                                                return wake_.wait_for(lock, d, [this] { return stopping_; });
                                              });
    if (!connected) return;
    std::lock_guard lock(mutex_);
    connected_ = true;
    stats_.connected = true;
    if (ever_connected_) ++stats_.reconnects;
    ever_connected_ = true;
    outbox_.Rewind();
    Log(LogLevel::kInfo, description_ + ": connected to " + url_ + " as '" + client_id_ + "'" +
                             (outbox_.pending() > 0 ? "; " + std::to_string(outbox_.pending()) + " messages to send" : ""));
  }

  // Driver thread: destroys the current client, or abandons it when a publish
  // failed on it, or when it may still be writing (a disconnect at shutdown
  // that did not finish): destroying it could free buffers a second time. Its
  // callbacks are ignored from here on (a new generation).
  void RetireClient() {
    if (!client_) return;
    const bool writing = client_->is_connected();  // once false, Paho sends nothing more on it
    bool poisoned = false;
    {
      std::lock_guard lock(mutex_);
      poisoned = poisoned_;
      ++generation_;
    }
    listener_->Detach();
    if (poisoned || writing) {
      (void)listener_.release();
      (void)client_.release();
      Log(LogLevel::kDebug, description_ + ": abandoned a Paho client " +
                                (poisoned ? "after a failed write (Paho C 1.3.12 would resend freed memory from it)"
                                          : "that did not disconnect"));
    } else {
      client_.reset();  // pending tokens fail into the detached listener
      listener_.reset();
    }
  }

  // Driver thread, at the end.
  void Disconnect() {
    bool clean = false;
    {
      std::lock_guard lock(mutex_);
      clean = connected_ && !poisoned_;
      connected_ = false;
      stats_.connected = false;
    }
    if (clean) {
      try {
        client_->disconnect(std::chrono::seconds(1))->wait_for(std::chrono::seconds(2));
      } catch (const mqtt::exception& e) {
        Log(LogLevel::kDebug, description_ + ": disconnect: " + e.what());
      }
    }
    RetireClient();
  }

  // REQUIRES: mutex_ held.
  void Checkpoint() {
    try {
      outbox_.Checkpoint();
    } catch (const std::runtime_error& e) {
      LogSampled(error_log_, e.what());
    }
  }

  const std::string description_;
  const std::string url_;
  const std::string client_id_;
  const int qos_;
  const bool retain_;
  const bool reconnect_;
  const mqtt::connect_options options_;
  const int64_t max_delay_s_;

  std::mutex mutex_;
  std::condition_variable wake_;     // the driver
  std::condition_variable drained_;  // Flush()
  Outbox outbox_;
  bool stopping_ = false;
  bool connected_ = false;
  bool poisoned_ = false;       // a publish failed on the current client
  bool sending_ = false;        // the driver is handing a message to Paho
  uint64_t generation_ = 0;     // of the current client
  bool ever_connected_ = false;

  // The driver thread's.
  std::unique_ptr<mqtt::async_client> client_;
  std::unique_ptr<Listener> listener_;  // client_'s
  std::thread driver_;

  LogSampler error_log_{1000};
  LogSampler drop_log_{1000};
};

}  // namespace

std::unique_ptr<Sink> MakeMqttSink(const TransportSpec& spec, const TransportEnvironment& env, int index) {
  return std::make_unique<MqttSink>(spec, env, index);
}

}  // namespace eddy::io
