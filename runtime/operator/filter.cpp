#include "runtime/operator/filter.h"

namespace eddy::runtime {

void Filter::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  const EvalFrame frame{&chunk, chunk.size(), {}, clock_->now()};
  const ColumnView passed = condition_->Eval(frame);

  ReentrantScratch<RowList>::Lease selected(selected_);
  selected->resize(rows.size());
  uint32_t* out = selected->data();
  size_t n = 0;
  for (uint32_t row : rows) {
    const EventKind kind = chunk.kind(row);
    const bool data_row = kind == EventKind::kCurrent || kind == EventKind::kExpired;
    const bool keep = !data_row || (!passed.null(row) && passed.at(row).b);
    out[n] = row;  // branch-free compaction
    n += keep;
  }
  if (n > 0 && next_ != nullptr) next_->Process(chunk, std::span<const uint32_t>(out, n));
}

}  // namespace eddy::runtime
