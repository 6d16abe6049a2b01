// The rules of each kind of state, as the reference engine applies them. The
// terms: a state's `pending` matches wait for an event; `fresh` ones were added
// during the current event and become pending at the next promotion; a match
// "posts" from a state when that state matched: it completes (last state), moves
// to the next state, and re-arms the `every` group the state closes.
#include "runtime/pattern/pattern_state.h"

#include <algorithm>
#include <string>

#include "runtime/expr/compare_slots.h"

namespace eddy::runtime {

// One absence's clock: the deadlines it asked for, and the scheduler entries that
// cover them (several requests for one time fire once).
class PatternState::NodeTimer final : public Timer {
 public:
  NodeTimer(PatternState* state, uint32_t node) : state_(state), node_(node) {}

  void Request(int64_t due) {
    requests_.push_back(due);
    std::push_heap(requests_.begin(), requests_.end(), std::greater<>());
    Cover();
  }

  void OnTimer(int64_t now) override {
    while (!armed_.empty() && armed_.front() <= now) {
      std::pop_heap(armed_.begin(), armed_.end(), std::greater<>());
      armed_.pop_back();
    }
    if (!requests_.empty() && requests_.front() <= now) {
      while (!requests_.empty() && requests_.front() <= now) {
        std::pop_heap(requests_.begin(), requests_.end(), std::greater<>());
        requests_.pop_back();
      }
      state_->OnNodeTimer(node_, now);
    }
    Cover();
  }

 private:
  // Makes sure a scheduler entry exists at or before the earliest request.
  void Cover() {
    if (requests_.empty()) return;
    const int64_t due = requests_.front();
    if (!armed_.empty() && armed_.front() <= due) return;
    armed_.push_back(due);
    std::push_heap(armed_.begin(), armed_.end(), std::greater<>());
    state_->scheduler_->Schedule(due, this);
  }

  PatternState* state_;
  uint32_t node_;
  std::vector<int64_t> requests_;  // min-heaps
  std::vector<int64_t> armed_;
};

// Drops expired partial matches on the clock, so they go even without events.
// (Every event drops what expired before it is processed; the clock only bounds
// how long expired matches linger, so it fires at most every 1/16 of `within`.)
class PatternState::ExpiryTimer final : public Timer {
 public:
  explicit ExpiryTimer(PatternState* state) : state_(state) {}
  void OnTimer(int64_t now) override {
    if (state_->expiry_armed_ <= now) state_->expiry_armed_ = INT64_MAX;
    state_->expiry_floor_ = now + std::max<int64_t>(1, *state_->spec_->within_ms / 16);
    state_->sink_->Begin();
    state_->ExpireUpTo(now);
    state_->EnforceCap();
    state_->ArmExpiryTimer();
    state_->sink_->End();
  }

 private:
  PatternState* state_;
};

PatternScratch::PatternScratch(const PatternSpec& spec) {
  for (const PatternNodeSpec& n : spec.nodes) {
    frames.push_back(n.frame_schema != nullptr ? std::make_unique<EventChunk>(n.frame_schema) : nullptr);
  }
  size_t arity = 0;
  for (const Schema* schema : spec.stream_schemas) arity = std::max<size_t>(arity, schema->arity());
  extra.resize(arity + 1);  // an event's attributes, then its timestamp
}

namespace {

std::vector<EventStore*> StoresOfPositions(const PatternSpec& spec,
                                           const std::vector<std::unique_ptr<EventStore>>& stores) {
  std::vector<EventStore*> out;
  for (const PatternNodeSpec& n : spec.nodes) out.push_back(stores[n.stream].get());
  return out;
}

std::vector<std::unique_ptr<EventStore>> MakeStores(const PatternSpec& spec) {
  std::vector<std::unique_ptr<EventStore>> stores;
  for (const Schema* schema : spec.stream_schemas) stores.push_back(std::make_unique<EventStore>(schema));
  return stores;
}

std::vector<uint8_t> CountedPositions(const PatternSpec& spec) {
  std::vector<uint8_t> out;
  for (const PatternNodeSpec& n : spec.nodes) out.push_back(n.kind == PatternNodeKind::kCount);
  return out;
}

}  // namespace

PatternState::PatternState(const PatternSpec* spec, Scheduler* scheduler, PatternScratch* scratch, Sink* sink,
                           LogSink log, std::string query_name)
    : spec_(spec),
      scheduler_(scheduler),
      scratch_(scratch),
      sink_(sink),
      log_(std::move(log)),
      query_name_(std::move(query_name)),
      sequence_(spec->sequence),
      stores_(MakeStores(*spec)),
      matches_(StoresOfPositions(*spec, stores_), CountedPositions(*spec),
               static_cast<uint32_t>(2 * spec->nodes.size())),
      expiry_armed_(INT64_MAX) {
  const size_t n = spec->nodes.size();
  initialized_.assign(n, 0);
  active_.assign(n, 1);
  start_state_reset_.assign(n, 0);
  last_scheduled_.assign(n, 0);
  last_arrival_.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    timers_.push_back(spec->IsAbsent(i) ? std::make_unique<NodeTimer>(this, i) : nullptr);
    if (node(i).is_start) start_positions_.push_back(i);
    if (node(i).index && !spec->sequence) matches_.MakeIndexed(pending(i), node(i).index->key.type);
    positions_.push_back({stores_[node(i).stream].get(), spec->IsCount(i)});
  }
  stream_hot_.resize(spec->stream_names.size());
  for (uint32_t stream = 0; stream < spec->stream_names.size(); ++stream) {
    for (uint32_t i : spec->stream_nodes[stream]) {
      NodeHot h;
      h.node = i;
      h.pending = pending(i);
      h.absent = spec->IsAbsent(i);
      if (node(i).index && !spec->sequence) {
        h.key_attr = static_cast<int32_t>(node(i).index->event_attribute);
        h.key_type = node(i).index->key.type;
        h.keyed = matches_.keyed(h.pending);
      }
      stream_hot_[stream].push_back(h);
    }
  }
  stream_work_.assign(spec->stream_names.size(), kFreshDirty);
  ChooseShortcuts();
  rearm_.assign(n, MatchStore::kNone);
  expiry_timer_ = std::make_unique<ExpiryTimer>(this);
}

