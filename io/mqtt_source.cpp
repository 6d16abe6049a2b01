// The mqtt source, over Paho MQTT C++ (async client).
//
// Delivery: QoS 1 with clean.session=false (the default) and a fixed client id
// keeps a persistent session at the broker, so messages published while Eddy
// is down or disconnected wait there. Each message is mapped and processed
// inside Paho's message callback, and Paho sends the PUBACK only after the
// callback returns (MQTTProtocol_handlePublishes: the publication is processed,
// then acknowledged). The app's sinks make their output durable before
// returning (mqtt_sink.cpp), so once a message is acknowledged, what it
// produced is not lost; a message whose processing did not finish (SIGKILL) is
// delivered again after a restart: at least once.
//
// Reconnects are Paho's own (backoff up to max.reconnect.delay), after a first
// connection made here with the same backoff; every (re)connection
// subscribes again. The Paho C 1.3.12 bug that makes the sink use a fresh
// client per connection concerns outgoing PUBLISH packets, which a source
// does not send.
//
// Backpressure: processing runs on Paho's callback thread, so a slow app slows
// reading from the socket and the broker queues for us; nothing queues without
// bound inside Eddy.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "io/log.h"
#include "io/mqtt_client.h"

namespace eddy::io {
namespace {

class MqttSource final : public Source {
 public:
  MqttSource(const TransportSpec& spec, const TransportEnvironment& env, int index)
      : description_(spec.Describe()),
        topics_(SplitTopics(spec.Get("topic", ""))),
        qos_(static_cast<int>(spec.GetInt("quality.of.service", 1))),
        client_id_(ClientId(spec, env, index, "source")),
        options_(ConnectOptions(spec, spec.GetBool("automatic.reconnect", true), 100)),
        max_delay_s_(MaxReconnectDelay(spec)) {
    // Paho's file store keeps QoS 1/2 messages received but not yet delivered
    // to the callback (none in normal operation) across a restart.
    client_ = spec.GetBool("clean.session", false)
                  ? std::make_unique<mqtt::async_client>(BrokerUrl(spec), client_id_)
                  : std::make_unique<mqtt::async_client>(BrokerUrl(spec), client_id_, StateDirectory(env));
    QuietPahoTrace();
  }
  ~MqttSource() override { Stop(); }

  void Start(DeliverFunction deliver) override {
    deliver_ = std::move(deliver);
    client_->set_message_callback([this](mqtt::const_message_ptr message) {
      const PahoCallbackScope on_paho_thread;  // sinks may publish directly from here
      std::lock_guard lock(deliver_mutex_);
      if (closed_) return;  // cannot happen: Paho delivers nothing after disconnecting
      ++stats_.messages;
      const mqtt::binary_ref& payload = message->get_payload_ref();
      deliver_(Message{std::string_view(payload.data(), payload.size())});
    });
    client_->set_connected_handler([this](const std::string&) {
      const bool again = ever_connected_.exchange(true);
      stats_.connected = true;
      if (again) ++stats_.reconnects;
      Log(LogLevel::kInfo, description_ + ": connected to " + client_->get_server_uri() + " as '" + client_id_ + "'");
      Subscribe();
    });
    client_->set_connection_lost_handler([this](const std::string& cause) {
      stats_.connected = false;
      Log(LogLevel::kWarn, description_ + ": lost the connection to " + client_->get_server_uri() +
                               (cause.empty() ? "" : " (" + cause + ")") +
                               (options_.get_automatic_reconnect() ? "; reconnecting" : ""));
    });
    connector_ = std::thread([this] {
      ConnectWithBackoff(*client_, options_, description_, max_delay_s_, [this](std::chrono::milliseconds d) {
        std::unique_lock lock(stop_mutex_);
        return wake_.wait_for(lock, d, [this] { return stopping_; });
      });
    });
  }

  // Messages keep being processed until the disconnect completes: one dropped
  // here would be acknowledged yet lost.
  void Stop() override {
    {
      std::lock_guard lock(stop_mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (connector_.joinable()) connector_.join();
    try {
      if (client_->is_connected()) client_->disconnect(std::chrono::seconds(5))->wait_for(std::chrono::seconds(6));
    } catch (const mqtt::exception& e) {
      Log(LogLevel::kDebug, description_ + ": disconnect: " + e.what());
    }
    stats_.connected = false;
    std::lock_guard lock(deliver_mutex_);
    closed_ = true;
  }

 private:
  // Runs in Paho's connected callback. Subscribing again on a persistent
  // session is harmless, and needed when the broker lost the session (it was
  // restarted without persistence).
  void Subscribe() {
    for (const std::string& topic : topics_) {
      try {
        client_->subscribe(topic, qos_);
      } catch (const mqtt::exception& e) {
        Log(LogLevel::kError, description_ + ": cannot subscribe to '" + topic + "': " + e.what());
      }
    }
  }

  std::string description_;
  std::vector<std::string> topics_;
  int qos_;
  std::string client_id_;
  mqtt::connect_options options_;
  int64_t max_delay_s_;
  std::unique_ptr<mqtt::async_client> client_;
  DeliverFunction deliver_;
  std::mutex deliver_mutex_;
  bool closed_ = false;
  std::atomic<bool> ever_connected_{false};
  std::mutex stop_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread connector_;
};

}  // namespace

std::unique_ptr<Source> MakeMqttSource(const TransportSpec& spec, const TransportEnvironment& env, int index) {
  return std::make_unique<MqttSource>(spec, env, index);
}

}  // namespace eddy::io
