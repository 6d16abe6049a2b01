#include "runtime/aggregation/aggregation_reader.h"

#include <string>
#include <string_view>

namespace eddy::runtime {
namespace {

// A `within` bound: epoch ms, or a date string.
std::optional<int64_t> BoundOf(Type type, const ColumnView& v) {
  if (v.null(0)) return std::nullopt;
  switch (type) {
    case Type::kLong: return v.at(0).i64;
    case Type::kInt: return v.at(0).i32;
    case Type::kString: return ParseDateTime(v.at(0).str->view());
    default: return std::nullopt;
  }
}

}  // namespace

AggregationReader::AggregationReader(AggregationReaderSpec spec, RefusalLog log, const Scheduler* clock)
    : spec_(std::move(spec)),
      log_(std::move(log)),
      clock_(clock),
      one_(spec_.probe),
      rows_(spec_.store->output_schema()) {}

std::optional<TimeRange> AggregationReader::RangeOf(const EvalFrame& frame) {
  if (spec_.range) return spec_.range;
  const ColumnView start = spec_.start->Eval(frame);
  if (!spec_.end) {
    if (!start.null(0) && spec_.start->type() == Type::kString) {
      if (std::optional<TimeRange> range = ParseWithinPattern(start.at(0).str->view())) return range;
    }
    log_.Refused("no rows joined: 'within' needs a 'yyyy-MM-dd HH:mm:ss' pattern (trailing fields may be **)");
    return std::nullopt;
  }
  const std::optional<int64_t> from = BoundOf(spec_.start->type(), start);
  const std::optional<int64_t> to = BoundOf(spec_.end->type(), spec_.end->Eval(frame));
  if (!from || !to) {
    log_.Refused("no rows joined: a 'within' bound is null or not epoch ms or a 'yyyy-MM-dd HH:mm:ss[ +hh:mm]' date");
    return std::nullopt;
  }
  if (*from >= *to) {
    log_.Refused("no rows joined: 'within' starts at " + std::to_string(*from) + ", not before its end " +
                 std::to_string(*to));
    return std::nullopt;
  }
  return TimeRange{*from, *to};
}

std::optional<Granularity> AggregationReader::GranularityOf(const EvalFrame& frame) {
  if (spec_.per) return spec_.per;
  const ColumnView per = spec_.per_value->Eval(frame);
  if (per.null(0)) {
    log_.Refused("no rows joined: 'per' is null");
    return std::nullopt;
  }
  const std::optional<Granularity> g = ParseGranularity(per.at(0).str->view());
  if (!g || !spec_.store->computes(*g)) {
    log_.Refused("no rows joined: 'per' is '" + std::string(per.at(0).str->view()) +
                 "', not a granularity aggregation '" + spec_.store->name() + "' computes");
    return std::nullopt;
  }
  return g;
}

const EventChunk& AggregationReader::RowsFor(const EventChunk& chunk, uint32_t row) {
  rows_.Clear();
  std::optional<TimeRange> range = spec_.range;
  std::optional<Granularity> per = spec_.per;
  if (!range || !per) {
    one_.Clear();
    one_.AppendCopy(chunk, row);
    const EvalFrame frame{&one_, 1, {}, clock_->now()};
    range = RangeOf(frame);
    if (range) per = GranularityOf(frame);
  }
  if (range && per) spec_.store->AppendRows(*per, *range, rows_);
  return rows_;
}

}  // namespace eddy::runtime
