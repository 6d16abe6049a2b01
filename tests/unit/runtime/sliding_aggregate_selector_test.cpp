// The fused sliding-window aggregation (SlidingAggregateSelector) against the
// general path (window + AggregateSelector): the same apps, planned with and
// without fusion, on the same randomized input must emit exactly the same rows.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "parser/parse.h"
#include "planner/planner.h"
#include "runtime/app_runtime.h"

namespace eddy::runtime {
namespace {

constexpr const char* kSchema =
    "define stream S (symbol string, price double, volume long, flag bool, qty int);\n";

// Collects every row a stream publishes.
class Collector final : public Processor {
 public:
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    std::string line = "chunk";
    for (uint32_t row : rows) {
      line += "\n  " + std::to_string(chunk.timestamp(row)) + ":";
      const EventView view = chunk.view(row);
      for (uint32_t a = 0; a < chunk.arity(); ++a) line += " " + view.value(a).ToString();
    }
    out.push_back(line);
  }
  std::string Describe() const override { return "Collector"; }
  std::vector<std::string> out;
};

struct Step {
  bool advance_only = false;  // move the clock to `advance` without events (timers fire)
  int64_t advance = 0;
  std::vector<int64_t> timestamps;
  std::vector<int> symbols;  // -1: null
  std::vector<double> prices;
  std::vector<bool> null_prices;
  std::vector<int64_t> volumes;
  std::vector<bool> null_volumes;
  std::vector<bool> flags;
  std::vector<int> qtys;
};

// Chunks of 1..40 events (sometimes 200), with nulls, equal and out-of-order
// timestamps, clock jumps, and clock-only advances between chunks. Null values
// come in stretches of steps, so that windows also drain of them (the fused
// walk without null tests) and fill with them again.
std::vector<Step> RandomInput(uint32_t seed, int steps) {
  std::mt19937 rng(seed);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  std::vector<Step> input;
  int64_t t = 1000;
  bool nulls = true;
  for (int s = 0; s < steps; ++s) {
    Step step;
    if (pick(6) == 0) nulls = !nulls;
    if (pick(8) == 0) {
      t += pick(4) == 0 ? 5000 : pick(300);
      step.advance_only = true;
      step.advance = t;
      input.push_back(step);
      continue;
    }
    const int n = pick(10) == 0 ? 200 : 1 + pick(40);
    for (int i = 0; i < n; ++i) {
      const int gap = pick(20);
      if (gap == 0) t += 3000;                  // a jump past the windows
      else if (gap < 12) t += pick(60);         // often equal timestamps
      const int64_t ts = pick(15) == 0 ? t - pick(500) : t;  // sometimes late
      step.timestamps.push_back(ts);
      step.symbols.push_back(pick(12) == 0 ? -1 : pick(7));
      step.prices.push_back(static_cast<double>(pick(100000)) / 7.0);
      step.null_prices.push_back(nulls && pick(10) == 0);
      step.volumes.push_back(pick(50) - 10);
      step.null_volumes.push_back(nulls && pick(10) == 0);
      step.flags.push_back(pick(2) == 0);
      step.qtys.push_back(pick(5));
    }
    input.push_back(step);
  }
  return input;
}

std::vector<std::string> Run(const std::string& query, const std::vector<Step>& input, bool fuse,
                             bool* fused_seen = nullptr) {
  planner::PlanOptions options;
  options.playback = true;
  options.fuse_sliding_aggregates = fuse;
  std::unique_ptr<AppRuntime> app = planner::PlanApp(parser::ParseApp(std::string(kSchema) + query), options);
  if (fused_seen != nullptr) {
    *fused_seen = false;
    for (const QueryDescription& q : app->queries()) {
      for (const Processor* p : q.chain) *fused_seen = *fused_seen || p->Describe().find(" + Aggregate") != std::string::npos;
    }
  }
  Collector collector;
  app->FindStream("O")->Subscribe(&collector);
  StreamJunction* in = app->FindStream("S");
  EventChunk chunk(&in->schema());
  for (const Step& step : input) {
    if (step.advance_only) {
      if (app->started()) app->AdvanceTo(step.advance);
      continue;
    }
    chunk.Clear();
    int64_t latest = step.timestamps[0];
    for (size_t i = 0; i < step.timestamps.size(); ++i) {
      const uint32_t row = chunk.Append(step.timestamps[i], EventKind::kCurrent);
      if (step.symbols[i] >= 0) {
        StrRep* symbol = StrRep::Make("S" + std::to_string(step.symbols[i]));
        chunk.AdoptSlot(row, 0, Slot{.str = symbol}, false);
      }
      chunk.SetSlot(row, 1, Slot{.f64 = step.prices[i]}, step.null_prices[i]);
      chunk.SetSlot(row, 2, Slot{.i64 = step.volumes[i]}, step.null_volumes[i]);
      Slot flag{};
      flag.b = step.flags[i];
      chunk.SetSlot(row, 3, flag, false);
      chunk.SetSlot(row, 4, Slot{.i32 = step.qtys[i]}, false);
      latest = std::max(latest, step.timestamps[i]);
    }
    if (!app->started()) app->Start(latest);
    app->AdvanceTo(latest);
    app->Send(in, chunk);
  }
  return collector.out;
}

void CheckSame(const std::string& query, bool expect_fused = true) {
  CAPTURE(query);
  bool fused = false;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    const std::vector<Step> input = RandomInput(seed, 60);
    const std::vector<std::string> general = Run(query, input, false);
    const std::vector<std::string> fast = Run(query, input, true, &fused);
    CHECK(fused == expect_fused);
    REQUIRE(general.size() == fast.size());
    CHECK(!general.empty());
    for (size_t i = 0; i < general.size(); ++i) {
      CAPTURE(i);
      REQUIRE(general[i] == fast[i]);
    }
  }
}

