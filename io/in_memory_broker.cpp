#include "io/in_memory_broker.h"

#include <memory>

#include "io/transport.h"

namespace eddy::io {

InMemoryBroker& InMemoryBroker::Instance() {
  static InMemoryBroker broker;
  return broker;
}

uint64_t InMemoryBroker::Subscribe(const std::string& topic, Subscriber subscriber) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  subscribers_.emplace(topic, std::make_pair(id, std::make_shared<Subscriber>(std::move(subscriber))));
  return id;
}

void InMemoryBroker::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mutex_);
  for (auto it = subscribers_.begin(); it != subscribers_.end(); ++it) {
    if (it->second.first == id) {
      subscribers_.erase(it);
      return;
    }
  }
}

void InMemoryBroker::Dispatch(std::string_view topic, const Envelope& envelope) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = subscribers_.equal_range(topic);
    for (auto it = begin; it != end; ++it) targets.push_back(it->second.second);
  }
  for (const auto& s : targets) (*s)(envelope);
}

void InMemoryBroker::Publish(std::string_view topic, std::string_view payload) {
  Dispatch(topic, Envelope{payload, nullptr});
}

void InMemoryBroker::PublishEvent(std::string_view topic, const std::vector<Value>& event) {
  Dispatch(topic, Envelope{{}, &event});
}

namespace {

class InMemorySource final : public Source {
 public:
  explicit InMemorySource(const TransportSpec& spec) : topic_(spec.Get("topic", "")) {}
  ~InMemorySource() override { Stop(); }
  void Start(DeliverFunction deliver) override {
    stats_.connected = true;
    id_ = InMemoryBroker::Instance().Subscribe(topic_, [this, deliver = std::move(deliver)](const InMemoryBroker::Envelope& e) {
      ++stats_.messages;
      deliver(Message{e.payload, e.event});
    });
  }
  void Stop() override {
    if (id_ != 0) InMemoryBroker::Instance().Unsubscribe(id_);
    id_ = 0;
  }

 private:
  std::string topic_;
  uint64_t id_ = 0;
};

class InMemorySink final : public Sink {
 public:
  explicit InMemorySink(const TransportSpec& spec) : topic_(spec.Get("topic", "")) {}
  void Start() override { stats_.connected = true; }
  void Publish(std::string_view, std::string_view payload) override {
    ++stats_.messages;
    InMemoryBroker::Instance().Publish(topic_, payload);
  }
  void PublishEvent(std::string_view, const std::vector<Value>& event) override {
    ++stats_.messages;
    InMemoryBroker::Instance().PublishEvent(topic_, event);
  }
  void Stop() override {}

 private:
  std::string topic_;
};

}  // namespace

std::unique_ptr<Source> MakeInMemorySource(const TransportSpec& spec) { return std::make_unique<InMemorySource>(spec); }
std::unique_ptr<Sink> MakeInMemorySink(const TransportSpec& spec) { return std::make_unique<InMemorySink>(spec); }

}  // namespace eddy::io
