// Test helper: collects what an app emits on a stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eddy/engine.h"

namespace eddy::testing {

struct Collected {
  std::vector<std::vector<Value>> rows;
  std::vector<int64_t> timestamps;
};

// REQUIRES: `out` outlives the app's callbacks.
inline void Collect(App& app, const std::string& stream, Collected& out) {
  app.Subscribe(stream, [&out](const EventBatchView& batch) {
    for (uint32_t i = 0; i < batch.size(); ++i) {
      std::vector<Value> row;
      for (uint32_t a = 0; a < batch[i].size(); ++a) row.push_back(batch[i].value(a));
      out.rows.push_back(row);
      out.timestamps.push_back(batch[i].timestamp());
    }
  });
}

}  // namespace eddy::testing