TEST_CASE("fused length window: same output as the general path") {
  CheckSame("from S#window.length(5) select symbol, avg(price) as ap group by symbol insert into O;");
  CheckSame("from S#window.length(1) select symbol, sum(volume) as v, count() as n group by symbol insert into O;");
  CheckSame("from S#window.length(37) select symbol, flag, sum(price) as sp, min(price) as lo, max(volume) as hi, "
            "stddev(price) as sd group by symbol, flag insert into O;");
  CheckSame("from S#window.length(9) select sum(volume) as v, avg(price) as ap, count() as n insert into O;");
  CheckSame("from S#window.length(12) select symbol, count() as n, avg(price * volume) as w group by symbol "
            "having n > 2 and w > 0 insert into O;");
  CheckSame("from S[volume > 5]#window.length(6) select symbol, qty, max(price) as mp, minForever(volume) as mf, "
            "distinctCount(volume) as dc group by symbol, qty order by mp desc limit 3 insert into O;");
  CheckSame("from S#window.length(8) select symbol, and(flag) as all_, or(flag) as any_, sum(qty) as q "
            "group by symbol having sum(qty) > 3 insert current events into O;");
  CheckSame("from S#window.length(10) select symbol, sum(volume) as v group by symbol "
            "output last every 4 events insert into O;");
  // Rings that grow over several chunks, to a length not a power of two;
  // constant arguments (a column of stride 0).
  CheckSame("from S#window.length(150) select symbol, sum(2) as two, avg(price) as ap group by symbol insert into O;");
  CheckSame("from S#window.length(70) select sum(1.5) as c insert into O;");
  CheckSame("from S[qty > 1]#window.length(23) select symbol, avg(volume) as av group by symbol insert into O;");
}

TEST_CASE("fused time windows: expiries with the next arrival and on timers") {
  CheckSame("from S#window.time(100) select symbol, sum(volume) as v group by symbol insert into O;");
  CheckSame("from S#window.time(1 sec) select symbol, avg(price) as ap, count() as n group by symbol insert into O;");
  CheckSame("from S#window.time(0) select symbol, sum(volume) as v group by symbol insert into O;");
  CheckSame("from S#window.time(250) select max(price) as mp, min(volume) as lv, sum(price) as sp insert into O;");
  CheckSame("from S#window.time(300) select symbol, flag, maxForever(price) as mf, stddev(volume) as sd "
            "group by symbol, flag having mf > 1000.0 insert into O;");
  CheckSame("from S#window.timeLength(200, 5) select symbol, sum(price) as sp, count() as n group by symbol "
            "insert into O;");
  CheckSame("from S#window.time(400) select symbol, sum(volume) as v group by symbol output all every 100 milliseconds "
            "insert into O;");
  CheckSame("partition with (symbol of S) begin from S#window.time(150) select symbol, sum(volume) as v, "
            "avg(price) as ap insert into O; end;");
}

TEST_CASE("what does not fuse keeps the general path") {
  // Expired events are output, a snapshot needs the rows, string arguments hold
  // references, and arguments read the clock.
  CheckSame("from S#window.length(5) select symbol, sum(volume) as v group by symbol insert all events into O;", false);
  CheckSame("from S#window.length(5) select symbol, sum(volume) as v group by symbol "
            "output snapshot every 50 milliseconds insert into O;", false);
  CheckSame("from S#window.length(5) select distinctCount(symbol) as d insert into O;", false);
  CheckSame("from S#window.time(100) select symbol, max(currentTimeMillis()) as m group by symbol insert into O;",
            false);
  CheckSame("from S#window.length(0) select symbol, sum(volume) as v group by symbol insert into O;", false);
}

}  // namespace
}  // namespace eddy::runtime
