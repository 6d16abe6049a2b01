// What the mqtt source and sink share: turning an @source/@sink(type='mqtt')
// into Paho MQTT C++ settings (broker URL, client id, connect options, state
// directory), topic helpers, and the first-connection loop with backoff.
// Plain functions; no state.
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/transport.h"

namespace eddy::io {

// Paho's scheme names: mqtt:// is tcp://, mqtts:// is ssl://.
std::string BrokerUrl(const TransportSpec& spec);

// client.id, or "eddy-<app>-<stream>-<role>[-<index>]" with characters other
// than letters, digits, '-' and '_' replaced by '-'.
std::string ClientId(const TransportSpec& spec, const TransportEnvironment& env, int index, const char* role);

// MQTT 3.1.1 (Paho's default would fall back to 3.1 after a failed attempt),
// clean.session (default false), keep.alive, connection.timeout, credentials,
// TLS for ssl:// and wss://. Paho's automatic reconnect only when `paho_reconnect`.
mqtt::connect_options ConnectOptions(const TransportSpec& spec, bool paho_reconnect, int max_inflight);

// max.reconnect.delay in seconds (default 30, at least 1).
int64_t MaxReconnectDelay(const TransportSpec& spec);

// state_dir/mqtt, created. Throws std::runtime_error.
std::string StateDirectory(const TransportEnvironment& env);

// "a/+/b, c/#" -> {"a/+/b", "c/#"}.
std::vector<std::string> SplitTopics(std::string_view topics);

// A topic a PUBLISH may carry: 1..65535 bytes, no wildcard ('+', '#'), no NUL.
// (A rendered {{attribute}} topic can be anything; the broker would drop the
// connection for a bad one.)
bool IsPublishTopic(std::string_view topic);

// Paho C formats a trace line for every packet into an in-memory ring even
// when no trace is written (several snprintf calls per message, payload
// excerpts included). This keeps errors only, unless MQTT_C_CLIENT_TRACE asks
// for a trace. Call after creating a client (creating the first one resets it).
void QuietPahoTrace();

// Marks the current thread as running a Paho callback while it lives. Paho C
// runs every client's callbacks on its one receive thread (and some failures on
// its send thread); there, Paho calls take no Paho lock, so code holding a lock
// that Paho callbacks also take may call Paho (elsewhere that could deadlock:
// Paho holds its global lock while it runs callbacks).
class PahoCallbackScope {
 public:
  PahoCallbackScope() { ++depth_; }
  ~PahoCallbackScope() { --depth_; }
  PahoCallbackScope(const PahoCallbackScope&) = delete;
  PahoCallbackScope& operator=(const PahoCallbackScope&) = delete;
  static bool active() { return depth_ > 0; }

 private:
  static thread_local int depth_;
};

// Connects `client`, retrying with exponential backoff (250 ms doubling up to
// max_delay_s) and logging each failure. `wait` waits up to the given time and
// returns true when the caller is stopping; then false is returned.
bool ConnectWithBackoff(mqtt::async_client& client, const mqtt::connect_options& options,
                        const std::string& description, int64_t max_delay_s,
                        const std::function<bool(std::chrono::milliseconds)>& wait);

}  // namespace eddy::io