PatternState::~PatternState() = default;

// Where the rules' result does not depend on a match waiting in a `fresh` list
// until the next promotion, it goes straight where the promotion would put it:
//  - direct_pending_[n]: a stream state whose only way in is `next` from one
//    earlier stream state of the same stream, and that nothing re-arms: what
//    reaches it arrives during an event of that stream, after the state was
//    offered the event (later states first), all with the event's timestamp,
//    so promotion would append it to `pending` in the same order;
//  - rearm_in_place_[n]: the first state, a stream state that re-arms itself
//    (`every e1=S`): its matches are all empty, so the match that goes on can
//    be a copy and the one in the entry stay, as the re-armed copy (copies of
//    an empty match differ in nothing that the rules read but their order, and
//    the order of identical matches does not show).
void PatternState::ChooseShortcuts() {
  const uint32_t count = static_cast<uint32_t>(spec_->nodes.size());
  direct_pending_.assign(count, 0);
  rearm_in_place_.assign(count, 0);
  if (spec_->sequence || !spec_->shortcuts) return;
  std::vector<uint32_t> ways_in(count, 0);
  std::vector<uint8_t> rearmed(count, 0);
  for (const PatternNodeSpec& s : spec_->nodes) {
    if (s.next >= 0) ++ways_in[static_cast<size_t>(s.next)];
    for (int32_t target : {s.every, s.within_every, s.callback, s.partner}) {
      if (target >= 0) rearmed[static_cast<size_t>(target)] = 1;
    }
  }
  for (uint32_t p = 0; p < count; ++p) {
    const PatternNodeSpec& from = node(p);
    if (from.kind != PatternNodeKind::kStream || from.next < 0) continue;
    const uint32_t n = static_cast<uint32_t>(from.next);
    const PatternNodeSpec& to = node(n);
    direct_pending_[n] = to.kind == PatternNodeKind::kStream && !to.is_start && to.partner < 0 && n > p &&
                         to.stream == from.stream && ways_in[n] == 1 && !rearmed[n];
  }
  const PatternNodeSpec& first = node(0);
  rearm_in_place_[0] = first.kind == PatternNodeKind::kStream && first.is_start && first.every == 0 &&
                       first.partner < 0;
}

// ------------------------------------------------------------------ starting and arming

void PatternState::Start(int64_t now) {
  sink_->Begin();
  for (uint32_t n = 0; n < spec_->nodes.size(); ++n) Init(n);
  for (uint32_t n : spec_->startup) {
    const PatternNodeSpec& s = node(n);
    if (!s.is_start || s.wait_ms < 0 || !active_[n]) continue;
    if (s.kind == PatternNodeKind::kAbsent) last_scheduled_[n] = now + s.wait_ms;
    Schedule(n, now + s.wait_ms);
  }
  sink_->End();
}

// A start state gets its empty partial match once; `every` at the start (and a
// sequence whose start precedes an absence) gets a new one whenever it is reset.
void PatternState::Init(uint32_t n) {
  const PatternNodeSpec& s = node(n);
  const bool next_absent = s.next >= 0 && spec_->IsAbsent(static_cast<uint32_t>(s.next));
  if (!s.is_start || !(!initialized_[n] || s.every >= 0 || (spec_->sequence && next_absent))) return;
  const Pm pm = matches_.New();
  AddState(n, pm);
  matches_.Unhold(pm);
  initialized_[n] = 1;
}

// Hands a partial match to state n (it becomes eligible at the next promotion).
void PatternState::AddState(uint32_t n, Pm pm) {
  const PatternNodeSpec& s = node(n);
  switch (s.kind) {
    case PatternNodeKind::kStream:
    case PatternNodeKind::kCount: {
      // A sequence state takes one match per event.
      if (direct_pending_[n]) {
        PushPending(n, pm);
      } else if (!spec_->sequence || matches_.empty(fresh(n))) {
        PushFresh(n, pm);
      }
      if (s.kind == PatternNodeKind::kCount && s.min_count == 0 && !matches_.bound(pm, n)) {
        // Zero events already satisfy the count: pass straight on.
        bool changed = false;
        MinCountReached(n, pm, &changed);
        if (changed && !spec_->sequence) {
          const MatchStore::Entry e = matches_.Find(fresh(n), pm);
          if (e != MatchStore::kNone) matches_.Remove(e);
        }
      }
      break;
    }
    case PatternNodeKind::kAbsent:
      if (!active_[n]) break;
      if (spec_->sequence) matches_.Clear(fresh(n));
      PushFresh(n, pm);
      if (!s.is_start) {
        last_scheduled_[n] = matches_.ts(pm) + s.wait_ms;
        Schedule(n, last_scheduled_[n]);
      }
      break;
    case PatternNodeKind::kLogical: AddLogical(n, pm); break;
    case PatternNodeKind::kLogicalAbsent:
      if (!active_[n]) break;
      AddLogical(n, pm);
      if (!s.is_start && s.wait_ms >= 0) {
        Schedule(n, matches_.ts(pm) + s.wait_ms);
        const PatternNodeSpec& partner = node(static_cast<uint32_t>(s.partner));
        if (partner.kind == PatternNodeKind::kLogicalAbsent && partner.wait_ms >= 0) {
          Schedule(static_cast<uint32_t>(s.partner), matches_.ts(pm) + partner.wait_ms);
        }
      }
      break;
  }
}

void PatternState::PushFresh(uint32_t n, Pm pm) {
  matches_.Push(fresh(n), pm);
  stream_work_[node(n).stream] |= kFreshDirty;
  // The other side of a logical state promotes this list too.
  if (node(n).partner >= 0) stream_work_[node(static_cast<uint32_t>(node(n).partner)).stream] |= kFreshDirty;
}

