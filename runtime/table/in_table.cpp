#include "runtime/table/in_table.h"

namespace eddy::runtime {
namespace {

class InTable final : public Evaluator {
 public:
  InTable(const Table* table, EvaluatorPtr condition, const Schema* probe, std::vector<uint32_t> outer_slots,
          int32_t key_column, EvaluatorPtr key)
      : Evaluator(Type::kBool),
        table_(table),
        condition_(std::move(condition)),
        key_column_(key_column),
        key_(std::move(key)),
        outer_slots_(std::move(outer_slots)),
        probe_(probe),
        outer_(outer_slots_.size()),
        outer_nulls_(outer_slots_.size()),
        out_(Type::kBool) {}

  ColumnView Eval(const EvalFrame& frame) override {
    out_.Reset(frame.rows);
    const EventChunk& store = table_->store();
    const uint32_t arity = store.arity();
    ColumnView keys;
    if (key_) {
      keys = key_->Eval(frame);
    } else {
      slots_.clear();
      table_->AppendSlots(slots_);
    }
    for (uint32_t i = 0; i < frame.rows; ++i) {
      if (key_) {
        slots_.clear();
        if (!keys.null(i)) table_->Lookup(static_cast<uint32_t>(key_column_), key_->type(), keys.at(i), slots_);
      }
      for (size_t k = 0; k < outer_slots_.size(); ++k) {
        outer_[k] = frame.chunk->row(i)[outer_slots_[k]];
        outer_nulls_[k] = frame.chunk->nulls(i)[outer_slots_[k]];
      }
      probe_.Clear();
      for (uint32_t slot : slots_) {
        probe_.AppendJoined(0, EventKind::kCurrent, store.row(slot), store.nulls(slot), arity, outer_.data(),
                            outer_nulls_.data());
      }
      bool any = false;
      if (!probe_.empty()) {
        const ColumnView holds = condition_->Eval(EvalFrame{&probe_, probe_.size(), {}, frame.now});
        for (uint32_t t = 0; t < probe_.size() && !any; ++t) any = !holds.null(t) && holds.at(t).b;
      }
      out_.data()[i] = Slot{.b = any};
      out_.nulls()[i] = 0;
    }
    probe_.Clear();
    return out_.view();
  }

 private:
  const Table* table_;
  EvaluatorPtr condition_;
  int32_t key_column_;
  EvaluatorPtr key_;  // null: scan
  std::vector<uint32_t> outer_slots_;
  EventChunk probe_;
  std::vector<Slot> outer_;
  std::vector<uint8_t> outer_nulls_;
  std::vector<uint32_t> slots_;  // the table's rows, in insertion order
  Column out_;
};

}  // namespace

EvaluatorPtr MakeInTable(const Table* table, EvaluatorPtr condition, const Schema* probe,
                         std::vector<uint32_t> outer_slots, int32_t key_column, EvaluatorPtr key) {
  return std::make_unique<InTable>(table, std::move(condition), probe, std::move(outer_slots), key_column,
                                   std::move(key));
}

}  // namespace eddy::runtime
