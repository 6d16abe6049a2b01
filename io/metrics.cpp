#include "io/metrics.h"

#include <cstdio>

namespace eddy::io {
namespace {

std::string LabelText(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"";
    for (char c : v) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  if (!extra.empty()) out += (first ? "" : ",") + extra;
  return out + "}";
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void LatencyHistogram::Record(double seconds) {
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

double LatencyHistogram::sum() const { return static_cast<double>(sum_nanos_.load()) / 1e9; }

void MetricsWriter::Add(const std::string& name, const char* type, const char* help, const Labels& labels,
                        double value) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
    order_.push_back(name);
  }
  it->second.samples.push_back(name + LabelText(labels) + " " + Number(value));
}

void MetricsWriter::AddHistogram(const std::string& name, const char* help, const Labels& labels,
                                 const LatencyHistogram& h) {
  std::array<uint64_t, LatencyHistogram::kBounds.size() + 1> counts{};
  uint64_t bucketed = 0;
  for (size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) bucketed += counts[i] = h.bucket(i);
  const uint64_t total = h.count();
  counts.back() = total > bucketed ? total - bucketed : 0;
  AddHistogram(name, help, labels, LatencyHistogram::kBounds, counts, h.sum());
}

void MetricsWriter::AddHistogram(const std::string& name, const char* help, const Labels& labels,
                                 std::span<const double> bounds, std::span<const uint64_t> counts, double sum) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = "histogram";
    it->second.help = help;
    order_.push_back(name);
  }
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts[i];
    it->second.samples.push_back(name + "_bucket" + LabelText(labels, "le=\"" + Number(bounds[i]) + "\"") + " " +
                                 std::to_string(cumulative));
  }
  cumulative += counts[bounds.size()];
  it->second.samples.push_back(name + "_bucket" + LabelText(labels, "le=\"+Inf\"") + " " + std::to_string(cumulative));
  it->second.samples.push_back(name + "_sum" + LabelText(labels) + " " + Number(sum));
  it->second.samples.push_back(name + "_count" + LabelText(labels) + " " + std::to_string(cumulative));
}

std::string MetricsWriter::Text() const {
  std::string out;
  for (const std::string& name : order_) {
    const Family& f = families_.at(name);
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const std::string& s : f.samples) out += s + "\n";
  }
  return out;
}

}  // namespace eddy::io
