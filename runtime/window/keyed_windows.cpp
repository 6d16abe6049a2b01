#include "runtime/window/keyed_windows.h"

#include <algorithm>

#include "eddy/value.h"

namespace eddy::runtime {

uint32_t RowSlots::Store(const EventChunk& chunk, uint32_t row) {
  if (free_.empty()) return rows_.AppendCopy(chunk, row);
  const uint32_t slot = free_.back();
  free_.pop_back();
  rows_.set_timestamp(slot, chunk.timestamp(row));
  rows_.set_kind(slot, EventKind::kCurrent);
  for (uint32_t a = 0; a < chunk.arity(); ++a) rows_.SetSlot(slot, a, chunk.row(row)[a], chunk.nulls(row)[a] != 0);
  return slot;
}

void RowSlots::Free(uint32_t slot) {
  for (uint32_t a = 0; a < rows_.arity(); ++a) rows_.SetSlot(slot, a, Slot{}, true);
  free_.push_back(slot);
}

// ---------------------------------------------------------------- sort

bool SortWindow::Before(uint32_t a, uint32_t b) const {
  const EventChunk& rows = store_.rows();
  for (const auto& [attr, descending] : config_.sort_keys) {
    const uint32_t i = static_cast<uint32_t>(attr);
    const bool an = rows.nulls(a)[i] != 0;
    const bool bn = rows.nulls(b)[i] != 0;
    if (an || bn) {
      if (an == bn) continue;
      return bn;
    }
    const Slot x = rows.row(a)[i];
    const Slot y = rows.row(b)[i];
    int c = 0;
    switch (schema_->type(i)) {
      case Type::kInt: c = (x.i32 > y.i32) - (x.i32 < y.i32); break;
      case Type::kLong: c = (x.i64 > y.i64) - (x.i64 < y.i64); break;
      case Type::kFloat: c = (x.f32 > y.f32) - (x.f32 < y.f32); break;
      case Type::kDouble: c = (x.f64 > y.f64) - (x.f64 < y.f64); break;
      case Type::kBool: c = static_cast<int>(x.b) - static_cast<int>(y.b); break;
      case Type::kString: c = x.str->view().compare(y.str->view()); break;
      case Type::kObject: break;
    }
    if (c != 0) return descending ? c > 0 : c < 0;
  }
  return false;
}

void SortWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    out->AppendCopy(chunk, row, EventKind::kCurrent);
    const uint32_t slot = store_.Store(chunk, row);
    // Stable insertion: after every equal element, so the newest goes first on ties.
    auto at = std::upper_bound(held_.begin(), held_.end(), slot,
                               [this](uint32_t a, uint32_t b) { return Before(a, b); });
    held_.insert(at, slot);
    if (held_.size() > static_cast<size_t>(config_.length)) {
      const uint32_t last = held_.back();
      held_.pop_back();
      out->AppendCopy(store_.rows(), last, EventKind::kExpired);
      out->set_timestamp(out->size() - 1, now());
      store_.Free(last);
    }
  }
  Emit(*out);
}

// ---------------------------------------------------------------- frequent

std::string FrequentWindow::KeyOf(const EventChunk& chunk, uint32_t row) const {
  std::string key;
  const EventView view = chunk.view(row);
  // As the reference builds it: the values' Java text forms, concatenated.
  auto add = [&](uint32_t a) { key += view.value(a).ToString(); };
  if (config_.key_attrs.empty()) {
    for (uint32_t a = 0; a < chunk.arity(); ++a) add(a);
  } else {
    for (int32_t a : config_.key_attrs) add(static_cast<uint32_t>(a));
  }
  return key;
}

void FrequentWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    const std::string key = KeyOf(chunk, row);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      ++it->second.count;
      store_.Free(it->second.slot);
      it->second.slot = store_.Store(chunk, row);
      out->AppendCopy(chunk, row, EventKind::kCurrent);
      continue;
    }
    if (entries_.size() >= static_cast<size_t>(config_.length)) {
      // Full: every count goes down; keys reaching zero leave.
      // In the reference's hash-map order, which decides the order of evictions.
      for (const std::string& k : order_.Keys()) {
        Entry& e = entries_[k];
        if (--e.count > 0) continue;
        out->AppendCopy(store_.rows(), e.slot, EventKind::kExpired);
        out->set_timestamp(out->size() - 1, now());
        store_.Free(e.slot);
        entries_.erase(k);
        order_.Erase(k);
      }
      if (entries_.size() >= static_cast<size_t>(config_.length)) continue;  // dropped silently
    }
    entries_[key] = Entry{1, store_.Store(chunk, row)};
    order_.Insert(key);
    out->AppendCopy(chunk, row, EventKind::kCurrent);
  }
  Emit(*out);
}

// ---------------------------------------------------------------- session

void SessionWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    const int64_t ts = chunk.timestamp(row);
    std::string key;
    if (config_.key_attr >= 0) {
      const uint32_t a = static_cast<uint32_t>(config_.key_attr);
      if (!chunk.nulls(row)[a]) key = std::string(chunk.row(row)[a].str->view());
    }
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
      sessions_.emplace_back(std::piecewise_construct, std::forward_as_tuple(key), std::forward_as_tuple(schema_));
      auto session = std::prev(sessions_.end());
      by_key_[key] = session;
      session->second.start = session->second.last = ts;
      session->second.events.Push(chunk, row);
      scheduler_->Schedule(ts + config_.time_ms, this);
    } else {
      Session& s = it->second->second;
      if (ts < s.start - config_.time_ms) continue;  // too late for the session: dropped
      s.events.Push(chunk, row);
      if (ts > s.last) {
        s.last = ts;
        scheduler_->Schedule(ts + config_.time_ms, this);
      }
      s.start = std::min(s.start, ts);
    }
    out->AppendCopy(chunk, row, EventKind::kCurrent);
  }
  Emit(*out);
}

void SessionWindow::OnTimer(int64_t due) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& s = it->second;
    if (s.last + config_.time_ms > due) {
      ++it;
      continue;
    }
    // Closed: its events leave with their own timestamps.
    while (!s.events.empty()) {
      const int64_t ts = s.events.timestamp(0);
      s.events.PopInto(*out, EventKind::kExpired, ts);
    }
    by_key_.erase(it->first);
    it = sessions_.erase(it);
  }
  Emit(*out);
}

}  // namespace eddy::runtime
