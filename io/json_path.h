// The subset of JSONPath that Siddhi's json mapper uses: $, .name, ['name'] and
// [index], e.g. "$.stock.price" or "$['readings'][0]".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eddy::io {

struct JsonPathStep {
  std::string key;     // object member; empty for an index step
  int64_t index = -1;  // array index; -1 for a member step
};

// Throws std::invalid_argument describing what is wrong.
std::vector<JsonPathStep> ParseJsonPath(std::string_view path);

}  // namespace eddy::io
