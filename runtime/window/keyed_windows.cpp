#include "runtime/window/keyed_windows.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "eddy/value.h"
#include "runtime/expr/java_format.h"

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

namespace {

// Appends attribute `a`'s Java text (String.valueOf) to `out`.
void AppendJavaText(const EventChunk& chunk, uint32_t row, uint32_t a, std::string& out) {
  if (chunk.nulls(row)[a]) {
    out += "null";
    return;
  }
  const Slot& slot = chunk.row(row)[a];
  char digits[24];
  switch (chunk.schema().type(a)) {
    case Type::kString: out += slot.str->view(); return;
    case Type::kInt: out.append(digits, std::to_chars(digits, digits + sizeof digits, slot.i32).ptr); return;
    case Type::kLong: out.append(digits, std::to_chars(digits, digits + sizeof digits, slot.i64).ptr); return;
    case Type::kBool: out += slot.b ? "true" : "false"; return;
    case Type::kFloat: out += FormatJavaFloat(slot.f32); return;
    case Type::kDouble: out += FormatJavaDouble(slot.f64); return;
    case Type::kObject: out += chunk.view(row).value(a).ToString(); return;
  }
}

}  // namespace

void FrequencyKey(const EventChunk& chunk, uint32_t row, const std::vector<int32_t>& attrs, std::string& key) {
  key.clear();
  if (attrs.empty()) {
    for (uint32_t a = 0; a < chunk.arity(); ++a) AppendJavaText(chunk, row, a, key);
  } else {
    for (int32_t a : attrs) AppendJavaText(chunk, row, static_cast<uint32_t>(a), key);
  }
}

CountedKeys::Entry* CountedKeys::Find(const std::string& key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

CountedKeys::Entry& CountedKeys::Store(const std::string& key, const EventChunk& chunk, uint32_t row) {
  auto [it, added] = entries_.try_emplace(key);
  if (added) {
    order_.Insert(key);
  } else {
    store_.Free(it->second.slot);
  }
  it->second.slot = store_.Store(chunk, row);
  return it->second;
}

void CountedKeys::Evict(const std::string& key, int64_t now, EventChunk& out) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  out.AppendCopy(store_.rows(), it->second.slot, EventKind::kExpired);
  out.set_timestamp(out.size() - 1, now);
  store_.Free(it->second.slot);
  entries_.erase(it);
  order_.Erase(key);
}

void CountedKeys::AppendContents(std::vector<RowRun>& runs) const {
  for (const std::string& key : order_.Keys()) store_.AppendRun(entries_.at(key).slot, runs);
}

void FrequentWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    FrequencyKey(chunk, row, config_.key_attrs, key_);
    const std::string& key = key_;
    if (keys_.Find(key) == nullptr && keys_.size() >= static_cast<size_t>(config_.length)) {
      // Full: every count goes down; keys reaching zero leave.
      for (const std::string& k : keys_.Keys()) {
        if (--keys_.Find(k)->count <= 0) keys_.Evict(k, now(), *out);
      }
      if (keys_.size() >= static_cast<size_t>(config_.length)) continue;  // dropped silently
    }
    ++keys_.Store(key, chunk, row).count;
    out->AppendCopy(chunk, row, EventKind::kCurrent);
  }
  Emit(*out);
}

// ---------------------------------------------------------------- lossyFrequent

LossyFrequentWindow::LossyFrequentWindow(const WindowConfig& c, const Schema* s, Scheduler* sch)
    : Window(c, s, sch), keys_(s), width_(std::ceil(1.0 / c.error)) {}

void LossyFrequentWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    ++total_;
    if (total_ != 1) bucket_ = static_cast<int64_t>(std::ceil(static_cast<double>(total_) / width_));
    FrequencyKey(chunk, row, config_.key_attrs, key_);
    const std::string& key = key_;
    const bool known = keys_.Find(key) != nullptr;
    CountedKeys::Entry& entry = keys_.Store(key, chunk, row);
    if (!known) entry.bucket = bucket_ - 1;
    ++entry.count;
    if (static_cast<double>(entry.count) >= (config_.support - config_.error) * static_cast<double>(total_)) {
      out->AppendCopy(chunk, row, EventKind::kCurrent);
    }
    if (std::fmod(static_cast<double>(total_), width_) == 0) {
      // A bucket ends: forget the keys too rare to matter.
      for (const std::string& k : keys_.Keys()) {
        const CountedKeys::Entry* e = keys_.Find(k);
        if (e->count + e->bucket <= bucket_) keys_.Evict(k, now(), *out);
      }
    }
  }
  Emit(*out);
}

// ---------------------------------------------------------------- session

bool SessionWindow::AppendContents(std::vector<RowRun>& runs) const {
  std::vector<const Key*> keys;
  for (const auto& [name, k] : keys_) keys.push_back(k.get());
  std::sort(keys.begin(), keys.end(), [](const Key* a, const Key* b) { return a->opened < b->opened; });
  for (const Key* k : keys) {
    k->previous.events.AppendRuns(runs);
    k->current.events.AppendRuns(runs);
  }
  return true;
}

