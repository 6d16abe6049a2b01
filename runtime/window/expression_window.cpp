#include "runtime/window/expression_window.h"

#include <stdexcept>

namespace eddy::runtime {

ExpressionWindow::ExpressionWindow(const WindowConfig& config, const Schema* schema, Scheduler* scheduler,
                                   ExpressionWindowSpec spec)
    : Window(config, schema, scheduler),
      spec_(std::move(spec)),
      held_(schema),
      previous_(schema),
      one_(schema),
      frame_(spec_.frame_schema) {
  if (spec_.condition.condition) {
    has_condition_ = true;
    InstallCondition(std::move(spec_.condition));
  }
}

void ExpressionWindow::InstallCondition(WindowCondition condition) {
  spec_.condition = std::move(condition);
  results_.clear();
  result_views_.clear();
  for (const AggregateSpec& a : spec_.condition.aggregates) {
    results_.push_back(std::make_unique<Column>(a.column->result_type()));
    results_.back()->Reset(1);
    results_.back()->nulls()[0] = 1;
    result_views_.push_back(results_.back()->view());
  }
}

bool ExpressionWindow::UseConditionOf(const EventChunk& chunk, uint32_t row, EventChunk& out) {
  const uint32_t attr = static_cast<uint32_t>(spec_.condition_attr);
  const std::string_view text = chunk.nulls(row)[attr] ? std::string_view() : chunk.row(row)[attr].str->view();
  if (has_condition_ && text == condition_text_) return true;
  try {
    InstallCondition(spec_.compile(text));
  } catch (const std::invalid_argument& e) {
    if (spec_.log) spec_.log(e.what());
    return has_condition_;  // the event is judged by the condition in force, if any
  }
  has_condition_ = true;
  condition_text_ = std::string(text);
  // The held events are judged again by the new condition.
  Aggregate(nullptr, nullptr, now(), EventKind::kReset);
  for (uint32_t i = 0; i < held_.size(); ++i) {
    Aggregate(held_.row(i), held_.nulls(i), held_.timestamp(i), EventKind::kCurrent);
  }
  if (!spec_.batch) ExpireWhileFailing(out);
  return true;
}

void ExpressionWindow::Aggregate(const Slot* slots, const uint8_t* nulls, int64_t ts, EventKind kind) {
  one_.Clear();
  if (kind == EventKind::kReset) {
    one_.Append(ts, kind);
  } else {
    one_.AppendAdopted(slots, nulls, ts, kind);
    for (uint32_t a : schema_->ref_slots()) {
      if (!nulls[a]) RetainSlot(schema_->type(a), slots[a]);  // one_ owns its copy
    }
  }
  const EvalFrame frame{&one_, 1, {}, now()};
  const uint32_t only = 0;
  for (size_t i = 0; i < spec_.condition.aggregates.size(); ++i) {
    AggregateSpec& aggregate = spec_.condition.aggregates[i];
    args_.clear();
    for (const EvaluatorPtr& arg : aggregate.args) args_.push_back(arg->Eval(frame));
    results_[i]->Reset(1);
    results_[i]->nulls()[0] = 1;
    aggregate.column->Process(one_, std::span<const uint32_t>(&only, 1), GroupAssignment{}, args_,
                              *results_[i]);
    result_views_[i] = results_[i]->view();
  }
}

bool ExpressionWindow::Holds() {
  if (held_.empty()) return true;
  const uint32_t arity = schema_->arity();
  const uint32_t last = held_.size() - 1;
  frame_.Clear();
  const uint32_t row = frame_.Append(0, EventKind::kCurrent);
  for (uint32_t a = 0; a < arity; ++a) {
    frame_.SetSlot(row, a, held_.row(0)[a], held_.nulls(0)[a] != 0);
    frame_.SetSlot(row, arity + a, held_.row(last)[a], held_.nulls(last)[a] != 0);
  }
  frame_.SetSlot(row, 2 * arity, Slot{.i64 = held_.timestamp(0)}, false);
  frame_.SetSlot(row, 2 * arity + 1, Slot{.i64 = held_.timestamp(last)}, false);
  const ColumnView v = spec_.condition.condition->Eval(EvalFrame{&frame_, 1, result_views_, now()});
  return !v.null(0) && v.at(0).b;
}

void ExpressionWindow::ExpireWhileFailing(EventChunk& out) {
  while (!held_.empty() && !Holds()) {
    Aggregate(held_.row(0), held_.nulls(0), held_.timestamp(0), EventKind::kExpired);
    held_.PopInto(out, EventKind::kExpired, now());
  }
}

void ExpressionWindow::ProcessSliding(const EventChunk& chunk, uint32_t row, EventChunk& out) {
  held_.Push(chunk, row);
  Aggregate(chunk.row(row), chunk.nulls(row), chunk.timestamp(row), EventKind::kCurrent);
  // While the condition fails, the oldest events leave: before the arrival in the
  // output, unless the arrival itself has to go.
  bool arrival_expired = false;
  while (!held_.empty() && !Holds()) {
    Aggregate(held_.row(0), held_.nulls(0), held_.timestamp(0), EventKind::kExpired);
    if (held_.size() == 1) {
      held_.PopFront();
      arrival_expired = true;
      break;
    }
    held_.PopInto(out, EventKind::kExpired, now());
  }
  out.AppendCopy(chunk, row, EventKind::kCurrent);
  if (arrival_expired) {
    out.AppendCopy(chunk, row, EventKind::kExpired);
    out.set_timestamp(out.size() - 1, now());
  }
}

void ExpressionWindow::ProcessBatch(const EventChunk& chunk, uint32_t row, EventChunk& out) {
  held_.Push(chunk, row);
  Aggregate(chunk.row(row), chunk.nulls(row), chunk.timestamp(row), EventKind::kCurrent);
  if (Holds()) {
    if (spec_.stream_current_event) out.AppendCopy(chunk, row, EventKind::kCurrent);
    return;
  }
  bool include = spec_.include_triggering_event;
  if (spec_.include_triggering_attr >= 0) {
    const uint32_t attr = static_cast<uint32_t>(spec_.include_triggering_attr);
    include = !chunk.nulls(row)[attr] && chunk.row(row)[attr].b;
  }
  // A streamed arrival goes out before the batch it closes expires, or after
  // it when it opens the next batch.
  if (spec_.stream_current_event && include) out.AppendCopy(chunk, row, EventKind::kCurrent);
  // The arrival broke the condition: flush the batch (with the arrival when it
  // is included), re-stamped with the clock. Streamed events only expire;
  // otherwise the previous batch expires and the batch goes out as CURRENT.
  const uint32_t flushed = include ? held_.size() : held_.size() - 1;
  if (spec_.stream_current_event) {
    for (uint32_t i = 0; i < flushed; ++i) held_.PopInto(out, EventKind::kExpired, now());
    if (!include) out.AppendCopy(chunk, row, EventKind::kCurrent);
  } else {
    while (!previous_.empty()) previous_.PopInto(out, EventKind::kExpired, now());
    for (uint32_t i = 0; i < flushed; ++i) {
      held_.CopyInto(0, out, EventKind::kCurrent, now());
      held_.MoveFrontTo(previous_);
    }
  }
  Aggregate(nullptr, nullptr, now(), EventKind::kReset);
  if (!held_.empty()) {
    Aggregate(held_.row(0), held_.nulls(0), held_.timestamp(0), EventKind::kCurrent);
  }
}

void ExpressionWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    // An event whose condition does not compile, with none in force, is dropped
    // (reported through the log).
    if (spec_.condition_attr >= 0 && !UseConditionOf(chunk, row, *out)) continue;
    if (spec_.batch) {
      ProcessBatch(chunk, row, *out);
    } else {
      ProcessSliding(chunk, row, *out);
    }
  }
  Emit(*out);
}

}  // namespace eddy::runtime