// What promoting `pm` from fresh(n) would do (see ChooseShortcuts).
inline void PatternState::PushPending(uint32_t n, Pm pm) {
  MatchStore::Key key;
  if (node(n).index) {
    matches_.PushKeyed(pending(n), pm, KeyOf(n, pm, key) ? &key : nullptr);
  } else {
    matches_.Push(pending(n), pm);
  }
}

void PatternState::RequestStartReset(uint32_t n) {
  start_state_reset_[n] = 1;
  stream_work_[node(n).stream] |= kFreshDirty;
}

// Both sides of a logical state wait for the same partial match.
void PatternState::AddLogical(uint32_t n, Pm pm) {
  const uint32_t partner = static_cast<uint32_t>(node(n).partner);
  if (node(n).is_start || spec_->sequence) {
    if (matches_.empty(fresh(n))) PushFresh(n, pm);
    if (matches_.empty(fresh(partner))) PushFresh(partner, pm);
  } else {
    PushFresh(n, pm);
    PushFresh(partner, pm);
  }
}

// Re-arms the `every` group starting at state n with a copy of `pm` that keeps
// the positions before n.
void PatternState::AddEveryCopy(uint32_t n, Pm pm) {
  const PatternNodeSpec& s = node(n);
  const bool logical = s.kind == PatternNodeKind::kLogical || s.kind == PatternNodeKind::kLogicalAbsent;
  const Pm copy = matches_.Clone(pm, n, logical ? s.partner : -1);
  if (s.kind == PatternNodeKind::kLogicalAbsent && matches_.bound(pm, n)) {
    matches_.set_ts(copy, BindingTs(pm, n));
  }
  if (n > 0) TrackExpiry(copy);  // (a copy for the first state keeps no event)
  switch (s.kind) {
    case PatternNodeKind::kStream:
    case PatternNodeKind::kCount: PushFresh(n, copy); break;
    case PatternNodeKind::kAbsent:
      PushFresh(n, copy);
      last_scheduled_[n] = matches_.ts(pm) + s.wait_ms;
      Schedule(n, last_scheduled_[n]);
      break;
    case PatternNodeKind::kLogical:
    case PatternNodeKind::kLogicalAbsent:
      PushFresh(n, copy);
      PushFresh(static_cast<uint32_t>(s.partner), copy);
      break;
  }
  matches_.Unhold(copy);
}

// Makes the matches added to state n eligible (a logical state promotes both sides).
void PatternState::Promote(uint32_t n) {
  if (node(n).kind == PatternNodeKind::kCount && start_state_reset_[n]) {
    start_state_reset_[n] = 0;
    Init(n);
  }
  PromoteList(n);
  if (node(n).partner >= 0) PromoteList(static_cast<uint32_t>(node(n).partner));
}

void PatternState::PromoteList(uint32_t n) {
  if (matches_.empty(fresh(n))) return;
  matches_.MoveAll(fresh(n), pending(n), [&](Pm pm, MatchStore::Key& key) { return KeyOf(n, pm, key); });
}

// Sequences, before each event: what the previous event did not advance is dropped.
void PatternState::Reset(uint32_t n) {
  const PatternNodeSpec& s = node(n);
  auto rearm_start = [&](bool require_fresh_empty) {
    if (!s.is_start || (require_fresh_empty && !matches_.empty(fresh(n)))) return;
    if (spec_->sequence && s.every < 0 && s.next >= 0 && !matches_.empty(pending(static_cast<uint32_t>(s.next)))) {
      return;
    }
    Init(n);
  };
  switch (s.kind) {
    case PatternNodeKind::kLogical:
    case PatternNodeKind::kLogicalAbsent: {
      const uint32_t partner = static_cast<uint32_t>(s.partner);
      if (s.logical == LogicalType::kOr || matches_.size(pending(n)) == matches_.size(pending(partner))) {
        matches_.Clear(pending(n));
        matches_.Clear(pending(partner));
        rearm_start(true);
      }
      break;
    }
    case PatternNodeKind::kAbsent:
      matches_.Clear(pending(n));
      rearm_start(false);
      break;
    default:
      matches_.Clear(pending(n));
      rearm_start(true);
      break;
  }
}

void PatternState::ResetAndUpdate() {
  for (auto it = spec_->terms.rbegin(); it != spec_->terms.rend(); ++it) Reset(*it);
  for (uint32_t n : spec_->terms) Promote(n);
}

// State n matched `pm`: complete it, hand it on, re-arm the `every` group.
inline void PatternState::Post(uint32_t n, Pm pm) {
  const PatternNodeSpec& s = node(n);
  if (s.last) Emit(pm);
  if (s.next >= 0) AddState(static_cast<uint32_t>(s.next), pm);
  if (s.every >= 0) AddEvery(static_cast<uint32_t>(s.every), pm);
  if (s.callback >= 0) RequestStartReset(static_cast<uint32_t>(s.callback));
}

void PatternState::MinCountReached(uint32_t n, Pm pm, bool* changed) {
  const PatternNodeSpec& s = node(n);
  if (s.last) {
    *changed = true;
    Emit(pm);
  }
  if (s.next >= 0) AddState(static_cast<uint32_t>(s.next), pm);
  if (s.every >= 0) AddEvery(static_cast<uint32_t>(s.every), pm);
}

// An absence's deadline passed for `pm`.
void PatternState::SendTimed(uint32_t n, Pm pm) {
  const PatternNodeSpec& s = node(n);
  if (s.last) Emit(pm);
  if (s.next >= 0) AddState(static_cast<uint32_t>(s.next), pm);
  if (s.every >= 0) {
    AddEvery(static_cast<uint32_t>(s.every), pm);
  } else if (s.is_start) {
    // Without `every` a leading absence fires once.
    active_[n] = 0;
    if (s.logical == LogicalType::kOr && node(static_cast<uint32_t>(s.partner)).kind == PatternNodeKind::kLogicalAbsent) {
      active_[static_cast<size_t>(s.partner)] = 0;
    }
  }
  if (s.callback >= 0) RequestStartReset(static_cast<uint32_t>(s.callback));
}

