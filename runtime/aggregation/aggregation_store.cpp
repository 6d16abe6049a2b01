#include "runtime/aggregation/aggregation_store.h"

#include <string_view>

namespace eddy::runtime {
namespace {

using Kind = AggregationColumn::Kind;

double AsDouble(Type type, Slot v) {
  switch (type) {
    case Type::kInt: return v.i32;
    case Type::kLong: return static_cast<double>(v.i64);
    case Type::kFloat: return v.f32;
    default: return v.f64;
  }
}

int64_t AsLong(Type type, Slot v) { return type == Type::kInt ? v.i32 : v.i64; }

// a < b for numeric values of one type.
bool Less(Type type, Slot a, Slot b) {
  switch (type) {
    case Type::kInt: return a.i32 < b.i32;
    case Type::kLong: return a.i64 < b.i64;
    case Type::kFloat: return a.f32 < b.f32;
    default: return a.f64 < b.f64;
  }
}

}  // namespace

AggregationStore::AggregationStore(AggregationStoreSpec spec, RefusalLog log, const Scheduler* clock)
    : spec_(std::move(spec)), clock_(clock), state_(&state_schema_), log_(std::move(log)) {
  std::vector<Attribute> state;
  for (const AggregationColumn& c : spec_.columns) {
    StateColumns at{static_cast<uint32_t>(state.size()), 0, false};
    switch (c.kind) {
      case Kind::kSum:
      case Kind::kAvg:
        at.double_sum = c.kind == Kind::kAvg || c.type == Type::kDouble;
        state.push_back({"sum", at.double_sum ? Type::kDouble : Type::kLong});
        at.count = static_cast<uint32_t>(state.size());
        state.push_back({"count", Type::kLong});
        break;
      case Kind::kCount: state.push_back({"count", Type::kLong}); break;
      case Kind::kMin:
      case Kind::kMax:
      case Kind::kLatest: state.push_back({"value", c.type}); break;
    }
    state_columns_.push_back(at);
  }
  state_schema_ = Schema(std::move(state));
  state_ = EventChunk(&state_schema_);
  std::fill(std::begin(level_of_), std::end(level_of_), -1);
  for (Granularity g : spec_.granularities) {
    level_of_[static_cast<int>(g)] = static_cast<int>(levels_.size());
    levels_.push_back(Level{g, {}, {}, {}, {}});
  }
  if (!spec_.group_by.empty()) groups_ = std::make_unique<GroupTable>(spec_.group_schema);
  keys_.resize(spec_.group_by.size());
  values_.resize(spec_.columns.size());
  inputs_.resize(spec_.columns.size());
}

std::string AggregationStore::Describe() const {
  std::string text = "Aggregation '" + spec_.name + "' every";
  for (size_t i = 0; i < spec_.granularities.size(); ++i) {
    text += (i == 0 ? " " : ", ") + std::string(GranularityName(spec_.granularities[i]));
  }
  return text;
}

uint32_t AggregationStore::FindOrAddBucket(Level& level, uint32_t group, int64_t start) {
  if (group >= level.last_start.size()) {
    level.last_start.resize(group + 1, INT64_MIN);
    level.last_row.resize(group + 1, 0);
  }
  if (level.last_start[group] == start) return level.last_row[group];
  auto [it, added] = level.state_row.try_emplace(BucketKey{start, group}, state_.size());
  if (added) {
    // Every base value starts null (no value yet) but the counts, which start at 0.
    const uint32_t row = state_.Append(INT64_MIN, EventKind::kCurrent);
    for (size_t c = 0; c < spec_.columns.size(); ++c) {
      const Kind kind = spec_.columns[c].kind;
      if (kind == Kind::kSum || kind == Kind::kAvg) {
        state_.SetSlot(row, state_columns_[c].count, Slot{.i64 = 0}, false);
      } else if (kind == Kind::kCount) {
        state_.SetSlot(row, state_columns_[c].first, Slot{.i64 = 0}, false);
      }
    }
    level.by_start[start].push_back(row);
  }
  level.last_start[group] = start;
  level.last_row[group] = it->second;
  return it->second;
}

void AggregationStore::Update(uint32_t state_row, int64_t time) {
  Slot* slots = state_.mutable_row(state_row);
  uint8_t* nulls = state_.mutable_nulls(state_row);
  const bool latest = time >= state_.timestamp(state_row);
  if (latest) state_.set_timestamp(state_row, time);
  for (size_t c = 0; c < spec_.columns.size(); ++c) {
    const StateColumns& at = state_columns_[c];
    const Input& in = inputs_[c];
    const uint32_t v = at.first;
    switch (spec_.columns[c].kind) {
      case Kind::kCount: ++slots[v].i64; break;
      case Kind::kSum:
      case Kind::kAvg:
        if (in.null) break;
        if (at.double_sum) {
          slots[v].f64 = nulls[v] ? in.value.f64 : slots[v].f64 + in.value.f64;
        } else {
          slots[v].i64 = nulls[v] ? in.value.i64 : slots[v].i64 + in.value.i64;
        }
        nulls[v] = 0;
        ++slots[at.count].i64;
        break;
      case Kind::kMin:
      case Kind::kMax: {
        if (in.null) break;
        const Type type = spec_.columns[c].type;
        if (nulls[v] || (spec_.columns[c].kind == Kind::kMin ? Less(type, in.value, slots[v])
                                                           : Less(type, slots[v], in.value))) {
          slots[v] = in.value;
          nulls[v] = 0;
        }
        break;
      }
      case Kind::kLatest:
        if (latest) state_.SetSlot(state_row, v, in.value, in.null);
        break;
    }
  }
}

void AggregationStore::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const EvalFrame frame{&chunk, chunk.size(), {}, clock_->now()};
  ColumnView time;
  if (spec_.time) time = spec_.time->Eval(frame);
  for (size_t k = 0; k < spec_.group_by.size(); ++k) keys_[k] = spec_.group_by[k]->Eval(frame);
  for (size_t c = 0; c < spec_.columns.size(); ++c) {
    if (spec_.columns[c].value) values_[c] = spec_.columns[c].value->Eval(frame);
  }
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    int64_t t = chunk.timestamp(row);
    if (spec_.time) {
      if (time.null(row)) {
        log_.Refused("event not aggregated: its 'aggregate by' value is null");
        continue;
      }
      if (spec_.time->type() == Type::kString) {
        const StrRep* text = time.at(row).str;
        const std::optional<int64_t> parsed = ParseDateTime(std::string_view(text->data, text->size));
        if (!parsed) {
          log_.Refused("event not aggregated: its 'aggregate by' value '" + std::string(text->view()) +
                       "' is not a 'yyyy-MM-dd HH:mm:ss[ +hh:mm]' date");
          continue;
        }
        t = *parsed;
      } else {
        t = time.at(row).i64;
      }
    }
    for (size_t c = 0; c < spec_.columns.size(); ++c) {
      const AggregationColumn& column = spec_.columns[c];
      if (!column.value) continue;
      Input& in = inputs_[c];
      in.null = values_[c].null(row);
      in.value = values_[c].at(row);
      if (in.null || (column.kind != Kind::kSum && column.kind != Kind::kAvg)) continue;
      const Type arg = column.value->type();
      if (state_columns_[c].double_sum) {
        in.value.f64 = AsDouble(arg, in.value);
      } else {
        in.value.i64 = AsLong(arg, in.value);
      }
    }
    const uint32_t group = groups_ ? groups_->FindOrAdd(keys_, row) : 0;
    starts_.Set(t);
    for (Level& level : levels_) Update(FindOrAddBucket(level, group, starts_[level.granularity]), t);
  }
}

void AggregationStore::AppendRows(Granularity g, TimeRange range, EventChunk& out) const {
  const Level& level = levels_[level_of_[static_cast<int>(g)]];
  for (auto it = level.by_start.lower_bound(range.start); it != level.by_start.end() && it->first < range.end;
       ++it) {
    for (uint32_t state_row : it->second) {
      const Slot* slots = state_.row(state_row);
      const uint8_t* nulls = state_.nulls(state_row);
      const uint32_t row = out.Append(it->first, EventKind::kCurrent);
      out.SetSlot(row, 0, Slot{.i64 = it->first}, false);
      for (size_t c = 0; c < spec_.columns.size(); ++c) {
        const AggregationColumn& column = spec_.columns[c];
        const uint32_t at = state_columns_[c].first;
        const uint32_t to = static_cast<uint32_t>(c + 1);
        if (column.kind == Kind::kAvg) {
          const int64_t count = slots[state_columns_[c].count].i64;
          out.SetSlot(row, to, Slot{.f64 = count == 0 ? 0.0 : slots[at].f64 / static_cast<double>(count)},
                      count == 0);
        } else {
          out.SetSlot(row, to, slots[at], nulls[at] != 0);
        }
      }
    }
  }
}

}  // namespace eddy::runtime
