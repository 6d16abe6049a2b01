#include "runtime/partition/partition_router.h"

namespace eddy::runtime {
namespace {

constexpr uint32_t kNoKey = UINT32_MAX;

// Hands rows[begin, end) of `chunk` to `port` of `instance`: the chunk itself
// when they are all of it, else a copy in `share`.
void DeliverShare(PartitionInstance& instance, uint32_t port, const EventChunk& chunk,
                  std::span<const uint32_t> rows, std::unique_ptr<EventChunk>& share) {
  if (rows.size() == chunk.size()) {
    instance.port(port).Deliver(chunk, rows);
    return;
  }
  if (!share) share = std::make_unique<EventChunk>(&chunk.schema());
  for (uint32_t row : rows) share->AppendCopy(chunk, row);
  instance.port(port).Deliver(*share, std::span<const uint32_t>(IdentityRows(share->size()), share->size()));
  share->Clear();  // now, while its rows are in cache
}

}  // namespace

ValuePartitionRouter::ValuePartitionRouter(Partition* partition, uint32_t port, EvaluatorPtr key,
                                           const Scheduler* clock, std::string description)
    : partition_(partition), port_(port), key_(std::move(key)), clock_(clock), description_(std::move(description)) {}

void ValuePartitionRouter::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const EvalFrame frame{&chunk, chunk.size(), {}, clock_->now()};
  const ColumnView key = key_->Eval(frame);
  ReentrantScratch<Scratch>::Lease s(scratch_);
  // Key ids first (the view is not valid once an instance has run), then the
  // runs of equal keys in arrival order; null keys are skipped.
  s->key_ids.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    s->key_ids[i] = key.null(rows[i]) ? kNoKey : partition_->KeyId(key, rows[i]);
  }
  size_t i = 0;
  while (i < rows.size()) {
    const uint32_t id = s->key_ids[i];
    if (id == kNoKey) {
      ++i;
      continue;
    }
    s->rows.clear();
    for (; i < rows.size() && (s->key_ids[i] == id || s->key_ids[i] == kNoKey); ++i) {
      if (s->key_ids[i] == id) s->rows.push_back(rows[i]);
    }
    DeliverShare(partition_->Instance(id), port_, chunk, s->rows, s->share);
  }
}

RangePartitionRouter::RangePartitionRouter(Partition* partition, uint32_t port, std::vector<EvaluatorPtr> conditions,
                                           std::vector<std::string> labels, const Scheduler* clock,
                                           std::string description)
    : partition_(partition),
      port_(port),
      conditions_(std::move(conditions)),
      labels_(partition->spec().key_schema),
      clock_(clock),
      description_(std::move(description)) {
  for (const std::string& label : labels) {
    const uint32_t row = labels_.Append(0, EventKind::kCurrent);
    labels_.AdoptSlot(row, 0, Slot{.str = StrRep::Make(label)}, false);
  }
}

void RangePartitionRouter::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const EvalFrame frame{&chunk, chunk.size(), {}, clock_->now()};
  ReentrantScratch<Scratch>::Lease s(scratch_);
  s->holds.clear();
  for (const EvaluatorPtr& condition : conditions_) s->holds.push_back(condition->Eval(frame));
  // Which labels each event goes to, before any instance runs (the views are
  // not valid once one has).
  std::vector<uint32_t>& targets = s->targets;  // (row, label) pairs, flattened
  targets.clear();
  for (uint32_t row : rows) {
    for (uint32_t label = 0; label < s->holds.size(); ++label) {
      const ColumnView& holds = s->holds[label];
      if (holds.null(row) || !holds.at(row).b) continue;
      targets.push_back(row);
      targets.push_back(label);
    }
  }
  const ColumnView label_keys{labels_.slots(), labels_.null_flags(), 1, 1};
  for (size_t t = 0; t < targets.size(); t += 2) {
    const uint32_t key_id = partition_->KeyId(label_keys, targets[t + 1]);
    DeliverShare(partition_->Instance(key_id), port_, chunk, std::span<const uint32_t>(&targets[t], 1), s->share);
  }
}

void PartitionBroadcast::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  // To the instances that exist now: one made while broadcasting is not fed
  // this chunk.
  const size_t n = partition_->instance_count();
  for (size_t i = 0; i < n; ++i) partition_->instance_at(i).port(port_).Deliver(chunk, rows);
}

}  // namespace eddy::runtime
