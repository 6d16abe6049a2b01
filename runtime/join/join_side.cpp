#include "runtime/join/join_side.h"

namespace eddy::runtime {

JoinSide::JoinSide(JoinSideSpec spec, const Schema* own, const Schema* other, const Scheduler* clock)
    : spec_(std::move(spec)),
      clock_(clock),
      arity_(own->arity()),
      other_arity_(other->arity()),
      scratch_([joined = spec_.joined] { return std::make_unique<Scratch>(joined); }) {}

void JoinSide::AppendPair(EventChunk& probe, const EventChunk& chunk, uint32_t row, const Slot* slots,
                          const uint8_t* nulls) const {
  const int64_t ts = chunk.timestamp(row);
  const EventKind kind = chunk.kind(row);
  if (spec_.left) {
    probe.AppendJoined(ts, kind, chunk.row(row), chunk.nulls(row), arity_, slots, nulls);
  } else {
    probe.AppendJoined(ts, kind, slots, nulls, other_arity_, chunk.row(row), chunk.nulls(row));
  }
}

void JoinSide::AppendCandidates(Scratch& s, const EventChunk& chunk, uint32_t row) const {
  if (probed_ != nullptr) {
    const EventChunk& found = probed_->RowsFor(chunk, row);
    for (uint32_t i = 0; i < found.size(); ++i) AppendPair(s.probe, chunk, row, found.row(i), found.nulls(i));
    return;
  }
  if (probe_table_ != nullptr) {
    const uint32_t key = static_cast<uint32_t>(probe_key_);
    if (chunk.nulls(row)[key]) return;  // `==` with null never holds
    s.slots.clear();
    probe_table_->Lookup(probe_table_attribute_, chunk.schema().type(key), chunk.row(row)[key], s.slots);
    const EventChunk& store = probe_table_->store();
    for (uint32_t slot : s.slots) AppendPair(s.probe, chunk, row, store.row(slot), store.nulls(slot));
    return;
  }
  s.runs.clear();
  if (peer_->contents_ == nullptr || !peer_->contents_->AppendContents(s.runs)) return;
  const uint32_t stride = other_arity_;
  const FifoKeyIndex* index = peer_->index_.get();
  if (index != nullptr && probe_key_ >= 0) {
    uint64_t held = 0;
    for (const RowRun& run : s.runs) held += run.count;
    // The index mirrors the window's contents; a mismatch would be a bug in a
    // window's FIFO contract, and a scan is then still right.
    if (held == index->size()) {
      const uint32_t key = static_cast<uint32_t>(probe_key_);
      if (chunk.nulls(row)[key]) return;  // `==` with null never holds
      const uint64_t hash = FifoKeyIndex::Hash(chunk.schema().type(key), chunk.row(row)[key]);
      const uint32_t first = s.runs.empty() ? 0 : s.runs[0].count;
      index->ForEach(hash, [&](uint32_t position) {
        const RowRun& run = position < first ? s.runs[0] : s.runs[1];
        const uint32_t i = position < first ? position : position - first;
        AppendPair(s.probe, chunk, row, run.slots + size_t{i} * stride, run.nulls + size_t{i} * stride);
      });
      return;
    }
  }
  for (const RowRun& run : s.runs) {
    for (uint32_t i = 0; i < run.count; ++i) {
      AppendPair(s.probe, chunk, row, run.slots + size_t{i} * stride, run.nulls + size_t{i} * stride);
    }
  }
}

void JoinSide::Trigger(Scratch& s, const EventChunk& chunk, uint32_t row) {
  s.probe.Clear();
  s.matched.clear();
  AppendCandidates(s, chunk, row);
  const uint32_t n = s.probe.size();
  if (n > 0) {
    if (spec_.condition) {
      const EvalFrame frame{&s.probe, n, {}, clock_->now()};
      const ColumnView holds = spec_.condition->Eval(frame);
      for (uint32_t i = 0; i < n; ++i) {
        if (!holds.null(i) && holds.at(i).b) s.matched.push_back(i);
      }
    } else {
      s.matched.assign(IdentityRows(n), IdentityRows(n) + n);
    }
  }
  if (s.matched.empty()) {
    if (!spec_.outer) return;
    AppendPair(s.probe, chunk, row, nullptr, nullptr);
    s.matched.push_back(n);
  }
  if (next_ != nullptr) next_->Process(s.probe, s.matched);
}

void JoinSide::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  // The index follows the window first, so that it matches the window's
  // contents while this side's joined rows are handed on.
  if (index_) {
    for (uint32_t row : rows) {
      const EventKind kind = chunk.kind(row);
      if (kind == EventKind::kCurrent) {
        index_->Enter(chunk.row(row), chunk.nulls(row));
      } else if (kind == EventKind::kExpired) {
        index_->Leave();
      }
    }
  }
  if (!spec_.triggers) return;
  ReentrantScratch<Scratch>::Lease s(scratch_);
  for (uint32_t row : rows) {
    switch (chunk.kind(row)) {
      case EventKind::kCurrent: Trigger(*s, chunk, row); break;
      case EventKind::kExpired:
        if (!current_only_) Trigger(*s, chunk, row);
        break;
      case EventKind::kReset: {
        if (current_only_) break;
        s->probe.Clear();
        s->probe.Append(chunk.timestamp(row), EventKind::kReset);
        s->matched.assign(1, 0);
        if (next_ != nullptr) next_->Process(s->probe, s->matched);
        break;
      }
      case EventKind::kTimer: break;
    }
  }
}

}  // namespace eddy::runtime
