// Prometheus text exposition (format 0.0.4) for /metrics: metric families with
// HELP and TYPE written once, samples with labels; and a fixed-bucket latency
// histogram that threads update without locks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eddy::io {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Latencies in seconds, buckets from 10 us to 10 s.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 12> kBounds = {1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3,
                                                     1e-2, 5e-2, 0.1,  0.5,  1.0,  10.0};
  void Record(double seconds);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;
  uint64_t bucket(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets_{};  // cumulative counts are built on export
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_nanos_{0};
};

// Collects samples per family, then writes them grouped (Prometheus wants each
// family's samples together).
class MetricsWriter {
 public:
  void Add(const std::string& name, const char* type, const char* help, const Labels& labels, double value);
  void AddHistogram(const std::string& name, const char* help, const Labels& labels, const LatencyHistogram& h);
  // `counts` per bucket, not cumulative: counts[i] for values up to bounds[i]
  // (above bounds[i-1]), the last one for values above every bound.
  // REQUIRES: counts.size() == bounds.size() + 1.
  void AddHistogram(const std::string& name, const char* help, const Labels& labels, std::span<const double> bounds,
                    std::span<const uint64_t> counts, double sum);
  std::string Text() const;

 private:
  struct Family {
    std::string type;
    std::string help;
    std::vector<std::string> samples;
  };
  std::map<std::string, Family> families_;
  std::vector<std::string> order_;
};

}  // namespace eddy::io
