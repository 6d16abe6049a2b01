#include "runtime/operator/aggregate_selector.h"

#include <tuple>

namespace eddy::runtime {

AggregateSelector::AggregateSelector(AggregateSelectorSpec spec, const Scheduler* clock)
    : spec_(std::move(spec)),
      clock_(clock),
      output_([schema = spec_.select.output_schema] { return std::make_unique<EventChunk>(schema); }) {
  if (!spec_.group_keys.empty()) groups_ = std::make_unique<GroupTable>(spec_.key_schema);
  for (const AggregateSpec& a : spec_.aggregates) {
    results_.push_back(std::make_unique<Column>(a.column->result_type()));
  }
  extra_.reserve(spec_.aggregates.size() + spec_.select.columns.size());
}

const EventChunk* AggregateSelector::TrackEmittedKeys() {
  if (groups_ && !emitted_keys_) emitted_keys_ = std::make_unique<EventChunk>(spec_.key_schema);
  return emitted_keys_.get();
}

void AggregateSelector::EvalKeys(const EvalFrame& frame) {
  key_views_.clear();
  for (const EvaluatorPtr& key : spec_.group_keys) key_views_.push_back(key->Eval(frame));
}

void AggregateSelector::AssignGroups(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const uint32_t n = chunk.size();
  group_of_row_.assign(n, 0);
  fresh_.assign(n, 0);
  emptied_.clear();
  EvalKeys(EvalFrame{&chunk, n, {}, clock_->now()});
  for (uint32_t row : rows) {
    const EventKind kind = chunk.kind(row);
    if (kind == EventKind::kReset) {
      // Every group is emptied; the aggregates clear their own state.
      for (uint32_t g = 0; g < group_sizes_.size(); ++g) {
        if (group_sizes_[g] != 0) emptied_.push_back(g);
        group_sizes_[g] = 0;
      }
      admitted_groups_.clear();
      continue;
    }
    if (kind != EventKind::kCurrent && kind != EventKind::kExpired) continue;
    uint32_t g;
    if (kind == EventKind::kExpired && !admitted_groups_.empty()) {
      g = admitted_groups_.front();
      admitted_groups_.pop_front();
      if (group_sizes_[g] <= 0 || !groups_->Equal(key_views_, row, g)) g = groups_->FindOrAdd(key_views_, row);
    } else {
      g = groups_->FindOrAdd(key_views_, row);
    }
    if (g >= group_sizes_.size()) group_sizes_.resize(g + 1, 0);
    group_of_row_[row] = g;
    if (kind == EventKind::kCurrent) {
      if (spec_.expired_in_arrival_order) admitted_groups_.push_back(g);
      fresh_[row] = group_sizes_[g] == 0;
      ++group_sizes_[g];
    } else if (--group_sizes_[g] == 0) {
      emptied_.push_back(g);
    }
  }
}

void AggregateSelector::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const uint32_t n = chunk.size();
  GroupAssignment assignment;
  if (groups_) {
    AssignGroups(chunk, rows);
    assignment = {group_of_row_.data(), fresh_.data()};
  }

  // 1. Running aggregate values per row.
  const EvalFrame frame{&chunk, n, {}, clock_->now()};
  for (size_t a = 0; a < spec_.aggregates.size(); ++a) {
    AggregateSpec& aggregate = spec_.aggregates[a];
    arg_views_.clear();
    for (const EvaluatorPtr& arg : aggregate.args) arg_views_.push_back(arg->Eval(frame));
    Column& result = *results_[a];
    result.Reset(n);
    for (uint32_t i = 0; i < n; ++i) result.nulls()[i] = 1;
    aggregate.column->Process(chunk, rows, assignment, arg_views_, result);
  }
  if (groups_) FreeEmptiedGroups();
  EmitRows(chunk, rows, frame);
}

void AggregateSelector::FreeEmptiedGroups() {
  // Groups emptied (and not refilled) disappear.
  for (uint32_t g : emptied_) {
    if (group_sizes_[g] != 0) continue;
    group_sizes_[g] = -1;  // freed once, even if touched several times
    for (AggregateSpec& aggregate : spec_.aggregates) aggregate.column->ResetGroup(g);
    groups_->Free(g);
  }
  for (uint32_t g : emptied_) {
    if (group_sizes_[g] < 0) group_sizes_[g] = 0;
  }
  emptied_.clear();
}