// `absent and X`: may X's match go on? Only once the absence is satisfied (with
// `for`), or while no matching event came (without `for`).
bool PatternState::PartnerCanProceed(uint32_t absent, Pm pm) {
  const PatternNodeSpec& s = node(absent);
  if (spec_->sequence && s.every < 0 && last_arrival_[absent] > 0) return false;
  if (s.wait_ms < 0) {
    if (s.every < 0) return !matches_.bound(pm, absent);
    if (last_arrival_[absent] > 0) {
      last_arrival_[absent] = 0;
      Init(absent);
      return false;
    }
    return true;
  }
  return matches_.bound(pm, absent);
}

// ------------------------------------------------------------------ events

void PatternState::OnEvent(uint32_t stream, const EventChunk& chunk, uint32_t row,
                           std::span<const ColumnView> local) {
  OnEvents(stream, chunk, std::span<const uint32_t>(&row, 1), local);
}

void PatternState::OnEvents(uint32_t stream, const EventChunk& chunk, std::span<const uint32_t> rows,
                            std::span<const ColumnView> local) {
  if (sequence_) OnEventsAs<true>(stream, chunk, rows, local); else OnEventsAs<false>(stream, chunk, rows, local);
}

// Most events do little else than this loop: what it reads of the chunk and of
// the stream's states is read once per chunk (and whether this is a sequence,
// once per query).
template <bool kSequence>
void PatternState::OnEventsAs(uint32_t stream, const EventChunk& chunk, std::span<const uint32_t> rows,
                              std::span<const ColumnView> local) {
  chunk_ = &chunk;
  stream_ = stream;
  const NodeHot* hot = stream_hot_[stream].data();
  const size_t node_count = stream_hot_[stream].size();
  const Slot* chunk_slots = chunk.slots();
  const uint8_t* chunk_nulls = chunk.null_flags();
  const size_t arity = chunk.arity();
  EventStore& store = *stores_[stream];
  const uint8_t* const* local_passes = LocalPasses(chunk, local, node_count);
  const EventKind* kinds = chunk.kinds();
  const int64_t* timestamps = chunk.timestamps();
  for (const uint32_t row : rows) {
    if (kinds[row] != EventKind::kCurrent) continue;
    row_ = row;
    event_ts_ = timestamps[row];
    if (event_ts_ >= expiry_next_) ExpireUpTo(event_ts_);
    // (Most events find nothing re-armed or added since the last one of their stream.)
    if (stream_work_[stream] != 0) PrepareStream(stream);
    if constexpr (kSequence) ResetAndUpdate();
    const Slot* slots = chunk_slots + row * arity;
    const uint8_t* nulls = chunk_nulls + row * arity;
    for (size_t k = 0; k < node_count; ++k) {
      const bool local_ok = local_passes[k] == nullptr || local_passes[k][row] != 0;
      // A pattern state whose own condition fails has nothing to do: waiting
      // matches keep waiting. Sequences still drop what the event does not advance.
      if (!kSequence && !local_ok) continue;
      // The first match waiting at the state that this event may concern: the
      // first of its key for an indexed state. Most events stop here.
      const NodeHot& h = hot[k];
      if (matches_.empty(h.pending) || (h.absent && !active_[h.node])) continue;
      MatchStore::Entry first;
      if (kSequence || h.key_attr < 0) {
        first = matches_.head(h.pending);
      } else {
        const uint32_t attr = static_cast<uint32_t>(h.key_attr);
        if (nulls[attr]) continue;
        first = matches_.FindKey(h.keyed, MatchStore::Key{h.key_type, slots[attr]});
        if (first == MatchStore::kNone) continue;
      }
      ProcessEvent(h.node, local_ok, first);
    }
    // The copy of the event the states took (if any) is theirs now.
    if (current_event_ != MatchStore::kNone) {
      store.Release(current_event_);
      current_event_ = MatchStore::kNone;
    }
    // (Only a new deadline can need an earlier timer.)
    if (expiry_pushed_) {
      expiry_pushed_ = false;
      ArmExpiryTimer();
    }
  }
  chunk_ = nullptr;
}

// The states' local conditions as one byte per row of the chunk: the per-event
// loop reads them without the views' strides.
const uint8_t* const* PatternState::LocalPasses(const EventChunk& chunk, std::span<const ColumnView> local,
                                               size_t count) {
  const size_t rows = chunk.size();
  std::vector<uint8_t>& bytes = scratch_->local_bytes;
  std::vector<const uint8_t*>& passes = scratch_->local_passes;
  if (bytes.size() < rows * count) bytes.resize(rows * count);
  passes.assign(count, nullptr);
  for (size_t k = 0; k < count; ++k) {
    const ColumnView& l = local[k];
    if (l.data == nullptr) continue;
    uint8_t* out = bytes.data() + k * rows;
    const Slot* value = l.data;
    const uint8_t* null = l.nulls;
    if (l.stride == 1 && l.null_stride == 1) {
      // (An evaluator's own column: a loop without branches.)
      for (size_t r = 0; r < rows; ++r) out[r] = static_cast<uint8_t>((null[r] == 0) & value[r].b);
    } else {
      for (size_t r = 0; r < rows; ++r, value += l.stride, null += l.null_stride) out[r] = !*null && value->b;
    }
    passes[k] = out;
  }
  return passes.data();
}

