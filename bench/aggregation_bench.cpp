// Incremental aggregation ingest through the public API:
//   define aggregation A from S select symbol, avg(price) as avgPrice,
//     sum(volume) as vol, count() as n group by symbol aggregate by ts every sec ... year;
// 100 symbols, event times 10 ms apart (a new second bucket every 100 events),
// sent in prebuilt batches; then the cost of one join read over a minute's buckets.
#include <benchmark/benchmark.h>

#include <string>

#include "eddy/engine.h"

namespace {

constexpr const char* kApp =
    "define stream S (symbol string, price double, volume long, ts long);\n"
    "define aggregation A from S select symbol, avg(price) as avgPrice, sum(volume) as vol, count() as n\n"
    "  group by symbol aggregate by ts every sec ... year;\n"
    "define stream Q (since long, until long);\n"
    "from Q join A within since, until per 'seconds' select AGG_TIMESTAMP, symbol, vol insert into O;";

eddy::EventBatch MakeBatch(eddy::InputHandle& in, int size, int64_t& ts) {
  eddy::EventBatch batch = in.NewBatch();
  for (int i = 0; i < size; ++i) {
    batch.Add(1000)
        .SetString(0, "SYM" + std::to_string(i % 100))
        .SetDouble(1, 10.0 + i % 7)
        .SetLong(2, i)
        .SetLong(3, ts);
    ts += 10;
  }
  return batch;
}

// Every iteration sends the same event times again: the buckets exist after
// the first, as in a steady stream whose current buckets are filling.
void BM_AggregationIngest(benchmark::State& state) {
  auto app = eddy::App::Compile(kApp, {.playback = true});
  eddy::InputHandle in = app->Input("S");
  int64_t ts = 1'700'000'000'000;
  const eddy::EventBatch batch = MakeBatch(in, static_cast<int>(state.range(0)), ts);
  for (auto _ : state) in.Send(batch);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_AggregationIngest)->Arg(1024)->Arg(4096);

// One probing event reading 60 second buckets of 100 symbols (6000 rows).
void BM_AggregationJoinRead(benchmark::State& state) {
  auto app = eddy::App::Compile(kApp, {.playback = true});
  uint64_t received = 0;
  app->Subscribe("O", [&received](const eddy::EventBatchView& batch) { received += batch.size(); });
  eddy::InputHandle in = app->Input("S");
  int64_t ts = 1'700'000'040'000;
  in.Send(MakeBatch(in, 6000, ts));
  eddy::InputHandle q = app->Input("Q");
  eddy::EventBatch probe = q.NewBatch();
  probe.Add(2000).SetLong(0, 1'700'000'040'000).SetLong(1, 1'700'000'100'000);
  for (auto _ : state) q.Send(probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 6000);
  if (received != static_cast<uint64_t>(state.iterations()) * 6000) state.SkipWithError("wrong number of rows");
}
BENCHMARK(BM_AggregationJoinRead);

}  // namespace
