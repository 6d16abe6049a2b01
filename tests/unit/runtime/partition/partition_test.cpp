// Partition, its routers and instances, with a hand-made query in place of a
// planned one: each instance records what reaches it and owns a timer.
#include "runtime/partition/partition.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "runtime/expr/factory.h"
#include "runtime/partition/partition_router.h"

namespace eddy::runtime {
namespace {

// What the instances did, in order.
struct Log {
  struct Delivery {
    int instance;
    std::vector<std::string> keys;
    bool whole_input;  // the router's own chunk, not a copy
  };
  std::vector<Delivery> deliveries;
  std::vector<std::pair<int, int64_t>> starts;  // instance, clock at start
  std::vector<std::pair<int, int64_t>> timers;  // instance, due
  const EventChunk* input = nullptr;            // the chunk being sent
  int instances = 0;
};

// One instance of the fake query: records its port-0 events; at start it
// schedules a timer `timer_in` ms later on the instance's clock.
class Recorder final : public Processor, public Timer {
 public:
  Recorder(int id, Log* log, Scheduler* clock) : id_(id), log_(log), clock_(clock) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    Log::Delivery d{id_, {}, &chunk == log_->input};
    for (uint32_t r : rows) d.keys.emplace_back(chunk.row(r)[0].str->view());
    log_->deliveries.push_back(std::move(d));
  }
  void OnTimer(int64_t due) override { log_->timers.push_back({id_, due}); }
  std::string Describe() const override { return "Recorder"; }
  void Start(int64_t now, int64_t timer_in) {
    log_->starts.push_back({id_, now});
    if (timer_in > 0) clock_->Schedule(now + timer_in, this);
  }

 private:
  int id_;
  Log* log_;
  Scheduler* clock_;
};

class RecordingQuery final : public InstanceFactory {
 public:
  RecordingQuery(std::vector<StreamJunction*> ports, Log* log, int64_t timer_in)
      : ports_(std::move(ports)), log_(log), timer_in_(timer_in) {}
  void Build(BuildTarget& target) override {
    auto* recorder = static_cast<Recorder*>(
        target.AddProcessor(std::make_unique<Recorder>(log_->instances++, log_, target.clock())));
    for (StreamJunction* port : ports_) target.Resolve(port)->Subscribe(recorder);
    target.OnStart([recorder, in = timer_in_](int64_t now) { recorder->Start(now, in); });
  }

 private:
  std::vector<StreamJunction*> ports_;
  Log* log_;
  int64_t timer_in_;
};

struct Fixture {
  Schema stream{{{"k", Type::kString}, {"v", Type::kInt}}};
  Schema key{{{"key", Type::kString}}};
  Scheduler clock;
  Log log;
  std::unique_ptr<Partition> partition;

  // A partition with `ports` ports over `stream`, all read by the fake query.
  void Build(int ports, int64_t timer_in = 0, std::optional<PurgeSpec> purge = std::nullopt) {
    PartitionSpec spec;
    spec.description = "test";
    spec.key_schema = &key;
    std::vector<StreamJunction*> prototypes;
    for (int i = 0; i < ports; ++i) {
      spec.ports.push_back({std::make_unique<StreamJunction>("S" + std::to_string(i), &stream)});
      prototypes.push_back(spec.ports.back().prototype.get());
    }
    spec.queries.push_back(std::make_unique<RecordingQuery>(prototypes, &log, timer_in));
    spec.purge = purge;
    partition = std::make_unique<Partition>(std::move(spec), &clock);
  }

  // Sends rows {key or null, v} at `ts` through `to`.
  void Send(Processor& to, int64_t ts, const std::vector<std::pair<const char*, int>>& rows) {
    clock.AdvanceTo(ts);
    EventChunk chunk(&stream);
    for (const auto& [k, v] : rows) {
      const uint32_t r = chunk.Append(ts, EventKind::kCurrent);
      if (k != nullptr) chunk.AdoptSlot(r, 0, Slot{.str = StrRep::Make(k)}, false);
      chunk.SetSlot(r, 1, Slot{.i32 = v}, false);
    }
    log.input = &chunk;
    to.Process(chunk, std::span<const uint32_t>(IdentityRows(chunk.size()), chunk.size()));
    log.input = nullptr;
  }