void AggregateSelector::EmitRows(const EventChunk& chunk, std::span<const uint32_t> rows, const EvalFrame& frame) {
  extra_.clear();
  for (const std::unique_ptr<Column>& result : results_) extra_.push_back(result->view());
  // 2. Output rows and eligibility.
  const SelectorSpec& select = spec_.select;
  // extra_ has capacity for every column (reserved in the constructor), so the
  // span over the aggregate results stays valid while output columns are added.
  const size_t aggregate_count = extra_.size();
  EvalFrame with_aggregates = frame;
  with_aggregates.extra = std::span<const ColumnView>(extra_.data(), aggregate_count);
  for (const EvaluatorPtr& column : select.columns) {
    const ColumnView v = column->Eval(with_aggregates);
    extra_.push_back(v);
  }
  const std::span<const ColumnView> outputs(extra_.data() + aggregate_count, select.columns.size());
  ColumnView having{};
  if (select.having) {
    EvalFrame with_outputs = frame;
    with_outputs.extra = extra_;
    having = select.having->Eval(with_outputs);
  }
  // Eligible rows, collapsed on the way unless for a snapshot (which takes every
  // row as it is): without group by the last one; with group by each group's
  // last, groups in order of their first.
  const bool by_group = groups_ && !select.snapshot_feed;
  if (by_group && group_slot_.size() < group_sizes_.size()) group_slot_.resize(group_sizes_.size(), -1);
  // Grown, never shrunk: resizing up would fill what is overwritten anyway.
  if (selected_.size() < rows.size()) selected_.resize(rows.size());
  uint32_t* selected = selected_.data();
  int32_t* slot_of_group = group_slot_.data();
  const uint32_t* group_of_row = group_of_row_.data();
  uint32_t count = 0;
  const EventKind* kinds = chunk.kinds();
  if (by_group && !select.having && select.emit_current && !select.emit_expired) {
    // The common case without the general loop's tests: current rows, by group.
    for (uint32_t row : rows) {
      if (kinds[row] != EventKind::kCurrent) continue;
      int32_t& slot = slot_of_group[group_of_row[row]];
      if (slot < 0) slot = static_cast<int32_t>(count++);
      selected[slot] = row;
    }
  } else {
    for (uint32_t row : rows) {
      const EventKind kind = kinds[row];
      if (!Eligible(select, kind)) continue;
      if (kind != EventKind::kReset && select.having && (having.null(row) || !having.at(row).b)) continue;
      if (!by_group) {
        selected[count++] = row;
        continue;
      }
      int32_t& slot = slot_of_group[group_of_row[row]];
      if (slot < 0) {
        slot = static_cast<int32_t>(count);
        selected[count++] = row;
      } else {
        selected[slot] = row;
      }
    }
  }
  if (by_group) {
    for (uint32_t i = 0; i < count; ++i) slot_of_group[group_of_row[selected[i]]] = -1;
  } else if (!groups_ && !select.snapshot_feed && count > 1) {
    selected[0] = selected[count - 1];
    count = 1;
  }
  const std::span<uint32_t> chosen(selected, count);

  // 3-4. Order by / offset / limit.
  size_t begin = 0, end = count;
  if (!select.snapshot_feed) std::tie(begin, end) = OrderAndLimit(select, outputs, chosen);
  if (begin >= end) return;
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  const std::span<const uint32_t> emitted = chosen.subspan(begin, end - begin);
  AppendOutputRows(chunk, emitted, outputs, *out, select.snapshot_feed);
  if (emitted_keys_) {
    emitted_keys_->Clear();
    for (uint32_t row : emitted) {
      const uint32_t key_row = emitted_keys_->Append(chunk.timestamp(row), EventKind::kCurrent);
      for (uint32_t k = 0; k < key_views_.size(); ++k) {
        emitted_keys_->SetSlot(key_row, k, key_views_[k].at(row), key_views_[k].null(row));
      }
    }
  }
  if (next_ != nullptr) {
    next_->Process(*out, std::span<const uint32_t>(IdentityRows(out->size()), out->size()));
  }
}

}  // namespace eddy::runtime
