#include "runtime/table/table_operators.h"

namespace eddy::runtime {

void RefusalLog::Refused(const std::string& what) {
  ++count_;
  if (!log_ || (count_ - 1) % kLogEvery != 0) return;
  log_("ERROR", kind_ + " '" + query_ + "': " + what + " (" + std::to_string(count_) + " refused so far, logging 1 in " +
                    std::to_string(kLogEvery) + ")");
}

void RefusalLog::DuplicateKey(const Table& table, const Slot* slots, const uint8_t* nulls) {
  Refused("row not inserted into table '" + table.name() + "': primary key " + table.KeyText(slots, nulls) +
          " already exists");
}

void InsertIntoTable::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    const EventKind kind = chunk.kind(row);
    if (kind != EventKind::kCurrent && kind != EventKind::kExpired) continue;
    if (!table_->Insert(chunk.row(row), chunk.nulls(row), chunk.timestamp(row))) {
      refusals_.DuplicateKey(*table_, chunk.row(row), chunk.nulls(row));
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
  matched_rows_.clear();
  const Table& table = *spec_.table;
  if (keys == nullptr) {
    table.AppendSlots(candidates_);
  } else if (!keys->null(row)) {  // `==` with null never holds
    table.Lookup(static_cast<uint32_t>(spec_.key_column), spec_.key->type(), keys->at(row), candidates_);
  }
  const EventChunk& store = table.store();
  for (uint32_t slot : candidates_) {
    probe_.AppendJoined(chunk.timestamp(row), EventKind::kCurrent, chunk.row(row), chunk.nulls(row), output_arity_,
                        store.row(slot), store.nulls(slot));
  }
  const uint32_t n = probe_.size();
  if (n == 0) return;
  if (!spec_.condition) {
    matched_ = candidates_;
    matched_rows_.assign(IdentityRows(n), IdentityRows(n) + n);
    return;
  }
  const EvalFrame frame{&probe_, n, {}, clock_->now()};
  const ColumnView holds = spec_.condition->Eval(frame);
  for (uint32_t i = 0; i < n; ++i) {
    if (holds.null(i) || !holds.at(i).b) continue;
    matched_.push_back(candidates_[i]);
    matched_rows_.push_back(i);
  }
}

void TableAction::Update(const EventChunk& chunk, uint32_t row) {
  const EventChunk& store = spec_.table->store();
  values_.Clear();
  for (uint32_t slot : matched_) values_.AppendCopy(store, slot);
  const EvalFrame frame{&probe_, probe_.size(), {}, clock_->now()};
  for (const TableActionSpec::Assignment& a : spec_.set) {
    const ColumnView v = a.value->Eval(frame);
    for (uint32_t i = 0; i < matched_rows_.size(); ++i) {
      values_.SetSlot(i, a.column, v.at(matched_rows_[i]), v.null(matched_rows_[i]));
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
          refusals_.DuplicateKey(*spec_.table, chunk.row(row), chunk.nulls(row));
        }
        break;
    }
  }
  probe_.Clear();  // let go of the references the probe holds
}

}  // namespace eddy::runtime
