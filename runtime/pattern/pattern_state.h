// The live state of one instance of a pattern automaton (PatternSpec): its
// partial matches, which state each waits at, and the timers of its absences.
// A query without partitions has one instance; a partitioned query would make one
// per key (nothing here is shared between instances but the spec and the scratch).
//
// Processing follows the reference engine's model (LANGUAGE.md §11-12):
//  - before an event: partial matches past `within` are dropped (re-arming their
//    `every` group), then the matches added during the previous events become
//    eligible (patterns: at the states of this event's stream; sequences: every
//    state is reset to what the previous event advanced, strict contiguity);
//  - the event is offered to the states of its stream, later states first; a
//    state's waiting matches are tried oldest first. A match that passes moves on
//    (or completes); one that fails keeps waiting (patterns) or dies (sequences);
//  - absences fire on the clock: a timer at each deadline.
// Matches are reported to the Sink while the state is consistent; the sink emits
// them after the event or timer (End), so downstream may re-enter.
//
// Partial matches are dropped by the clock when `within` passes (O(1) each when
// they start in time order), found through a hash index where a state's
// condition has an equality with an earlier state, and capped
// (PatternSpec::max_partial_matches): beyond the cap the oldest are dropped,
// counted, and the first drop is logged.
//
// Not thread-safe; REQUIRES: spec, scheduler, scratch and sink outlive the state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/pattern/deadline_queue.h"
#include "runtime/pattern/event_store.h"
#include "runtime/pattern/match_store.h"
#include "runtime/pattern/pattern_spec.h"
#include "runtime/scheduler.h"

namespace eddy::runtime {

// Buffers used while an instance processes one event or timer; shared by the
// instances of a query (one is active at a time).
struct PatternScratch {
  explicit PatternScratch(const PatternSpec& spec);
  std::vector<std::unique_ptr<EventChunk>> frames;  // per node (its frame schema)
  std::vector<MatchStore::Entry> candidates;
  std::vector<uint8_t> pass;
  std::vector<ColumnView> extra;
  Slot event_ts{};
  // The local conditions of the chunk being processed, per state of its stream:
  // one byte per row (1: passes), or null for a state without one.
  std::vector<uint8_t> local_bytes;
  std::vector<const uint8_t*> local_passes;
};

class PatternState {
 public:
  using Pm = MatchStore::Pm;
  using LogSink = std::function<void(std::string_view priority, std::string_view line)>;

  class Sink {
   public:
    virtual ~Sink() = default;
    // Around the processing of one event batch or timer: matches reported in
    // between are emitted at End.
    virtual void Begin() = 0;
    virtual void OnMatch(const PatternState& state, Pm pm) = 0;
    virtual void End() = 0;
  };

  PatternState(const PatternSpec* spec, Scheduler* scheduler, PatternScratch* scratch, Sink* sink,
               LogSink log, std::string query_name);
  ~PatternState();
  PatternState(const PatternState&) = delete;
  PatternState& operator=(const PatternState&) = delete;

  // Arms the first states; absences at the start begin waiting from `now`.
  void Start(int64_t now);
  // Offers row `row` of `chunk` (of input stream `stream`) to the automaton.
  // local[k]: the local condition of spec.stream_nodes[stream][k] for every row of
  // the chunk (data null: no local condition). Call between Sink Begin/End.
  void OnEvent(uint32_t stream, const EventChunk& chunk, uint32_t row, std::span<const ColumnView> local);
  // OnEvent for each CURRENT row of `rows`, in order (one call per chunk).
  void OnEvents(uint32_t stream, const EventChunk& chunk, std::span<const uint32_t> rows,
                std::span<const ColumnView> local);
  // Applies the cap after a batch of events.
  void EnforceCap();

  // Reads `refs` of a match into one row (values borrowed from the match).
  void Gather(Pm pm, std::span<const PatternRef> refs, Slot* slots, uint8_t* nulls) const;
  int64_t timestamp(Pm pm) const { return matches_.ts(pm); }

  size_t live() const { return matches_.live(); }
  size_t pending_deadlines() const { return expiry_.size(); }
  uint64_t dropped() const { return dropped_; }

 private:
  class NodeTimer;
  class ExpiryTimer;

  // What the per-event path reads of a state, packed.
  struct NodeHot {
    uint32_t node = 0;
    MatchStore::List pending = 0;
    int32_t key_attr = -1;  // the event attribute an index looks up, or -1
    Type key_type = Type::kLong;
    MatchStore::KeyedList keyed;  // pending, with key_attr >= 0
    bool absent = false;
  };
  // Per stream: work before its next event (bits).
  enum : uint8_t { kFreshDirty = 1, kRearmWaiting = 2 };

  const PatternNodeSpec& node(uint32_t n) const { return spec_->nodes[n]; }
  MatchStore::List pending(uint32_t n) const { return 2 * n; }
  MatchStore::List fresh(uint32_t n) const { return 2 * n + 1; }

