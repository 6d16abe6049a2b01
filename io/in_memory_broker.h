// An in-process, topic-based message bus: the `inMemory` source and sink, and
// the way an embedder feeds and reads apps run by io::AppRunner without a
// network. Topics match exactly. Thread-safe; subscribers are called on the
// publishing thread, outside the broker's lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/value.h"

namespace eddy::io {

class InMemoryBroker {
 public:
  // A text payload, or (for passThrough) an event's values.
  struct Envelope {
    std::string_view payload;
    const std::vector<Value>* event = nullptr;
  };
  using Subscriber = std::function<void(const Envelope&)>;

  static InMemoryBroker& Instance();

  // Returns an id for Unsubscribe.
  uint64_t Subscribe(const std::string& topic, Subscriber subscriber);
  void Unsubscribe(uint64_t id);
  void Publish(std::string_view topic, std::string_view payload);
  void PublishEvent(std::string_view topic, const std::vector<Value>& event);

 private:
  void Dispatch(std::string_view topic, const Envelope& envelope);

  std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::multimap<std::string, std::pair<uint64_t, std::shared_ptr<Subscriber>>, std::less<>> subscribers_;
};

}  // namespace eddy::io
