// Pattern throughput through the public API (issue 4's targets):
//   (a) from every e1=S[price > 90] -> e2=S[symbol == e1.symbol and price < e1.price] within 10 sec
//       select e1.symbol, e1.price as p1, e2.price as p2 insert into O;
//       100 symbols, 1 ms of event time per event, prices pseudo-random in [0, 100).
//   (b) the cost per event as the live partial matches grow from 1 k to 1 M:
//       from every e1=S[kind == 0] -> e2=S[kind == 1 and id == e1.id] select e1.id, e2.t insert into O;
//       opens and closes alternate; each close completes the open made `live` opens before,
//       so `live` partial matches wait at e2 all the time (the cap is raised above 1 M).
// Events are built in memory and sent in batches of 1000.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/batch_loop.h"
#include "eddy/engine.h"

namespace {

constexpr int kBatch = 1000;

void BM_PatternFollowedBy(benchmark::State& state) {
  auto app = eddy::App::Compile(
      "define stream S (symbol string, price double, volume long);\n"
      "from every e1=S[price > 90] -> e2=S[symbol == e1.symbol and price < e1.price] within 10 sec\n"
      "select e1.symbol, e1.price as p1, e2.price as p2 insert into O;",
      {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  eddy::InputHandle in = app->Input("S");
  const std::vector<std::string> symbols = eddy::bench::Symbols(100);
  uint64_t rng = 42;
  eddy::bench::SendBatches(state, in, kBatch, [&](eddy::EventBatch& batch, int64_t event) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    batch.Add(event)
        .SetString(0, symbols[static_cast<size_t>((rng >> 33) % 100)])
        .SetDouble(1, static_cast<double>((rng >> 17) % 10000) / 100.0)
        .SetLong(2, event);
  });
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  state.counters["matches"] = benchmark::Counter(static_cast<double>(received), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PatternFollowedBy);

void BM_PatternLivePartialMatches(benchmark::State& state) {
  const int64_t live = state.range(0);
  auto app = eddy::App::Compile(
      "define stream S (id long, kind int, t long);\n"
      "@info(name='sweep', max.partial.matches='2000000')\n"
      "from every e1=S[kind == 0] -> e2=S[kind == 1 and id == e1.id] select e1.id, e2.t insert into O;",
      {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  eddy::InputHandle in = app->Input("S");
  eddy::EventBatch batch = in.NewBatch();
  int64_t opened = 0;
  int64_t ts = 0;
  auto open = [&](eddy::EventBatch& b) { b.Add(ts).SetLong(0, opened++).SetInt(1, 0).SetLong(2, ts); };
  // Fill: `live` opens waiting for their close.
  while (opened < live) {
    batch.Clear();
    for (int i = 0; i < kBatch && opened < live; ++i) open(batch);
    ++ts;
    in.Send(batch);
  }
  int64_t closed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.Clear();
    for (int i = 0; i < kBatch / 2; ++i) {
      open(batch);
      batch.Add(ts).SetLong(0, closed++).SetInt(1, 1).SetLong(2, ts);
    }
    ++ts;
    state.ResumeTiming();
    in.Send(batch);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  if (received != static_cast<uint64_t>(closed)) state.SkipWithError("every close must complete one match");
}
BENCHMARK(BM_PatternLivePartialMatches)->Arg(1000)->Arg(10000)->Arg(100000)->Arg(1000000);

}  // namespace
