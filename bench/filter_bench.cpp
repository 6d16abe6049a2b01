// Filter + projection throughput through the public API:
//   define stream S (symbol string, price double, volume long);
//   from S[price > 50] select symbol, price insert into O;
// Events are generated in memory (100 symbols, half of them passing the filter)
// and sent in prebuilt batches; the callback counts what arrives at O.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "eddy/engine.h"

namespace {

constexpr const char* kApp =
    "define stream S (symbol string, price double, volume long);\n"
    "from S[price > 50] select symbol, price insert into O;";

std::unique_ptr<eddy::App> MakeApp(uint64_t& received) {
  auto app = eddy::App::Compile(kApp, {.playback = true});
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  return app;
}

eddy::EventBatch MakeBatch(eddy::InputHandle& in, int size, int64_t ts) {
  eddy::EventBatch batch = in.NewBatch();
  for (int i = 0; i < size; ++i) {
    batch.Add(ts)
        .SetString(0, "SYM" + std::to_string(i % 100))
        .SetDouble(1, i % 2 == 0 ? 75.0 : 25.0)  // exactly half pass price > 50
        .SetLong(2, i);
  }
  return batch;
}

void BM_FilterProjectBatched(benchmark::State& state) {
  uint64_t received = 0;
  auto app = MakeApp(received);
  eddy::InputHandle in = app->Input("S");
  const eddy::EventBatch batch = MakeBatch(in, static_cast<int>(state.range(0)), 1000);
  for (auto _ : state) in.Send(batch);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.counters["passed"] = benchmark::Counter(static_cast<double>(received), benchmark::Counter::kIsRate);
  if (received != static_cast<uint64_t>(state.iterations()) * static_cast<uint64_t>(state.range(0)) / 2) {
    state.SkipWithError("wrong number of output events");
  }
}
BENCHMARK(BM_FilterProjectBatched)->Arg(1024)->Arg(4096);

// One event per Send, the way replay and simple embedders feed the engine.
void BM_FilterProjectSingle(benchmark::State& state) {
  uint64_t received = 0;
  auto app = MakeApp(received);
  eddy::InputHandle in = app->Input("S");
  std::vector<eddy::EventBatch> events;
  for (int i = 0; i < 256; ++i) {
    eddy::EventBatch e = in.NewBatch();
    e.Add(1000).SetString(0, "SYM" + std::to_string(i % 100)).SetDouble(1, i % 2 == 0 ? 75.0 : 25.0).SetLong(2, i);
    events.push_back(std::move(e));
  }
  size_t i = 0;
  for (auto _ : state) {
    in.Send(events[i]);
    i = (i + 1) & 255;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FilterProjectSingle);

}  // namespace
