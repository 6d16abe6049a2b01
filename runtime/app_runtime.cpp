#include "runtime/app_runtime.h"

#include "runtime/partition/partition.h"

namespace eddy::runtime {

AppRuntime::AppRuntime(std::string name) : name_(std::move(name)) {}
AppRuntime::~AppRuntime() = default;

Partition* AppRuntime::AddPartition(std::unique_ptr<Partition> partition) {
  partitions_.push_back(std::move(partition));
  return partitions_.back().get();
}

StreamJunction* AppRuntime::AddStream(const std::string& name, Schema schema) {
  auto junction = std::make_unique<StreamJunction>(name, std::move(schema));
  StreamJunction* raw = junction.get();
  streams_[name] = std::move(junction);
  stream_order_.push_back(raw);
  roles_[name];
  return raw;
}

StreamJunction* AppRuntime::FindStream(std::string_view name) const {
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : it->second.get();
}

const StreamRole* AppRuntime::FindRole(std::string_view stream) const {
  auto it = roles_.find(stream);
  return it == roles_.end() ? nullptr : &it->second;
}

const Schema* AppRuntime::OwnSchema(Schema schema) {
  schemas_.push_back(std::make_unique<Schema>(std::move(schema)));
  return schemas_.back().get();
}

void AppRuntime::AddTrigger(StreamJunction* stream, int64_t period_ms, std::optional<CronSchedule> cron) {
  triggers_.push_back(std::make_unique<Trigger>(stream, &scheduler_, period_ms, std::move(cron)));
}

void AppRuntime::Describe(QueryDescription description) {
  const auto index = static_cast<uint32_t>(queries_.size());
  queries_.push_back(std::move(description));
  for (StreamJunction* stream : stream_order_) stream->ClaimSubscriptions(index);
}

void AppRuntime::EnableQueryTiming() {
  if (query_timing_) return;
  query_timing_ = std::make_unique<QueryTiming>(queries_.size());
  for (StreamJunction* stream : stream_order_) stream->set_timing(query_timing_.get());
}

void AppRuntime::Start(int64_t now) {
  scheduler_.Reset(now);
  started_ = true;
  for (auto& hook : start_hooks_) hook(now);
  for (auto& trigger : triggers_) trigger->Start(now);
}

std::string AppRuntime::Explain() const {
  std::string out = "app " + name_ + "\n";
  for (const StreamJunction* stream : stream_order_) {
    out += "  stream " + stream->name() + " " + stream->schema().ToString() + "\n";
  }
  for (const QueryDescription& query : queries_) {
    // A partition lists its routers; its queries follow.
    out += query.partition ? "  " + query.name + ": " + query.input + "\n"
                           : "  query " + query.name + ": from " + query.input + "\n";
    for (const Processor* p : query.chain) out += "    -> " + p->Describe() + "\n";
  }
  return out;
}

}  // namespace eddy::runtime
