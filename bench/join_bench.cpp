// Join throughput through the public API:
//   define stream A (symbol string, price double);
//   define stream B (symbol string, volume long);
//   from A#window.length(1000) join B#window.length(1000) on A.symbol == B.symbol
//   select A.symbol as symbol, price, volume insert into O;
// 1000 symbols, so a trigger matches about one event of the other window.
// Batches of 1000 events go to A and B in turn (events/s counts both).
// BM_JoinLengthScan writes the condition so that no key index applies
// (`... or false`): every trigger then evaluates the condition over the other
// window's 1000 events, which is what the index saves.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "eddy/engine.h"

namespace {

constexpr int kBatch = 1000;
constexpr int kSymbols = 1000;

void Run(benchmark::State& state, const std::string& on) {
  auto app = eddy::App::Compile(
      "define stream A (symbol string, price double);\n"
      "define stream B (symbol string, volume long);\n"
      "from A#window.length(1000) join B#window.length(1000) on " + on + "\n"
      "select A.symbol as symbol, price, volume insert into O;",
      {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  eddy::InputHandle a = app->Input("A");
  eddy::InputHandle b = app->Input("B");
  std::vector<std::string> symbols;
  for (int i = 0; i < kSymbols; ++i) symbols.push_back("SYM" + std::to_string(i));
  eddy::EventBatch a_batch = a.NewBatch();
  eddy::EventBatch b_batch = b.NewBatch();
  int64_t event = 0;
  bool to_a = true;
  for (auto _ : state) {
    state.PauseTiming();
    eddy::EventBatch& batch = to_a ? a_batch : b_batch;
    batch.Clear();
    for (int i = 0; i < kBatch; ++i, ++event) {
      // A stride coprime with kSymbols spreads each batch over the symbols.
      const std::string& symbol = symbols[static_cast<size_t>((event * 7919) % kSymbols)];
      if (to_a) {
        batch.Add(event).SetString(0, symbol).SetDouble(1, static_cast<double>(event % 97));
      } else {
        batch.Add(event).SetString(0, symbol).SetLong(1, event % 13);
      }
    }
    state.ResumeTiming();
    (to_a ? a : b).Send(batch);
    to_a = !to_a;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  state.counters["out_per_event"] =
      static_cast<double>(received) / static_cast<double>(state.iterations() * kBatch);
}

void BM_JoinLengthEquiKey(benchmark::State& state) { Run(state, "A.symbol == B.symbol"); }
BENCHMARK(BM_JoinLengthEquiKey);

void BM_JoinLengthScan(benchmark::State& state) { Run(state, "A.symbol == B.symbol or false"); }
BENCHMARK(BM_JoinLengthScan);

}  // namespace
