// Partition throughput through the public API:
//   define stream S (symbol string, price double, volume long);
//   partition with (symbol of S) begin
//     from S#window.length(10) select symbol, avg(price) as ap insert into O;
//   end;
// (a) 1000 keys taking turns (each event's key differs from the previous one's,
//     so every event is a run of its own), (b) the same keys in runs of 10
//     events, (c) a new key every event (instance creation). Events are built in
//     memory and sent in batches of 1000.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/heap_bytes.h"
#include "bench/batch_loop.h"
#include "eddy/engine.h"

namespace {

constexpr int kBatch = 1000;
constexpr const char* kApp =
    "define stream S (symbol string, price double, volume long);\n"
    "partition with (symbol of S) begin\n"
    "  from S#window.length(10) select symbol, avg(price) as ap insert into O;\n"
    "end;";

// key_of(event) names the key of each event.
template <typename KeyOf>
void Run(benchmark::State& state, KeyOf key_of) {
  auto app = eddy::App::Compile(kApp, {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  eddy::InputHandle in = app->Input("S");
  eddy::bench::SendBatches(state, in, kBatch, [&](eddy::EventBatch& batch, int64_t event) {
    batch.Add(event).SetString(0, key_of(event)).SetDouble(1, static_cast<double>(event % 97)).SetLong(2, event % 13);
  });
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  benchmark::DoNotOptimize(received);
}

std::vector<std::string> Symbols(int n) {
  std::vector<std::string> symbols;
  for (int i = 0; i < n; ++i) symbols.push_back("SYM" + std::to_string(i));
  return symbols;
}

void BM_PartitionLengthWindowAvg1000KeysTakingTurns(benchmark::State& state) {
  const std::vector<std::string> symbols = Symbols(1000);
  Run(state, [&](int64_t e) -> const std::string& { return symbols[static_cast<size_t>(e % 1000)]; });
}
BENCHMARK(BM_PartitionLengthWindowAvg1000KeysTakingTurns);

void BM_PartitionLengthWindowAvg1000KeysRunsOf10(benchmark::State& state) {
  const std::vector<std::string> symbols = Symbols(1000);
  Run(state, [&](int64_t e) -> const std::string& { return symbols[static_cast<size_t>((e / 10) % 1000)]; });
}
BENCHMARK(BM_PartitionLengthWindowAvg1000KeysRunsOf10);

void BM_PartitionNewKeyEveryEvent(benchmark::State& state) {
  std::string key;
  Run(state, [&](int64_t e) -> const std::string& { return key = "K" + std::to_string(e); });
}
BENCHMARK(BM_PartitionNewKeyEveryEvent)->Iterations(200);

using eddy::bench::HeapBytes;

// Heap bytes per partition instance of the query above, each holding one event.
void BM_PartitionMemoryPerKey(benchmark::State& state) {
  constexpr int kKeys = 100'000;
  for (auto _ : state) {
    auto app = eddy::App::Compile(kApp, {.playback = true});
    eddy::InputHandle in = app->Input("S");
    const size_t before = HeapBytes();
    eddy::EventBatch batch = in.NewBatch();
    for (int k = 0; k < kKeys; ++k) {
      batch.Add(k).SetString(0, "K" + std::to_string(k)).SetDouble(1, 1.0).SetLong(2, 1);
      if (batch.size() == kBatch) {
        in.Send(batch);
        batch.Clear();
      }
    }
    state.counters["bytes_per_key"] = static_cast<double>(HeapBytes() - before) / kKeys;
  }
}
BENCHMARK(BM_PartitionMemoryPerKey)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
