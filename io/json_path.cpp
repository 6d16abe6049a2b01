#include "io/json_path.h"

#include <stdexcept>

namespace eddy::io {

std::vector<JsonPathStep> ParseJsonPath(std::string_view path) {
  if (path.empty() || path[0] != '$') throw std::invalid_argument("a JSON path starts with '$'");
  std::vector<JsonPathStep> steps;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      const size_t start = ++i;
      while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
      if (i == start) throw std::invalid_argument("empty member name at offset " + std::to_string(start));
      steps.push_back({std::string(path.substr(start, i - start)), -1});
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) throw std::invalid_argument("'[' has no closing ']'");
      std::string_view inside = path.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"') && inside.back() == inside.front()) {
        steps.push_back({std::string(inside.substr(1, inside.size() - 2)), -1});
      } else {
        if (inside.empty()) throw std::invalid_argument("empty '[]'");
        int64_t index = 0;
        for (char c : inside) {
          if (c < '0' || c > '9') throw std::invalid_argument("'[" + std::string(inside) + "]' is neither an index nor a quoted name");
          index = index * 10 + (c - '0');
          if (index > 1'000'000'000) throw std::invalid_argument("index too large");
        }
        steps.push_back({"", index});
      }
      i = close + 1;
    } else {
      throw std::invalid_argument("unexpected '" + std::string(1, path[i]) + "' at offset " + std::to_string(i));
    }
  }
  return steps;
}

}  // namespace eddy::io
