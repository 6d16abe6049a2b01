#include "io/mqtt_client.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "io/log.h"

namespace eddy::io {

thread_local int PahoCallbackScope::depth_ = 0;

std::string BrokerUrl(const TransportSpec& spec) {
  const std::string url = spec.Get("url", "");
  if (url.rfind("mqtt://", 0) == 0) return "tcp://" + url.substr(7);
  if (url.rfind("mqtts://", 0) == 0) return "ssl://" + url.substr(8);
  return url;
}

std::string ClientId(const TransportSpec& spec, const TransportEnvironment& env, int index, const char* role) {
  std::string id = spec.Get("client.id", "");
  if (!id.empty()) return id;
  id = "eddy-" + env.app_name + "-" + spec.stream + "-" + role;
  if (index > 0) {
    id += '-';
    id += std::to_string(index);
  }
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
  }
  return id;
}

mqtt::connect_options ConnectOptions(const TransportSpec& spec, bool paho_reconnect, int max_inflight) {
  mqtt::connect_options options;
  options.set_clean_session(spec.GetBool("clean.session", false));
  options.set_keep_alive_interval(static_cast<int>(spec.GetInt("keep.alive", 60)));
  options.set_connect_timeout(static_cast<int>(spec.GetInt("connection.timeout", 30)));
  if (paho_reconnect) options.set_automatic_reconnect(1, static_cast<int>(MaxReconnectDelay(spec)));
  const std::string user = spec.Get("username", "");
  if (!user.empty()) options.set_user_name(user);
  const std::string password = spec.Get("password", "");
  if (!password.empty()) options.set_password(password);
  options.set_max_inflight(max_inflight);
  options.set_mqtt_version(MQTTVERSION_3_1_1);
  const std::string url = BrokerUrl(spec);
  if (url.rfind("ssl://", 0) == 0 || url.rfind("wss://", 0) == 0) options.set_ssl(mqtt::ssl_options());
  return options;
}

int64_t MaxReconnectDelay(const TransportSpec& spec) {
  return std::max<int64_t>(1, spec.GetInt("max.reconnect.delay", 30));
}

std::string StateDirectory(const TransportEnvironment& env) {
  const std::filesystem::path dir = std::filesystem::path(env.state_dir) / "mqtt";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create state directory '" + dir.string() + "': " + ec.message());
  return dir.string();
}

std::vector<std::string> SplitTopics(std::string_view topics) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= topics.size()) {
    size_t comma = topics.find(',', start);
    if (comma == std::string_view::npos) comma = topics.size();
    std::string_view t = topics.substr(start, comma - start);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (!t.empty()) out.emplace_back(t);
    start = comma + 1;
  }
  return out;
}

void QuietPahoTrace() {
  if (std::getenv("MQTT_C_CLIENT_TRACE") == nullptr) MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
}

bool IsPublishTopic(std::string_view topic) {
  return !topic.empty() && topic.size() <= 65535 && topic.find_first_of(std::string_view("+#\0", 3)) == std::string_view::npos;
}

bool ConnectWithBackoff(mqtt::async_client& client, const mqtt::connect_options& options,
                        const std::string& description, int64_t max_delay_s,
                        const std::function<bool(std::chrono::milliseconds)>& wait) {
  std::chrono::milliseconds delay{250};
  while (true) {
    try {
      mqtt::token_ptr token = client.connect(options);
      // Poll so that a stop does not wait for Paho's connect timeout.
      while (!token->wait_for(std::chrono::milliseconds(100))) {
        if (wait(std::chrono::milliseconds(0))) return false;
      }
      return true;
    } catch (const mqtt::exception& e) {
      Log(LogLevel::kWarn, description + ": cannot connect to " + client.get_server_uri() + " (" + e.what() +
                               "); retrying in " + std::to_string(delay.count()) + " ms");
    }
    if (wait(delay)) return false;
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(max_delay_s));
  }
}

}  // namespace eddy::io
