// Windowed aggregation throughput through the public API (issue 3's targets):
//   define stream S (symbol string, price double, volume long);
//   (a) from S#window.length(1000) select symbol, avg(price) as ap group by symbol insert into O;
//   (b) from S#window.time(1 sec) select symbol, sum(volume) as v group by symbol insert into O;
//       with 1 ms of event time per event, and (c) with 1000 events per ms
//       (about 1 M live events in the window).
// 100 symbols; events are built in memory and sent in batches of 1000.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/heap_bytes.h"
#include "bench/batch_loop.h"
#include "eddy/engine.h"

namespace {

constexpr int kBatch = 1000;

void Run(benchmark::State& state, const char* query, int events_per_ms) {
  auto app = eddy::App::Compile(
      std::string("define stream S (symbol string, price double, volume long);\n") + query,
      {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  eddy::InputHandle in = app->Input("S");
  const std::vector<std::string> symbols = eddy::bench::Symbols(100);
  eddy::bench::SendBatches(state, in, kBatch, [&](eddy::EventBatch& batch, int64_t event) {
    batch.Add(event / events_per_ms)
        .SetString(0, symbols[static_cast<size_t>(event % 100)])
        .SetDouble(1, static_cast<double>(event % 97))
        .SetLong(2, event % 13);
  });
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  benchmark::DoNotOptimize(received);
}

void BM_LengthWindowAvgGroupBy(benchmark::State& state) {
  Run(state, "from S#window.length(1000) select symbol, avg(price) as ap group by symbol insert into O;", 1);
}
BENCHMARK(BM_LengthWindowAvgGroupBy);

void BM_TimeWindowSumGroupBy(benchmark::State& state) {
  Run(state, "from S#window.time(1 sec) select symbol, sum(volume) as v group by symbol insert into O;", 1);
}
BENCHMARK(BM_TimeWindowSumGroupBy);

void BM_TimeWindowSumGroupBy1MLive(benchmark::State& state) {
  Run(state, "from S#window.time(1 sec) select symbol, sum(volume) as v group by symbol insert into O;", 1000);
}

using eddy::bench::HeapBytes;

// (c)'s memory: heap bytes per windowed event once the window holds ~1 M events,
// everything included; string_bytes_per_event is what the events' own string
// payloads (each event's symbol is its own string) take where the window holds
// them: the general path does, the fused sliding aggregation holds no strings.
void BM_TimeWindowMemoryPerEvent(benchmark::State& state) {
  constexpr int kLive = 1'000'000;
  for (auto _ : state) {
    auto app = eddy::App::Compile(
        "define stream S (symbol string, price double, volume long);\n"
        "from S#window.time(1 sec) select symbol, sum(volume) as v group by symbol insert into O;",
        {.playback = true});
    app->Subscribe("O", [](const eddy::EventBatchView&) {});
    eddy::InputHandle in = app->Input("S");
    const std::vector<std::string> symbols = eddy::bench::Symbols(100);
    eddy::EventBatch batch = in.NewBatch();
    const size_t before = HeapBytes();
    size_t string_bytes = 0;
    for (int64_t event = 0; event < kLive; ++event) {
      const std::string& symbol = symbols[static_cast<size_t>(event % 100)];
      batch.Add(event / 1000).SetString(0, symbol).SetDouble(1, 1.0).SetLong(2, event % 13);
      // A string rep: 8 bytes of header, the text and a NUL, in a malloc chunk.
      string_bytes += ((8 + symbol.size() + 1 + 8 + 15) / 16) * 16;
      if (batch.size() == kBatch) {
        in.Send(batch);
        batch.Clear();
      }
    }
    const size_t after = HeapBytes();
    state.counters["bytes_per_event"] = static_cast<double>(after - before) / kLive;
    state.counters["string_bytes_per_event"] = static_cast<double>(string_bytes) / kLive;
  }
}
BENCHMARK(BM_TimeWindowMemoryPerEvent)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimeWindowSumGroupBy1MLive);

}  // namespace
