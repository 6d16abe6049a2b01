#include "runtime/table/table_operators.h"

#include <cstring>

namespace eddy::runtime {

void AppendPairRow(EventChunk& probe, int64_t timestamp, const Slot* first, const uint8_t* first_nulls,
                   uint32_t first_arity, const Slot* second, const uint8_t* second_nulls) {
  const uint32_t r = probe.AppendUnfilled(timestamp, EventKind::kCurrent);
  Slot* to = probe.mutable_row(r);
  uint8_t* to_nulls = probe.mutable_nulls(r);
  const uint32_t second_arity = probe.arity() - first_arity;
  if (first_arity > 0) {
    std::memcpy(to, first, sizeof(Slot) * first_arity);
    std::memcpy(to_nulls, first_nulls, first_arity);
  }
  if (second_arity > 0) {
    std::memcpy(to + first_arity, second, sizeof(Slot) * second_arity);
    std::memcpy(to_nulls + first_arity, second_nulls, second_arity);
  }
  if (probe.schema().has_refs()) probe.RetainRow(to, to_nulls);
}

void RefusalLog::Refused(const std::string& what) {
  ++count_;
  if (!log_ || (count_ - 1) % kLogEvery != 0) return;
  log_("ERROR", "query '" + query_ + "': " + what + " (" + std::to_string(count_) + " refused so far, logging 1 in " +
                    std::to_string(kLogEvery) + ")");
}

void InsertIntoTable::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    const EventKind kind = chunk.kind(row);
    if (kind != EventKind::kCurrent && kind != EventKind::kExpired) continue;
    if (!table_->Insert(chunk.row(row), chunk.nulls(row), chunk.timestamp(row))) {
      refusals_.Refused("row not inserted into table '" + table_->name() + "': primary key " +
                        table_->KeyText(chunk.row(row), chunk.nulls(row)) + " already exists");
    }
  }
}

TableAction::TableAction(TableActionSpec spec, const Scheduler* clock, TableLog log, std::string query)
    : spec_(std::move(spec)),
      clock_(clock),
      refusals_(std::move(log), std::move(query)),
      output_arity_(spec_.probe->arity() - spec_.table->schema().arity()),
      probe_(spec_.probe),
      values_(spec_.table->schema_ptr()) {}

void TableAction::Match(const EventChunk& chunk, uint32_t row, const ColumnView* keys) {
  probe_.Clear();
  candidates_.clear();
  matched_.clear();
  const Table& table = *spec_.table;
  if (keys == nullptr) {
    table.AppendSlots(candidates_);
  } else if (!keys->null(row)) {  // `==` with null never holds
    table.Lookup(static_cast<uint32_t>(spec_.key_column), spec_.key->type(), keys->at(row), candidates_);
  }
  const EventChunk& store = table.store();
  for (uint32_t slot : candidates_) {
    AppendPairRow(probe_, chunk.timestamp(row), chunk.row(row), chunk.nulls(row), output_arity_, store.row(slot),
                  store.nulls(slot));
  }
  const uint32_t n = probe_.size();
  if (n == 0) return;
  if (!spec_.condition) {
    matched_ = candidates_;
    return;
  }
  const EvalFrame frame{&probe_, n, {}, clock_->now()};
  const ColumnView holds = spec_.condition->Eval(frame);
  for (uint32_t i = 0; i < n; ++i) {
    if (!holds.null(i) && holds.at(i).b) matched_.push_back(candidates_[i]);
  }
}

void TableAction::Update(const EventChunk& chunk, uint32_t row) {
  const EventChunk& store = spec_.table->store();
  values_.Clear();
  for (uint32_t slot : matched_) values_.AppendCopy(store, slot);
  if (!spec_.set.empty()) {
    // Probe rows of the matched slots (both lists follow candidates_ order).
    const EvalFrame frame{&probe_, probe_.size(), {}, clock_->now()};
    for (const TableActionSpec::Assignment& a : spec_.set) {
      const ColumnView v = a.value->Eval(frame);
      uint32_t i = 0;
      for (uint32_t p = 0; p < candidates_.size() && i < matched_.size(); ++p) {
        if (candidates_[p] != matched_[i]) continue;
        values_.SetSlot(i++, a.column, v.at(p), v.null(p));
      }
    }
  }
  const int64_t conflict = spec_.table->Replace(matched_, values_);
  if (conflict >= 0) {
    const auto i = static_cast<uint32_t>(conflict);
    refusals_.Refused("update of table '" + spec_.table->name() + "' at " + std::to_string(chunk.timestamp(row)) +
                      " not done: two rows would have primary key " +
                      spec_.table->KeyText(values_.row(i), values_.nulls(i)));
  }
}

void TableAction::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  if (rows.empty()) return;
  ColumnView keys;
  if (spec_.key) keys = spec_.key->Eval(EvalFrame{&chunk, chunk.size(), {}, clock_->now()});
  for (uint32_t row : rows) {
    const EventKind kind = chunk.kind(row);
    if (kind != EventKind::kCurrent && kind != EventKind::kExpired) continue;
    Match(chunk, row, spec_.key ? &keys : nullptr);
    switch (spec_.kind) {
      case TableActionSpec::Kind::kDelete: spec_.table->Remove(matched_); break;
      case TableActionSpec::Kind::kUpdate:
        if (!matched_.empty()) Update(chunk, row);
        break;
      case TableActionSpec::Kind::kUpdateOrInsert:
        if (!matched_.empty()) {
          Update(chunk, row);
        } else if (!spec_.table->Insert(chunk.row(row), chunk.nulls(row), chunk.timestamp(row))) {
          refusals_.Refused("row not inserted into table '" + spec_.table->name() + "': primary key " +
                            spec_.table->KeyText(chunk.row(row), chunk.nulls(row)) + " already exists");
        }
        break;
    }
  }
  probe_.Clear();  // let go of the references the probe holds
}

}  // namespace eddy::runtime