// Re-arms what expired at states of the stream; makes what was added at them
// since its last event eligible.
void PatternState::PrepareStream(uint32_t stream) {
  if (stream_work_[stream] & kRearmWaiting) RearmAfterExpiry(stream);
  if (!(stream_work_[stream] & kFreshDirty)) return;
  stream_work_[stream] &= static_cast<uint8_t>(~kFreshDirty);
  if (sequence_) return;  // (a sequence promotes every state at every event)
  for (uint32_t n : spec_->stream_nodes[stream]) {
    const int32_t partner = node(n).partner;
    if (!matches_.empty(fresh(n)) || start_state_reset_[n] ||
        (partner >= 0 && !matches_.empty(fresh(static_cast<uint32_t>(partner))))) {
      Promote(n);
    }
  }
}

inline void PatternState::CollectCandidates(uint32_t n, MatchStore::Entry first) {
  std::vector<MatchStore::Entry>& out = scratch_->candidates;
  out.clear();
  if (node(n).index && !spec_->sequence) {
    for (MatchStore::Entry e = first; e != MatchStore::kNone; e = matches_.NextWithKey(e)) out.push_back(e);
  } else {
    for (MatchStore::Entry e = first; e != MatchStore::kNone; e = matches_.next(e)) out.push_back(e);
  }
}

// Whether the candidates satisfy state n's local and general correlated
// conditions with this event: the same for all (returns 0 or 1) or, with a
// correlated condition, per candidate in scratch pass (returns -1). (The
// comparisons are checked per candidate: ComparesHold.)
inline int PatternState::EvaluateCandidates(uint32_t n, bool local_ok) {
  const std::vector<MatchStore::Entry>& candidates = scratch_->candidates;
  const PatternNodeSpec& s = node(n);
  if (!local_ok || !s.correlated || candidates.empty()) return local_ok ? 1 : 0;
  std::vector<uint8_t>& pass = scratch_->pass;
  if (pass.size() < candidates.size()) pass.resize(candidates.size());
  EvaluateFrame(n, pass.data());
  return -1;
}

// Whether the event meets state n's comparisons with the events `pm` stores
// (PatternNodeSpec::compares). An unbound position, or a null side, fails.
// (Checked candidate by candidate: processing one never changes another.)
inline bool PatternState::ComparesHold(const PatternNodeSpec& s, Pm pm) const {
  const Slot* event = chunk_->row(row_);
  const uint8_t* event_nulls = chunk_->nulls(row_);
  for (const PatternCompare& c : s.compares) {
    const uint32_t position = c.stored.position;
    const uint32_t b = matches_.binding(pm, position);
    if (event_nulls[c.event_attribute] || b == MatchStore::kNone || b == MatchStore::kMarker) return false;
    const EventStore& store = *positions_[position].store;
    if (store.null(b, c.stored.attribute)) return false;
    const Slot x = event[c.event_attribute];
    const Slot y = store.slot(b, c.stored.attribute);
    if (!(c.typed != nullptr ? c.typed(x, y)
                             : CompareSlots(c.op, c.as, WidenSlot(x, c.event_type, c.as), WidenSlot(y, c.stored.type, c.as)))) {
      return false;
    }
  }
  return true;
}

// The general correlated condition, over a frame gathered from the candidates.
void PatternState::EvaluateFrame(uint32_t n, uint8_t* pass) {
  const std::vector<MatchStore::Entry>& candidates = scratch_->candidates;
  const PatternNodeSpec& s = node(n);
  EventChunk& frame = *scratch_->frames[n];
  frame.Clear();  // borrowed values: nothing to release
  for (MatchStore::Entry e : candidates) {
    const uint32_t r = frame.AppendUnfilled(event_ts_, EventKind::kCurrent);  // Gather writes every column
    Gather(matches_.pm(e), s.frame, frame.mutable_row(r), frame.mutable_nulls(r));
  }
  // The event's attributes, then its timestamp, as constant columns.
  std::vector<ColumnView>& extra = scratch_->extra;  // sized for every stream
  const uint32_t arity = chunk_->arity();
  static const uint8_t kNotNull = 0;
  for (uint32_t a = 0; a < arity; ++a) extra[a] = {chunk_->row(row_) + a, chunk_->nulls(row_) + a, 0, 0};
  scratch_->event_ts.i64 = event_ts_;
  extra[arity] = {&scratch_->event_ts, &kNotNull, 0, 0};
  const ColumnView v = s.correlated->Eval(
      EvalFrame{&frame, frame.size(), std::span<const ColumnView>(extra.data(), arity + 1), scheduler_->now()});
  for (uint32_t i = 0; i < candidates.size(); ++i) pass[i] = !v.null(i) && v.at(i).b;
}

// A candidate that is done with (`stale`) is dropped; one the event does not
// advance keeps waiting (patterns) or dies (sequences). True: nothing more to do.
bool PatternState::Skip(MatchStore::Entry e, bool stale, bool passed) {
  if (stale) {
    matches_.Remove(e);
    return true;
  }
  if (passed) return false;
  if (spec_->sequence) matches_.Remove(e);
  return true;
}