  // The automaton's steps (see the .cpp for the rules of each kind of state).
  void Init(uint32_t n);
  void AddState(uint32_t n, Pm pm);
  void AddLogical(uint32_t n, Pm pm);
  void ChooseShortcuts();
  void PushFresh(uint32_t n, Pm pm);
  [[gnu::always_inline]] void PushPending(uint32_t n, Pm pm);
  void RequestStartReset(uint32_t n);
  void AddEvery(uint32_t n, Pm pm) {
    if (rearm_entry_ != MatchStore::kNone && n == rearm_node_ && pm == rearm_pm_) {
      // The copy would equal the match that stayed in its entry (ProcessEvent).
      rearm_entry_ = MatchStore::kNone;
      return;
    }
    AddEveryCopy(n, pm);
  }
  void AddEveryCopy(uint32_t n, Pm pm);
  void Promote(uint32_t n);
  void PromoteList(uint32_t n);
  void Reset(uint32_t n);
  void ResetAndUpdate();
  void Post(uint32_t n, Pm pm);
  void MinCountReached(uint32_t n, Pm pm, bool* changed);
  void SendTimed(uint32_t n, Pm pm);
  bool PartnerCanProceed(uint32_t absent, Pm pm);
  template <bool kSequence>
  void OnEventsAs(uint32_t stream, const EventChunk& chunk, std::span<const uint32_t> rows,
                  std::span<const ColumnView> local);
  void PrepareStream(uint32_t stream);
  const uint8_t* const* LocalPasses(const EventChunk& chunk, std::span<const ColumnView> local, size_t count);
  void ProcessEvent(uint32_t n, bool local_ok, MatchStore::Entry first);
  [[gnu::always_inline]] void CollectCandidates(uint32_t n, MatchStore::Entry first);
  bool Skip(MatchStore::Entry e, bool stale, bool passed);
  [[gnu::always_inline]] int EvaluateCandidates(uint32_t n, bool local_ok);
  [[gnu::always_inline]] bool ComparesHold(const PatternNodeSpec& s, Pm pm) const;
  void EvaluateFrame(uint32_t n, uint8_t* pass);
  void OnNodeTimer(uint32_t n, int64_t now);
  void RefreshOnTimer(uint32_t n, bool initialize);
  void AbsentTimer(uint32_t n, int64_t now);
  void LogicalAbsentTimer(uint32_t n, int64_t now);
  void Emit(Pm pm) { sink_->OnMatch(*this, pm); }

  // Binding the event being processed.
  EventStore::Id CurrentEvent();
  void BindEvent(uint32_t n, Pm pm);
  void AppendEvent(uint32_t n, Pm pm);
  int64_t BindingTs(Pm pm, uint32_t position) const;
  [[gnu::always_inline]] bool KeyOf(uint32_t n, Pm pm, MatchStore::Key& key) const;

  // `within`.
  void TrackExpiry(Pm pm);
  void TrackExpiryFrom(Pm pm, int64_t earliest);  // earliest: the match's first event's time
  void ExpireUpTo(int64_t t);
  void RefreshExpiryNext() { expiry_next_ = expiry_.empty() ? INT64_MAX : expiry_.front().deadline; }
  void RearmAfterExpiry(uint32_t stream);
  void ArmExpiryTimer();
  void Schedule(uint32_t n, int64_t due);

  const PatternSpec* spec_;
  Scheduler* scheduler_;
  PatternScratch* scratch_;
  Sink* sink_;
  LogSink log_;
  std::string query_name_;
  bool sequence_;

  std::vector<std::unique_ptr<EventStore>> stores_;  // per input stream
  MatchStore matches_;
  std::vector<uint32_t> start_positions_;

  // Per node (the reference engine keeps these per state processor).
  std::vector<uint8_t> initialized_;
  std::vector<uint8_t> active_;             // absences: cleared once a non-`every` start fired
  std::vector<uint8_t> start_state_reset_;  // counting: re-arm at the next promotion
  std::vector<int64_t> last_scheduled_;     // absences
  std::vector<int64_t> last_arrival_;       // logical absences: last violating event
  std::vector<std::unique_ptr<NodeTimer>> timers_;
  // Per node: the shortcuts ChooseShortcuts found safe.
  std::vector<uint8_t> direct_pending_;
  std::vector<uint8_t> rearm_in_place_;
  // While the first state posts a match re-armed in place: its entry (kNone
  // once the copy took it), the state and the match.
  MatchStore::Entry rearm_entry_ = MatchStore::kNone;
  uint32_t rearm_node_ = 0;
  Pm rearm_pm_ = MatchStore::kNone;
  std::vector<std::vector<NodeHot>> stream_hot_;  // per stream, in spec.stream_nodes order
  // What Gather reads of a position, packed.
  struct PositionHot {
    const EventStore* store;
    bool counted;
  };
  std::vector<PositionHot> positions_;
  // Per stream: a state of it may have fresh matches to promote (kFreshDirty),
  // or an `every` group to re-arm after an expiry (kRearmWaiting).
  std::vector<uint8_t> stream_work_;

  DeadlineQueue expiry_;
  int64_t expiry_next_ = INT64_MAX;  // the earliest deadline (cached)
  std::unique_ptr<ExpiryTimer> expiry_timer_;
  int64_t expiry_armed_;
  bool expiry_pushed_ = false;  // a deadline was added since the timer was last armed
  int64_t expiry_floor_ = INT64_MIN;  // the clock drops expired matches again from then

  // The event being processed.
  const EventChunk* chunk_ = nullptr;
  uint32_t row_ = 0;
  uint32_t stream_ = 0;
  int64_t event_ts_ = 0;
  EventStore::Id current_event_ = MatchStore::kNone;  // its copy in stores_[stream_], or kNone
  int32_t unstored_position_ = -1;  // a position Gather reads from the event itself

  std::vector<Pm> due_;        // timers: matches whose deadline passed
  std::vector<Pm> lost_;       // expiry: matches dropped, and per node the last one
  std::vector<Pm> last_lost_;
  // Per node: a match `within` dropped there whose `every` group is re-armed at
  // the next event of the node's stream (held; kNone: none).
  std::vector<Pm> rearm_;

  uint64_t dropped_ = 0;
};

}  // namespace eddy::runtime
