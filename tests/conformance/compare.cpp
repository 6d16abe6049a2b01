#include "compare.h"

#include <algorithm>
#include <cmath>

namespace eddy::conformance {

using nlohmann::json;

bool ValuesMatch(const json& expected, const json& actual) {
  if (expected.is_number() && actual.is_number()) {
    // An int/long must not come out as a fraction.
    if (expected.is_number_integer() && !actual.is_number_integer()) return false;
    const double e = expected.get<double>();
    const double a = actual.get<double>();
    if (e == a) return true;
    const double diff = std::fabs(e - a);
    if (std::fabs(e) < 1e-9 || std::fabs(a) < 1e-9) return diff <= 1e-9;
    return diff <= 1e-6 * std::max(std::fabs(e), std::fabs(a));
  }
  return expected == actual;
}

namespace {

bool EventsMatch(const json& e, const json& a, bool compare_ts) {
  if (compare_ts && e.value("ts", int64_t{0}) != a.value("ts", int64_t{0})) return false;
  const json& ed = e["data"];
  const json& ad = a["data"];
  if (!ed.is_array() || !ad.is_array() || ed.size() != ad.size()) return false;
  for (size_t i = 0; i < ed.size(); ++i) {
    if (!ValuesMatch(ed[i], ad[i])) return false;
  }
  return true;
}

std::map<std::string, EventLines> ByStream(const EventLines& lines) {
  std::map<std::string, EventLines> out;
  for (const json& line : lines) out[line.value("stream", "")].push_back(line);
  return out;
}

std::string Show(const json& line) { return line.dump(); }

}  // namespace

std::string CompareOutputs(const EventLines& expected, const EventLines& actual, const CompareOptions& options) {
  const auto want = ByStream(expected);
  const auto got = ByStream(actual);
  for (const auto& [stream, lines] : got) {
    if (want.find(stream) == want.end()) {
      return "stream '" + stream + "': " + std::to_string(lines.size()) + " unexpected event(s), first " +
             Show(lines.front());
    }
  }
  for (const auto& [stream, lines] : want) {
    auto it = got.find(stream);
    const EventLines empty;
    const EventLines& have = it == got.end() ? empty : it->second;
    if (options.unordered) {
      std::vector<bool> used(have.size(), false);
      for (const json& e : lines) {
        bool found = false;
        for (size_t j = 0; j < have.size() && !found; ++j) {
          if (!used[j] && EventsMatch(e, have[j], options.compare_ts)) used[j] = found = true;
        }
        if (!found) return "stream '" + stream + "': expected " + Show(e) + " is missing";
      }
      if (have.size() != lines.size()) {
        return "stream '" + stream + "': expected " + std::to_string(lines.size()) + " events, got " +
               std::to_string(have.size());
      }
      continue;
    }
    for (size_t i = 0; i < std::max(lines.size(), have.size()); ++i) {
      if (i >= have.size()) {
        return "stream '" + stream + "' event " + std::to_string(i) + ": expected " + Show(lines[i]) +
               ", got nothing (" + std::to_string(have.size()) + " of " + std::to_string(lines.size()) + ")";
      }
      if (i >= lines.size()) {
        return "stream '" + stream + "' event " + std::to_string(i) + ": unexpected " + Show(have[i]);
      }
      if (!EventsMatch(lines[i], have[i], options.compare_ts)) {
        return "stream '" + stream + "' event " + std::to_string(i) + ": expected " + Show(lines[i]) + ", got " +
               Show(have[i]);
      }
    }
  }
  return "";
}

}  // namespace eddy::conformance
