// Table throughput through the public API (1000-event batches, one core):
//  - BM_TableJoinLookup: `from Q join T on Q.symbol == T.symbol select ...`,
//    each event of Q finds its row among 100 000 (an enrichment lookup);
//  - BM_TableUpsert: `update or insert into T ... on T.symbol == symbol` over
//    10 000 keys, each event updating its key's row.
// Both use the table's hash index on `symbol` (the planner adds it).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench/batch_loop.h"
#include "eddy/engine.h"

namespace {

constexpr int kBatch = 1000;

void BM_TableJoinLookup(benchmark::State& state) {
  constexpr int kRows = 100'000;
  auto app = eddy::App::Compile(
      "define stream Load (symbol string, price double);\n"
      "define stream Q (symbol string, qty long);\n"
      "@PrimaryKey('symbol') define table T (symbol string, price double);\n"
      "from Load insert into T;\n"
      "from Q join T on Q.symbol == T.symbol select Q.symbol as symbol, T.price * qty as value insert into O;",
      {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  const std::vector<std::string> symbols = eddy::bench::Symbols(kRows);
  eddy::InputHandle load = app->Input("Load");
  eddy::EventBatch rows = load.NewBatch();
  for (int i = 0; i < kRows; ++i) rows.Add(0).SetString(0, symbols[static_cast<size_t>(i)]).SetDouble(1, i % 97);
  load.Send(rows);
  eddy::InputHandle q = app->Input("Q");
  eddy::bench::SendBatches(state, q, kBatch, [&](eddy::EventBatch& batch, int64_t event) {
    batch.Add(event).SetString(0, symbols[static_cast<size_t>((event * 7919) % kRows)]).SetLong(1, event % 13);
  });
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  state.counters["out_per_event"] = static_cast<double>(received) / static_cast<double>(state.iterations() * kBatch);
}
BENCHMARK(BM_TableJoinLookup);

void BM_TableUpsert(benchmark::State& state) {
  constexpr int kKeys = 10'000;
  auto app = eddy::App::Compile(
      "define stream S (symbol string, price double);\n"
      "define table T (symbol string, price double);\n"
      "from S update or insert into T set T.price = price on T.symbol == symbol;",
      {.playback = true});
  const std::vector<std::string> symbols = eddy::bench::Symbols(kKeys);
  eddy::InputHandle in = app->Input("S");
  eddy::bench::SendBatches(state, in, kBatch, [&](eddy::EventBatch& batch, int64_t event) {
    batch.Add(event).SetString(0, symbols[static_cast<size_t>((event * 7919) % kKeys)]).SetDouble(1, event % 97);
  });
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}
BENCHMARK(BM_TableUpsert);

}  // namespace
