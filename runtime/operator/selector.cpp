#include "runtime/operator/selector.h"

#include <algorithm>
#include <tuple>

namespace eddy::runtime {
namespace {

// Orders two non-null values of one type; returns <0, 0, >0.
int OrderSlots(Type type, Slot a, Slot b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (type) {
    case Type::kInt: return cmp(a.i32, b.i32);
    case Type::kLong: return cmp(a.i64, b.i64);
    case Type::kFloat: return cmp(a.f32, b.f32);
    case Type::kDouble: return cmp(a.f64, b.f64);
    case Type::kBool: return cmp(a.b, b.b);
    case Type::kString: return a.str->view().compare(b.str->view());
    case Type::kObject: return 0;  // objects have no order
  }
  return 0;
}

}  // namespace

std::pair<size_t, size_t> OrderAndLimit(const SelectorSpec& spec, std::span<const ColumnView> views,
                                        std::span<uint32_t> rows) {
  if (!spec.order_by.empty()) {
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      for (const OrderKey& key : spec.order_by) {
        const ColumnView& v = views[key.column];
        const bool a_null = v.null(a);
        const bool b_null = v.null(b);
        if (a_null || b_null) {
          if (a_null == b_null) continue;
          return b_null;  // nulls last in both directions
        }
        const int c = OrderSlots(key.type, v.at(a), v.at(b));
        if (c != 0) return key.descending ? c > 0 : c < 0;
      }
      return false;
    });
  }
  size_t begin = 0;
  size_t end = rows.size();
  if (spec.offset) begin = std::min<size_t>(end, static_cast<size_t>(*spec.offset));
  if (spec.limit) end = std::min<size_t>(end, begin + static_cast<size_t>(*spec.limit));
  return {begin, end};
}

void AppendOutputRows(const EventChunk& input, std::span<const uint32_t> rows,
                      std::span<const ColumnView> views, EventChunk& out, bool keep_kinds) {
  const Schema& schema = out.schema();
  const uint32_t arity = schema.arity();
  for (uint32_t row : rows) {
    const EventKind kind = keep_kinds ? input.kind(row) : EventKind::kCurrent;
    if (kind == EventKind::kReset) {
      out.Append(input.timestamp(row), kind);
      continue;
    }
    const uint32_t out_row = out.AppendUnfilled(input.timestamp(row), kind);
    Slot* slots = out.mutable_row(out_row);
    uint8_t* nulls = out.mutable_nulls(out_row);
    for (uint32_t k = 0; k < arity; ++k) {
      const bool null = views[k].null(row);
      nulls[k] = null;
      if (null) {
        slots[k].raw = 0;
        continue;
      }
      slots[k] = views[k].at(row);
      RetainSlot(schema.type(k), slots[k]);
    }
  }
}

Selector::Selector(SelectorSpec spec, const Scheduler* clock)
    : spec_(std::move(spec)),
      clock_(clock),
      output_([schema = spec_.output_schema] { return std::make_unique<EventChunk>(schema); }) {
  views_.resize(spec_.columns.size());
}

void Selector::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  if (spec_.pass_through && &chunk.schema() == spec_.output_schema && WholeChunkOfCurrent(chunk, rows)) {
    if (next_ != nullptr) next_->Process(chunk, rows);
    return;
  }
  // Evaluate every output column once for the whole chunk.
  const EvalFrame frame{&chunk, chunk.size(), {}, clock_->now()};
  for (size_t k = 0; k < spec_.columns.size(); ++k) views_[k] = spec_.columns[k]->Eval(frame);
  ColumnView having{};
  if (spec_.having) {
    EvalFrame with_outputs = frame;
    with_outputs.extra = views_;
    having = spec_.having->Eval(with_outputs);
  }

  selected_.clear();
  for (uint32_t row : rows) {
    const EventKind kind = chunk.kind(row);
    if (!Eligible(spec_, kind)) continue;
    if (kind != EventKind::kReset && spec_.having && (having.null(row) || !having.at(row).b)) continue;
    selected_.push_back(row);
  }
  size_t begin = 0, end = selected_.size();
  if (!spec_.snapshot_feed) std::tie(begin, end) = OrderAndLimit(spec_, views_, selected_);
  if (begin >= end) return;

  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  AppendOutputRows(chunk, std::span<const uint32_t>(selected_).subspan(begin, end - begin), views_, *out,
                   spec_.snapshot_feed);
  // Everything above is done before emitting: downstream may re-enter this query.
  if (next_ != nullptr) {
    next_->Process(*out, std::span<const uint32_t>(IdentityRows(out->size()), out->size()));
  }
}

}  // namespace eddy::runtime
