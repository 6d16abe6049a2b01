// Comparison of emitted events with a case's expected.jsonl, as
// conformance/FORMAT.md defines it: per output stream, in order (or as a
// multiset where the case says "unordered"); numbers with a relative tolerance of
// 1e-6 (absolute 1e-9 near zero); an expected integer must not come out as a
// fraction; timestamps only when the case asks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eddy::conformance {

struct CompareOptions {
  bool compare_ts = false;
  bool unordered = false;
};

// Lines as parsed JSON objects ({"stream", "ts", "data"}).
using EventLines = std::vector<nlohmann::json>;

// Empty when equal, else a description of the first difference.
std::string CompareOutputs(const EventLines& expected, const EventLines& actual,
                           const CompareOptions& options);

// True when two JSON values match under the tolerance rules.
bool ValuesMatch(const nlohmann::json& expected, const nlohmann::json& actual);

}  // namespace eddy::conformance