void SessionWindow::SetTimes(Session& s, int64_t start, int64_t last) {
  s.start = start;
  s.end = last + gap();
  s.alive = s.end + latency();
}

void SessionWindow::Open(Session& s, const EventChunk& chunk, uint32_t row, int64_t ts) {
  s.events.Push(chunk, row);
  SetTimes(s, ts, ts);
  scheduler_->Schedule(s.end, this);
}

void SessionWindow::MoveSession(Session& from, Session& to) {
  while (!from.events.empty()) from.events.MoveFrontTo(to.events);
  to.start = from.start;
  to.end = from.end;
  to.alive = from.alive;
}

void SessionWindow::Expire(Session& s, EventChunk& out) {
  // Closed sessions leave with their events' own timestamps.
  while (!s.events.empty()) s.events.PopInto(out, EventKind::kExpired, s.events.timestamp(0));
}

void SessionWindow::MergeIfClose(Key& k) {
  if (k.previous.empty() || k.previous.end < k.current.start - gap()) return;
  // The previous session's events go in front of the current ones.
  while (!k.previous.events.empty()) k.previous.events.MoveBackToFrontOf(k.current.events);
  k.current.start = k.previous.start;
}

bool SessionWindow::Admit(Key& k, const EventChunk& chunk, uint32_t row, int64_t ts, EventChunk& expired) {
  Session& current = k.current;
  if (current.empty()) {
    Open(current, chunk, row, ts);
    return true;
  }
  if (ts >= current.start) {
    if (ts <= current.end) {  // extends the session
      current.events.Push(chunk, row);
      SetTimes(current, current.start, ts);
      scheduler_->Schedule(current.end, this);
      return true;
    }
    // Past the session's end before its timer fired (an out-of-order clock): it
    // closes now and the event opens the next one.
    if (latency() > 0) {
      Expire(k.previous, expired);
      MoveSession(current, k.previous);
      scheduler_->Schedule(k.previous.alive, this);
    } else {
      Expire(current, expired);
    }
    Open(current, chunk, row, ts);
    return true;
  }
  // A late event, before the session's start.
  if (ts >= current.start - gap()) {
    current.events.PushFront(chunk, row);
    current.start = ts;
    if (latency() > 0) MergeIfClose(k);
    return true;
  }
  Session& previous = k.previous;
  if (latency() == 0 || previous.empty() || ts < previous.start - gap()) return false;
  previous.events.Push(chunk, row);
  if (ts < previous.start && ts <= previous.end - gap()) {
    previous.start = ts;
  } else {
    previous.end = ts + gap();
    previous.alive = previous.end + latency();
    scheduler_->Schedule(previous.alive, this);
    MergeIfClose(k);
  }
  return true;
}

void SessionWindow::Process(const EventChunk& chunk, std::span<const uint32_t> rows) {
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  EventChunk expired(schema_);
  for (uint32_t row : rows) {
    if (chunk.kind(row) != EventKind::kCurrent) continue;
    key_.clear();
    if (config_.key_attr >= 0) {
      const uint32_t a = static_cast<uint32_t>(config_.key_attr);
      if (!chunk.nulls(row)[a]) key_ = chunk.row(row)[a].str->view();
    }
    std::unique_ptr<Key>& k = keys_[key_];  // copies the key only when it is new
    if (!k) k = std::make_unique<Key>(key_, schema_, next_order_++);
    if (Admit(*k, chunk, row, chunk.timestamp(row), expired)) out->AppendCopy(chunk, row, EventKind::kCurrent);
  }
  for (uint32_t i = 0; i < expired.size(); ++i) out->AppendCopy(expired, i);
  Emit(*out);
}

void SessionWindow::OnTimer(int64_t due) {
  // Sessions that end by now close in order of their end (ties: first opened
  // first); with allowed latency they become the previous session, and previous
  // sessions whose latency has run out leave.
  std::vector<std::pair<int64_t, Key*>> ending, leaving;
  for (auto& [key, k] : keys_) {
    if (!k->current.empty() && k->current.end <= due) ending.push_back({k->current.end, k.get()});
  }
  auto by_time = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->opened < b.second->opened;
  };
  std::sort(ending.begin(), ending.end(), by_time);
  ReentrantScratch<EventChunk>::Lease out(output_);
  out->Clear();
  for (auto& [end, k] : ending) {
    if (latency() > 0) {
      MoveSession(k->current, k->previous);
      scheduler_->Schedule(k->previous.alive, this);
    } else {
      Expire(k->current, *out);
    }
  }
  if (latency() > 0) {
    for (auto& [key, k] : keys_) {
      if (!k->previous.empty() && k->previous.alive <= due) leaving.push_back({k->previous.end, k.get()});
    }
    std::sort(leaving.begin(), leaving.end(), by_time);
    for (auto& [end, k] : leaving) Expire(k->previous, *out);
  }
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second->current.empty() && it->second->previous.empty()) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
  Emit(*out);
}

}  // namespace eddy::runtime