  ValuePartitionRouter ValueRouter(uint32_t port = 0) {
    return ValuePartitionRouter(partition.get(), port, MakeChunkAttribute(0, Type::kString), &clock, "k of S");
  }
};

using Keys = std::vector<std::string>;

TEST_CASE("a value router hands each key's instance its runs of events in arrival order") {
  Fixture f;
  f.Build(1);
  ValuePartitionRouter router = f.ValueRouter();
  f.Send(router, 1000, {{"a", 1}, {"b", 2}, {nullptr, 3}, {"b", 4}, {"a", 5}});
  REQUIRE(f.log.deliveries.size() == 3);
  CHECK(f.log.deliveries[0].instance == 0);
  CHECK(f.log.deliveries[0].keys == Keys{"a"});
  CHECK(f.log.deliveries[1].instance == 1);
  CHECK(f.log.deliveries[1].keys == Keys{"b", "b"});  // the null key between them is dropped
  CHECK(f.log.deliveries[2].instance == 0);
  CHECK(f.log.deliveries[2].keys == Keys{"a"});
  for (const Log::Delivery& d : f.log.deliveries) CHECK_FALSE(d.whole_input);  // shares are copies
  CHECK(f.partition->instance_count() == 2);
  // Instances are made (and started) on their key's first event.
  CHECK(f.log.starts == std::vector<std::pair<int, int64_t>>{{0, 1000}, {1, 1000}});

  f.Send(router, 2000, {{"b", 6}, {"b", 7}});
  REQUIRE(f.log.deliveries.size() == 4);
  CHECK(f.log.deliveries[3].instance == 1);
  CHECK(f.log.deliveries[3].keys == Keys{"b", "b"});
  CHECK(f.log.deliveries[3].whole_input);  // all of the chunk: passed as it is
  CHECK(f.log.instances == 2);

  f.Send(router, 3000, {{nullptr, 8}});
  CHECK(f.log.deliveries.size() == 4);
  CHECK(f.log.instances == 2);
}

TEST_CASE("a range router sends each event alone to every label whose condition holds") {
  Fixture f;
  f.Build(2);
  std::vector<EvaluatorPtr> conditions;
  const auto v = [] { return MakeChunkAttribute(1, Type::kInt); };
  const auto constant = [](int x) { return MakeLiteral(Value::Int(x)); };
  conditions.push_back(MakeComparison(CompareOp::kLt, v(), constant(10)));   // 'low'
  conditions.push_back(MakeComparison(CompareOp::kGe, v(), constant(5)));    // 'high'
  conditions.push_back(MakeComparison(CompareOp::kGt, v(), constant(100)));  // 'huge'
  RangePartitionRouter router(f.partition.get(), 0, std::move(conditions), {"low", "high", "huge"}, &f.clock,
                              "ranges of S0");
  f.Send(router, 1000, {{"x", 7}, {"y", 20}, {"z", 3}, {"w", 50}});
  REQUIRE(f.log.deliveries.size() == 5);
  const std::vector<std::pair<int, std::string>> expected = {{0, "x"}, {1, "x"}, {1, "y"}, {0, "z"}, {1, "w"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    CHECK(f.log.deliveries[i].instance == expected[i].first);
    CHECK(f.log.deliveries[i].keys == Keys{expected[i].second});
  }
  CHECK(f.log.instances == 2);  // 'huge' never held

  // A value key equal to a label shares its instance.
  ValuePartitionRouter values = f.ValueRouter(1);
  f.Send(values, 2000, {{"high", 1}, {"other", 2}});
  REQUIRE(f.log.deliveries.size() == 7);
  CHECK(f.log.deliveries[5].instance == 1);
  CHECK(f.log.deliveries[6].instance == 2);
}

TEST_CASE("a broadcast goes to every instance that exists, in creation order") {
  Fixture f;
  f.Build(2);
  ValuePartitionRouter router = f.ValueRouter(0);
  PartitionBroadcast broadcast(f.partition.get(), 1, "S1");
  f.Send(broadcast, 500, {{"q", 0}});
  CHECK(f.log.deliveries.empty());  // no instance yet
  f.Send(router, 1000, {{"b", 1}});
  f.Send(router, 1000, {{"a", 2}});
  f.Send(broadcast, 1500, {{"q", 3}, {"r", 4}});
  REQUIRE(f.log.deliveries.size() == 4);
  CHECK(f.log.deliveries[2].instance == 0);
  CHECK(f.log.deliveries[3].instance == 1);
  CHECK(f.log.deliveries[3].keys == Keys{"q", "r"});
  CHECK(f.log.deliveries[3].whole_input);
}

TEST_CASE("instances keep their own timers; making an instance leaves the others' alone") {
  Fixture f;
  f.Build(1, /*timer_in=*/1000);
  ValuePartitionRouter router = f.ValueRouter();
  f.Send(router, 1000, {{"a", 1}});
  f.Send(router, 1500, {{"b", 1}});
  f.clock.AdvanceTo(1999);
  CHECK(f.log.timers.empty());
  f.clock.AdvanceTo(2600);
  CHECK(f.log.timers == std::vector<std::pair<int, int64_t>>{{0, 2000}, {1, 2500}});
}

TEST_CASE("purge drops the keys idle for longer than the idle period, with their timers") {
  Fixture f;
  f.Build(1, /*timer_in=*/10000, PurgeSpec{1000, 2000});
  ValuePartitionRouter router = f.ValueRouter();
  f.Send(router, 0, {{"a", 1}});     // checks every 1000 ms from 0
  f.Send(router, 1500, {{"b", 1}});
  f.clock.AdvanceTo(2999);
  CHECK(f.partition->instance_count() == 2);
  f.clock.AdvanceTo(3000);  // a: idle 3000 ms
  CHECK(f.partition->instance_count() == 1);
  CHECK(f.partition->purged() == 1);
  f.Send(router, 3400, {{"b", 2}});  // b stays active
  f.clock.AdvanceTo(5000);
  CHECK(f.partition->instance_count() == 1);
  f.clock.AdvanceTo(6000);  // b: idle 2600 ms
  CHECK(f.partition->instance_count() == 0);
  // Their timers went with them; a key that comes back starts afresh.
  f.Send(router, 20000, {{"a", 3}});
  CHECK(f.log.timers.empty());
  CHECK(f.log.instances == 3);
  CHECK(f.log.deliveries.back().instance == 2);
  CHECK(f.clock.pending() == 2);  // its timer, and the next check at 23000
  f.clock.AdvanceTo(23000);
  CHECK(f.partition->instance_count() == 0);
  // With no key left nothing is scheduled: an idle app does not tick.
  CHECK(f.clock.pending() == 0);
  CHECK(f.log.timers.empty());
}

TEST_CASE("the explain prototype is built once and never fed") {
  Fixture f;
  f.Build(1);
  struct Explain final : BuildTarget {
    Scheduler root;
    Scheduler* clock() override { return &root; }
    Processor* AddProcessor(std::unique_ptr<Processor> p) override {
      kept.push_back(std::move(p));
      return kept.back().get();
    }
    StreamJunction* Resolve(StreamJunction* s) override { return s; }
    void OnStart(std::function<void(int64_t)>) override {}
    void Describe(QueryDescription d) override { described.push_back(d.input); }
    std::vector<std::unique_ptr<Processor>> kept;
    std::vector<std::string> described;
  } explain;
  f.partition->BuildPrototype(explain);
  CHECK(f.log.instances == 1);
  CHECK(f.log.starts.empty());
  CHECK(f.partition->instance_count() == 0);
}

}  // namespace
}  // namespace eddy::runtime
