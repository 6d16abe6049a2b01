// The state of one `define aggregation` (LANGUAGE.md §16): fed by the
// aggregation's input stream, it keeps per granularity, bucket and group the
// base values of every selected attribute, and reads them back as rows of the
// aggregation's schema [AGG_TIMESTAMP | selected attributes].
//
// Base values per bucket and group: sum and count for sum/avg (avg = sum /
// count when read), count for count(), the extreme value for min/max, and for
// any other selected expression the value of the bucket's latest event (the
// greatest bucket time; of equal times, the later arrival). Nulls are skipped
// by sum/avg/min/max; a bucket with no non-null value reads null.
//
// Ingest costs O(granularities) per CURRENT event: each granularity caches the
// bucket each group last used, so events in a group's current bucket find it
// without a lookup; only a new bucket or group allocates. Out-of-order events
// land in their own (older) bucket. Buckets are kept for the app's life.
//
// Ownership: the app runtime owns the store; join readers point at it. Not
// thread-safe (an app's processing is serialized).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/aggregation/bucket_time.h"
#include "runtime/event_chunk.h"
#include "runtime/expr/evaluator.h"
#include "runtime/operator/group_table.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"
#include "runtime/table/table_operators.h"

namespace eddy::runtime {

struct AggregationColumn {
  enum class Kind { kSum, kAvg, kCount, kMin, kMax, kLatest };
  Kind kind = Kind::kLatest;
  EvaluatorPtr value;  // the argument (kSum/kAvg/kMin/kMax) or the expression (kLatest); null for kCount
  Type type = Type::kLong;  // the output type (Siddhi's: avg double, sum long or double, count long)
};

struct AggregationStoreSpec {
  std::string name;
  const Schema* output = nullptr;  // [AGG_TIMESTAMP long | one attribute per column]
  std::vector<Granularity> granularities;  // distinct, finest first
  EvaluatorPtr time;  // `aggregate by`: long epoch ms or a date string; null: the event timestamp
  std::vector<EvaluatorPtr> group_by;
  const Schema* group_schema = nullptr;  // the group-by keys' types; REQUIRED when group_by is not empty
  std::vector<AggregationColumn> columns;
};

class AggregationStore final : public Processor {
 public:
  // `log` reports the events skipped (see skipped()).
  AggregationStore(AggregationStoreSpec spec, RefusalLog log, const Scheduler* clock);

  const std::string& name() const { return spec_.name; }
  const Schema* output_schema() const { return spec_.output; }
  bool computes(Granularity g) const { return level_of_[static_cast<int>(g)] >= 0; }
  const std::vector<Granularity>& granularities() const { return spec_.granularities; }
  // Events skipped because their `aggregate by` value was null or not a date.
  uint64_t skipped() const { return log_.count(); }

  // Ingests the CURRENT rows of `rows`; other kinds are ignored.
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override;

  // Appends to `out` (of output_schema()) one row per group of every bucket of
  // granularity `g` starting in `range`, by bucket start, groups in order of
  // first arrival. REQUIRES: computes(g).
  void AppendRows(Granularity g, TimeRange range, EventChunk& out) const;

 private:
  struct BucketKey {
    int64_t start;
    uint32_t group;
    bool operator==(const BucketKey&) const = default;
  };
  struct BucketKeyHash {
    size_t operator()(const BucketKey& k) const {
      return static_cast<size_t>(Avalanche(static_cast<uint64_t>(k.start) * 31 + k.group));
    }
  };
  // One granularity's buckets.
  struct Level {
    Granularity granularity;
    std::unordered_map<BucketKey, uint32_t, BucketKeyHash> state_row;  // -> row of state_
    std::map<int64_t, std::vector<uint32_t>> by_start;                  // start -> its state rows
    std::vector<int64_t> last_start;  // by group: the bucket it last used, and its state row
    std::vector<uint32_t> last_row;
  };
  // Where a column's base values are in a state row.
  struct StateColumns {
    uint32_t first;   // sum, count, min/max or latest value
    uint32_t count;   // kSum/kAvg: the count of non-null values
    bool double_sum;  // kSum/kAvg: the sum is a double (else a long)
  };
  // One event's value for a column, converted once for every granularity:
  // sums widened to the sum's type.
  struct Input {
    Slot value;
    bool null;
  };

  uint32_t FindOrAddBucket(Level& level, uint32_t group, int64_t start);
  // Adds the event in inputs_ (at bucket time `time`) to a state row.
  void Update(uint32_t state_row, int64_t time);

  AggregationStoreSpec spec_;
  const Scheduler* clock_;
  Schema state_schema_;
  EventChunk state_;  // one row per (granularity, bucket, group); its timestamp: the latest event's time
  std::vector<StateColumns> state_columns_;
  std::vector<Level> levels_;
  int level_of_[kGranularities];  // index into levels_, or -1
  std::unique_ptr<GroupTable> groups_;
  // Per-chunk scratch.
  std::vector<ColumnView> keys_;
  std::vector<ColumnView> values_;
  std::vector<Input> inputs_;
  BucketStarts starts_;
  RefusalLog log_;
};

}  // namespace eddy::runtime
