// What a join with an aggregation searches (LANGUAGE.md §16): for each probing
// event, the aggregation's rows of the buckets of the `per` granularity that
// start within the `within` range.
//
// `within` is one pattern string ('2017-06-01 04:**:**') or two bounds (long
// epoch ms or date strings), `per` a granularity name. Each is a constant
// resolved at plan time or an evaluator over the probing side's schema,
// evaluated on a one-row copy of the probing event. A probing event whose
// values do not make a range and a computed granularity finds no rows and is
// logged (RefusalLog).
//
// Ownership: the query's recipe owns the reader; it points at the store, which
// the app runtime owns. Shared by a query's partition instances; not
// thread-safe (an app's processing is serialized, and the join side copies the
// rows before anything else runs).
#pragma once

#include <optional>

#include "runtime/aggregation/aggregation_store.h"
#include "runtime/row_source.h"
#include "runtime/table/table_operators.h"

namespace eddy::runtime {

struct AggregationReaderSpec {
  const AggregationStore* store = nullptr;
  const Schema* probe = nullptr;    // the probing side's schema
  std::optional<TimeRange> range;   // a constant `within`
  EvaluatorPtr start, end;          // otherwise; end null: start is a pattern
  std::optional<Granularity> per;   // a constant `per`
  EvaluatorPtr per_value;           // otherwise: a string
};

class AggregationReader final : public ProbedRowSource {
 public:
  AggregationReader(AggregationReaderSpec spec, RefusalLog log, const Scheduler* clock);

  const EventChunk& RowsFor(const EventChunk& chunk, uint32_t row) override;

 private:
  // The range or granularity of the probing event in one_; nullopt, logged, when it has none.
  std::optional<TimeRange> RangeOf(const EvalFrame& frame);
  std::optional<Granularity> GranularityOf(const EvalFrame& frame);

  AggregationReaderSpec spec_;
  RefusalLog log_;
  const Scheduler* clock_;
  EventChunk one_;   // the probing event
  EventChunk rows_;  // what it finds
};

}  // namespace eddy::runtime
