#include "runtime/partition/partition_instance.h"

#include "runtime/partition/partition.h"

namespace eddy::runtime {

PartitionInstance::PartitionInstance(const PartitionSpec& spec, Scheduler& root, BuildTarget* explain)
    : spec_(spec), timers_(root), explain_(explain) {
  ports_.reserve(spec.ports.size());
  for (const PartitionPort& port : spec.ports) {
    ports_.push_back(std::make_unique<StreamJunction>(port.prototype->name(), &port.prototype->schema()));
  }
  for (const std::unique_ptr<InstanceFactory>& query : spec.queries) query->Build(*this);
}

PartitionInstance::~PartitionInstance() = default;

void PartitionInstance::Start(int64_t now) {
  for (const auto& hook : start_hooks_) hook(now);
  start_hooks_.clear();
}

Processor* PartitionInstance::AddProcessor(std::unique_ptr<Processor> processor) {
  processors_.push_back(std::move(processor));
  return processors_.back().get();
}

StreamJunction* PartitionInstance::Resolve(StreamJunction* planned) {
  for (size_t i = 0; i < spec_.ports.size(); ++i) {
    if (spec_.ports[i].prototype.get() == planned) return ports_[i].get();
  }
  return planned;
}

void PartitionInstance::Describe(QueryDescription description) {
  if (explain_ == nullptr) return;
  description.input += " (in " + spec_.name + ")";
  explain_->Describe(std::move(description));
}

}  // namespace eddy::runtime