void PatternState::ProcessEvent(uint32_t n, bool local_ok, MatchStore::Entry first) {
  const PatternNodeSpec& s = node(n);
  const bool sequence = spec_->sequence;
  CollectCandidates(n, first);
  const int uniform = EvaluateCandidates(n, local_ok);
  // Processing a candidate never touches another candidate of this list, nor
  // the scratch lists.
  const std::vector<MatchStore::Entry>& candidates = scratch_->candidates;
  const uint8_t* pass = scratch_->pass.data();
  const int32_t partner = s.partner;
  const bool compares = !s.compares.empty();
  for (size_t i = 0; i < candidates.size(); ++i) {
    const MatchStore::Entry e = candidates[i];
    const Pm pm = matches_.pm(e);
    const bool passed = (uniform >= 0 ? uniform != 0 : pass[i] != 0) && (!compares || ComparesHold(s, pm));
    switch (s.kind) {
      case PatternNodeKind::kStream:
        if (passed) {
          matches_.set_ts(pm, event_ts_);
          if (s.last && s.next < 0 && s.every < 0 && s.callback < 0 && matches_.last_reference(e)) {
            // The match completes and goes: read the event in place, do not store it.
            unstored_position_ = static_cast<int32_t>(n);
            Emit(pm);
            unstored_position_ = -1;
          } else if (rearm_in_place_[n]) {
            // The event goes on in a copy of the (empty) match, which stays in
            // its entry as the re-armed copy its `every` makes (see ChooseShortcuts).
            const Pm moving = matches_.Clone(pm, n, -1);
            rearm_entry_ = e;
            rearm_node_ = n;
            rearm_pm_ = moving;
            BindEvent(n, moving);
            Post(n, moving);
            const bool stayed = rearm_entry_ == MatchStore::kNone;
            rearm_entry_ = MatchStore::kNone;
            matches_.Unhold(moving);
            if (!stayed) matches_.Remove(e);
            break;
          } else {
            BindEvent(n, pm);
            Post(n, pm);
          }
          matches_.Remove(e);
        } else if (sequence) {
          matches_.Remove(e);
          if (s.callback >= 0) RequestStartReset(static_cast<uint32_t>(s.callback));
        }
        break;

      case PatternNodeKind::kLogical:
        // (`or` whose other side matched: done.)
        if (Skip(e, s.logical == LogicalType::kOr && matches_.bound(pm, static_cast<uint32_t>(partner)), passed)) {
          break;
        }
        BindEvent(n, pm);
        if (s.logical == LogicalType::kOr ||
            (node(static_cast<uint32_t>(partner)).kind == PatternNodeKind::kLogicalAbsent
                 ? PartnerCanProceed(static_cast<uint32_t>(partner), pm)
                 : matches_.bound(pm, static_cast<uint32_t>(partner)))) {
          matches_.set_ts(pm, event_ts_);
          Post(n, pm);
        }
        matches_.Remove(e);  // `and` with the other side missing: it waits there, with this side kept
        break;

      case PatternNodeKind::kCount: {
        // (Done once the next state took it.)
        const uint32_t positions = static_cast<uint32_t>(spec_->nodes.size());
        const bool taken =
            (n + 1 < positions && matches_.bound(pm, n + 1)) || (n + 2 < positions && matches_.bound(pm, n + 2));
        if (Skip(e, taken, passed)) break;
        AppendEvent(n, pm);
        matches_.set_ts(pm, event_ts_);
        const int32_t count = static_cast<int32_t>(matches_.count(pm, n));
        bool changed = false;
        if (count >= s.min_count) {
          if (sequence) {
            // Hand over at every step; keep collecting until the maximum.
            if (s.next >= 0) AddState(static_cast<uint32_t>(s.next), pm);
            if (count != s.max_count) AddState(n, pm);
          } else if (count == s.min_count) {
            MinCountReached(n, pm, &changed);
          }
          if (count == s.max_count) changed = true;
        }
        if (changed) matches_.Remove(e);
        break;
      }

      case PatternNodeKind::kAbsent:
        if (!passed) {
          if (sequence && s.callback >= 0) RequestStartReset(static_cast<uint32_t>(s.callback));
          break;
        }
        // The event that must not come came: this match dies; the wait restarts.
        matches_.set_ts(pm, event_ts_);
        if (s.is_start && s.every == static_cast<int32_t>(n)) AddEvery(n, pm);
        last_scheduled_[n] = event_ts_ + s.wait_ms;
        Schedule(n, last_scheduled_[n]);
        matches_.Remove(e);
        break;

      case PatternNodeKind::kLogicalAbsent: {
        if (Skip(e, s.logical == LogicalType::kOr && matches_.bound(pm, static_cast<uint32_t>(partner)), passed)) {
          break;
        }
        last_arrival_[n] = event_ts_;
        // Without `for`, the arrival is remembered: the other side may not proceed.
        if (s.wait_ms < 0 && !(sequence && s.logical == LogicalType::kAnd && s.every >= 0)) BindEvent(n, pm);
        matches_.Hold(pm);
        matches_.Remove(e);
        if (sequence) {
          const MatchStore::Entry other = matches_.Find(pending(static_cast<uint32_t>(partner)), pm);
          if (other != MatchStore::kNone) matches_.Remove(other);
        }
        matches_.Unhold(pm);
        break;
      }
    }
  }
}

// ------------------------------------------------------------------ timers

void PatternState::Schedule(uint32_t n, int64_t due) { timers_[n]->Request(due); }

void PatternState::OnNodeTimer(uint32_t n, int64_t now) {
  sink_->Begin();
  ExpireUpTo(now);
  if (node(n).kind == PatternNodeKind::kAbsent) {
    AbsentTimer(n, now);
  } else {
    LogicalAbsentTimer(n, now);
  }
  EnforceCap();
  ArmExpiryTimer();
  sink_->End();
}

// An absence's timer: a start with nothing waiting begins a new match; in a
// sequence, what the last event added replaces what waited.
void PatternState::RefreshOnTimer(uint32_t n, bool initialize) {
  if (initialize) {
    const Pm pm = matches_.New();
    AddState(n, pm);
    matches_.Unhold(pm);
  } else if (spec_->sequence && !matches_.empty(fresh(n))) {
    Reset(n);
  }
}

