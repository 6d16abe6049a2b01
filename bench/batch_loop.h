// What the throughput benchmarks share: the symbols they key events by, and
// the loop that sends one batch per iteration, filled outside the timing.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "eddy/engine.h"

namespace eddy::bench {

// "SYM0", "SYM1", ...
inline std::vector<std::string> Symbols(int n) {
  std::vector<std::string> symbols;
  for (int i = 0; i < n; ++i) symbols.push_back("SYM" + std::to_string(i));
  return symbols;
}

// Each iteration: `events` calls of add(batch, event) with event counting up
// from 0 across iterations (untimed), then one timed Send.
template <typename Add>
void SendBatches(benchmark::State& state, InputHandle& in, int events, Add add) {
  EventBatch batch = in.NewBatch();
  int64_t event = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.Clear();
    for (int i = 0; i < events; ++i, ++event) add(batch, event);
    state.ResumeTiming();
    in.Send(batch);
  }
}

}  // namespace eddy::bench