void PatternState::AbsentTimer(uint32_t n, int64_t now) {
  const PatternNodeSpec& s = node(n);
  if (!active_[n]) return;
  bool initialize = s.is_start && matches_.empty(fresh(n)) && matches_.empty(pending(n));
  if (initialize && spec_->sequence && s.every < 0 && last_scheduled_[n] > 0) initialize = false;
  RefreshOnTimer(n, initialize);
  PromoteList(n);
  std::vector<Pm>& due = due_;
  due.clear();
  for (MatchStore::Entry e = matches_.head(pending(n)); e != MatchStore::kNone;) {
    const MatchStore::Entry next = matches_.next(e);
    const Pm pm = matches_.pm(e);
    const int64_t ts = matches_.ts(pm);
    if (ts == -1 ? now >= last_scheduled_[n] : now >= ts + s.wait_ms) {
      matches_.set_ts(pm, now);
      matches_.Hold(pm);
      matches_.Remove(e);
      due.push_back(pm);
    }
    e = next;
  }
  if (s.within_every >= 0) Promote(static_cast<uint32_t>(s.within_every));
  for (Pm pm : due) {
    SendTimed(n, pm);
    matches_.Unhold(pm);
  }
  if (due.empty() && last_scheduled_[n] < now) {
    last_scheduled_[n] = now + s.wait_ms;
    Schedule(n, last_scheduled_[n]);
  }
}

void PatternState::LogicalAbsentTimer(uint32_t n, int64_t now) {
  const PatternNodeSpec& s = node(n);
  if (!active_[n]) return;
  const uint32_t partner = static_cast<uint32_t>(s.partner);
  bool nothing_sent = true;
  if (now >= last_arrival_[n] + s.wait_ms) {
    RefreshOnTimer(n, s.is_start && spec_->sequence && matches_.empty(fresh(n)) && matches_.empty(pending(n)));
    Promote(n);
    std::vector<Pm>& due = due_;
    due.clear();
    for (MatchStore::Entry e = matches_.head(pending(n)); e != MatchStore::kNone;) {
      const MatchStore::Entry next = matches_.next(e);
      const Pm pm = matches_.pm(e);
      const int64_t since = matches_.bound(pm, n) ? BindingTs(pm, n) : matches_.ts(pm);
      if (now >= since + s.wait_ms) {
        const bool partner_matched = matches_.bound(pm, partner);
        matches_.Hold(pm);
        matches_.Remove(e);
        if (s.logical == LogicalType::kOr && !partner_matched) {
          matches_.BindMarker(pm, n);
          due.push_back(pm);
        } else if (s.logical == LogicalType::kAnd && partner_matched) {
          due.push_back(pm);
        } else {
          // `and`, the other side still to come: this side is satisfied. (`or`
          // whose other side matched: nothing more to do.)
          if (s.logical == LogicalType::kAnd) matches_.BindMarker(pm, n);
          matches_.Unhold(pm);
        }
      }
      e = next;
    }
    nothing_sent = due.empty();
    for (Pm pm : due) {
      matches_.set_ts(pm, now);
      SendTimed(n, pm);
      matches_.Unhold(pm);
    }
    last_arrival_[n] = 0;
  }
  if (s.every >= 0 || (nothing_sent && s.is_start)) {
    Schedule(n, (last_arrival_[n] == 0 ? now : last_arrival_[n]) + s.wait_ms);
  }
}

// ------------------------------------------------------------------ bindings

inline EventStore::Id PatternState::CurrentEvent() {
  EventStore::Id& id = current_event_;
  if (id == MatchStore::kNone) id = stores_[stream_]->Add(*chunk_, row_);
  return id;
}

inline void PatternState::BindEvent(uint32_t n, Pm pm) {
  const EventStore::Id id = CurrentEvent();
  stores_[stream_]->Retain(id);
  const bool first = !matches_.bound(pm, n);
  matches_.Bind(pm, n, id);
  if (first && node(n).is_start && spec_->within_ms) {
    // (With one start state, the match's first event is this one.)
    if (start_positions_.size() == 1) TrackExpiryFrom(pm, event_ts_); else TrackExpiry(pm);
  }
}

void PatternState::AppendEvent(uint32_t n, Pm pm) {
  const EventStore::Id id = CurrentEvent();
  stores_[stream_]->Retain(id);
  const bool first = !matches_.bound(pm, n);
  matches_.Append(pm, n, id);
  if (first && node(n).is_start) TrackExpiry(pm);
}

int64_t PatternState::BindingTs(Pm pm, uint32_t position) const {
  const uint32_t b = matches_.binding(pm, position);
  if (b == MatchStore::kNone || b == MatchStore::kMarker) return -1;
  if (spec_->IsCount(position)) return stores_[node(position).stream]->timestamp(matches_.EventFromNewest(pm, position, 0));
  return stores_[node(position).stream]->timestamp(b);
}

inline bool PatternState::KeyOf(uint32_t n, Pm pm, MatchStore::Key& key) const {
  const PatternRef& ref = node(n).index->key;
  const uint32_t b = matches_.binding(pm, ref.position);
  if (b == MatchStore::kNone || b == MatchStore::kMarker) return false;
  const EventStore& store = *positions_[ref.position].store;
  if (store.null(b, ref.attribute)) return false;
  key.type = ref.type;
  key.value = store.slot(b, ref.attribute);
  return true;
}

void PatternState::Gather(Pm pm, std::span<const PatternRef> refs, Slot* slots, uint8_t* nulls) const {
  for (size_t i = 0; i < refs.size(); ++i) {
    const PatternRef& ref = refs[i];
    const uint32_t p = ref.position;
    slots[i].raw = 0;
    nulls[i] = 1;
    // The event the value is read from: its slots, null flags and timestamp.
    const Slot* row;
    const uint8_t* row_nulls;
    int64_t ts;
    if (static_cast<int32_t>(p) == unstored_position_) {
      // The event being processed, completing a match without being stored.
      row = chunk_->row(row_);
      row_nulls = chunk_->nulls(row_);
      ts = event_ts_;
    } else {
      const PositionHot& position = positions_[p];
      uint32_t event = MatchStore::kNone;
      if (!position.counted) {
        event = matches_.binding(pm, p);
      } else if (ref.pick == PatternRef::Pick::kIndex) {
        event = matches_.EventFromOldest(pm, p, static_cast<uint32_t>(ref.index));
      } else if (ref.pick == PatternRef::Pick::kFromLast) {
        event = matches_.EventFromNewest(pm, p, static_cast<uint32_t>(ref.index));
      }
      if (event == MatchStore::kNone) continue;
      if (event == MatchStore::kMarker) {
        // (A satisfied absence: bound, with nothing to read.)
        if (ref.what == PatternRef::What::kBound) {
          slots[i].b = true;
          nulls[i] = 0;
        }
        continue;
      }
      row = position.store->row(event);
      row_nulls = position.store->nulls(event);
      ts = position.store->timestamp(event);
    }
    switch (ref.what) {
      case PatternRef::What::kBound:
        slots[i].b = true;
        nulls[i] = 0;
        break;
      case PatternRef::What::kTimestamp:
        slots[i].i64 = ts;
        nulls[i] = 0;
        break;
      case PatternRef::What::kAttribute:
        if (row_nulls[ref.attribute]) break;
        slots[i] = row[ref.attribute];
        nulls[i] = 0;
        break;
    }
  }
}

// ------------------------------------------------------------------ within and the cap

void PatternState::TrackExpiry(Pm pm) {
  if (!spec_->within_ms) return;
  int64_t earliest = INT64_MAX;
  for (uint32_t p : start_positions_) {
    const uint32_t b = matches_.binding(pm, p);
    if (b == MatchStore::kNone || b == MatchStore::kMarker) continue;
    const EventStore& store = *stores_[node(p).stream];
    const EventStore::Id first = spec_->IsCount(p) ? matches_.EventFromOldest(pm, p, 0) : b;
    earliest = std::min(earliest, store.timestamp(first));
  }
  if (earliest != INT64_MAX) TrackExpiryFrom(pm, earliest);
}

void PatternState::TrackExpiryFrom(Pm pm, int64_t earliest) {
  // Matches that completed leave their deadline behind; once those dominate
  // (a long `within`), they are swept out so the heap stays proportional to
  // the live matches.
  if (expiry_.size() > 2 * matches_.live() + 1024) {
    expiry_.Sweep([&](const DeadlineQueue::Item& x) { return !matches_.alive(x.pm, x.generation); });
    // (Else a swept-out deadline would keep every event calling ExpireUpTo.)
    RefreshExpiryNext();
  }
  const int64_t deadline = earliest + *spec_->within_ms + 1;
  expiry_.Push({deadline, pm, matches_.generation(pm)});
  expiry_next_ = std::min(expiry_next_, deadline);
  expiry_pushed_ = true;
}

// Drops every partial match whose first event is more than `within` before t;
// each state that lost one re-arms its `every` group once, with the last lost.
void PatternState::ExpireUpTo(int64_t t) {
  if (expiry_.empty() || expiry_.front().deadline > t) return;
  struct UpdateNext {
    PatternState* state;
    ~UpdateNext() { state->RefreshExpiryNext(); }
  } update_next{this};
  std::vector<Pm>& lost = lost_;
  lost.clear();
  std::vector<Pm>& last_lost = last_lost_;
  while (!expiry_.empty() && expiry_.front().deadline <= t) {
    const DeadlineQueue::Item x = expiry_.front();
    expiry_.Pop();
    if (!matches_.alive(x.pm, x.generation)) continue;  // completed or dropped meanwhile
    if (lost.empty()) last_lost.assign(spec_->nodes.size(), MatchStore::kNone);
    matches_.Hold(x.pm);
    lost.push_back(x.pm);
    for (uint32_t n = 0; n < spec_->nodes.size(); ++n) {
      for (MatchStore::List list : {pending(n), fresh(n)}) {
        const MatchStore::Entry e = matches_.Find(list, x.pm);
        if (e == MatchStore::kNone) continue;
        matches_.Remove(e);
        last_lost[n] = x.pm;
      }
    }
  }
  if (lost.empty()) return;
  for (uint32_t n = 0; n < spec_->nodes.size(); ++n) {
    const int32_t group = node(n).within_every;
    if (last_lost[n] == MatchStore::kNone || group < 0) continue;
    const PatternNodeKind kind = node(n).kind;
    if (kind == PatternNodeKind::kStream || kind == PatternNodeKind::kCount) {
      // The reference engine notices that a match waiting at a stream state
      // expired when the next event of that state's stream arrives, and re-arms
      // the `every` group then: the re-armed match sees only what follows it.
      if (rearm_[n] != MatchStore::kNone) matches_.Unhold(rearm_[n]);
      matches_.Hold(last_lost[n]);
      rearm_[n] = last_lost[n];
      stream_work_[node(n).stream] |= kRearmWaiting;
      continue;
    }
    AddEvery(static_cast<uint32_t>(group), last_lost[n]);
    Promote(static_cast<uint32_t>(group));
  }
  for (Pm pm : lost) matches_.Unhold(pm);
}

void PatternState::RearmAfterExpiry(uint32_t stream) {
  stream_work_[stream] &= static_cast<uint8_t>(~kRearmWaiting);
  for (uint32_t n : spec_->stream_nodes[stream]) {
    const Pm pm = rearm_[n];
    if (pm == MatchStore::kNone) continue;
    rearm_[n] = MatchStore::kNone;
    const uint32_t group = static_cast<uint32_t>(node(n).within_every);
    AddEvery(group, pm);
    Promote(group);
    matches_.Unhold(pm);
  }
}

void PatternState::ArmExpiryTimer() {
  if (expiry_.empty()) return;
  const int64_t due = std::max(expiry_.front().deadline, expiry_floor_);
  if (due >= expiry_armed_) return;
  expiry_armed_ = due;
  scheduler_->Schedule(due, expiry_timer_.get());
}

void PatternState::EnforceCap() {
  while (matches_.live() > spec_->max_partial_matches) {
    matches_.EvictOldest();
    if (dropped_++ == 0 && log_) {
      log_("WARN", "query '" + query_name_ + "': " + std::to_string(spec_->max_partial_matches) +
                       " live partial matches reached; dropping the oldest (counted, logged once)");
    }
  }
}

}  // namespace eddy::runtime
