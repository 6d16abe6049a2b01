// The partial matches of one pattern instance and the lists that hold them.
//
// A partial match (Pm) has one binding per position: an event of the position's
// EventStore, a chain of events for a counting state (newest first, shared by the
// copies of a match, so copying a match never copies events), a marker for an
// absence that has been satisfied, or nothing. It also carries a timestamp (that
// of the last event it matched, -1 for a fresh one).
//
// Lists: every node has a `pending` list (matches waiting for an event) and a
// `fresh` list (matches added during the current event, eligible from the next
// one). One match may sit in several lists at once (both sides of a logical
// state; a counting state and its successor), so membership is by Entry and a
// match is freed when it has no entries and no holds left. A list may be indexed:
// its entries are also chained per key value, for equality lookups.
//
// All matches are also kept in creation order, for the cap on live matches.
// Ids are dense and reused; nothing here allocates once warmed up, except to grow.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "runtime/pattern/event_store.h"

namespace eddy::runtime {

class MatchStore {
 public:
  using Pm = uint32_t;
  using Entry = uint32_t;
  using List = uint32_t;
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  // A binding that holds no event: an absence that was satisfied.
  static constexpr uint32_t kMarker = kNone - 1;

  // An index key: one value of a given type. Strings compare by content.
  struct Key {
    Type type = Type::kLong;
    eddy::Slot value{};
  };

  // `stores[p]`: the events of position p; `counted[p]`: whether p collects a chain.
  MatchStore(std::vector<EventStore*> stores, std::vector<uint8_t> counted, uint32_t lists);
  ~MatchStore();
  MatchStore(const MatchStore&) = delete;
  MatchStore& operator=(const MatchStore&) = delete;

  // ---- partial matches
  // A new match with nothing bound and timestamp -1, held once (see Unhold).
  Pm New();
  // A copy of `src` keeping the bindings of positions < clear_from other than
  // `also_clear` (-1: none), held once.
  Pm Clone(Pm src, uint32_t clear_from, int32_t also_clear);
  void Hold(Pm pm) { ++holds_[pm]; }
  // Drops a hold; frees the match if nothing holds it and it is in no list.
  void Unhold(Pm pm);

  int64_t ts(Pm pm) const { return ts_[pm]; }
  void set_ts(Pm pm, int64_t ts) { ts_[pm] = ts; }
  uint32_t generation(Pm pm) const { return generation_[pm]; }
  bool alive(Pm pm, uint32_t generation) const { return pm < generation_.size() && generation_[pm] == generation && alive_[pm]; }

  // The binding of a plain position: an event id, kMarker, or kNone.
  uint32_t binding(Pm pm, uint32_t position) const { return bindings_[Cell(pm, position)]; }
  bool bound(Pm pm, uint32_t position) const { return bindings_[Cell(pm, position)] != kNone; }
  // Takes over one reference to event `event` of the position's store.
  void Bind(Pm pm, uint32_t position, EventStore::Id event);
  void BindMarker(Pm pm, uint32_t position);
  // Counting positions: appends (taking over one reference), the number held, and
  // event `i` counted from the oldest (i < count) or `k` back from the newest.
  void Append(Pm pm, uint32_t position, EventStore::Id event);
  uint32_t count(Pm pm, uint32_t position) const { return counts_[Cell(pm, position)]; }
  EventStore::Id EventFromOldest(Pm pm, uint32_t position, uint32_t i) const;
  EventStore::Id EventFromNewest(Pm pm, uint32_t position, uint32_t k) const;
  // Whether any position is bound (the match has started).
  bool started(Pm pm) const;

  // ---- lists
  Entry Push(List list, Pm pm);
  // Removes the entry; frees the match when that was its last hold.
  void Remove(Entry entry);
  void Clear(List list);
  Entry head(List list) const { return lists_[list].head; }
  Entry next(Entry entry) const { return entries_[entry].next; }
  Pm pm(Entry entry) const { return entries_[entry].pm; }
  uint32_t size(List list) const { return lists_[list].size; }
  bool empty(List list) const { return lists_[list].size == 0; }
  // The entry of `pm` in `list`, or kNone.
  Entry Find(List list, Pm pm) const;
  // Moves every entry of `from` to the back of `to`, ordered by timestamp (stable;
  // -1 last). REQUIRES: `to` is not indexed (use Take + PushKeyed for that).
  void MoveAll(List from, List to);
  // The entries of `from` in that order, removed from it; the matches stay held
  // (Unhold each after re-inserting it).
  void Take(List from, std::vector<Pm>& out);

  // ---- indexes
  // Makes `list` keyed; keys are of `type`. REQUIRES: the list is empty.
  void MakeIndexed(List list, Type type);
  // Pushes with a key (null: in the list, but in no bucket: never found by key).
  Entry PushKeyed(List list, Pm pm, const Key* key);
  // The first entry of `list` whose key equals `key`, or kNone; then NextWithKey.
  Entry FindKey(List list, const Key& key) const;
  Entry NextWithKey(Entry entry) const { return entries_[entry].bucket_next; }

  // ---- the cap
  size_t live() const { return live_; }
  // Removes the oldest started match (or, if none has started, the oldest) from
  // every list and frees it. REQUIRES: nothing is held.
  void EvictOldest();

 private:
  struct EntryRec {
    Pm pm;
    List list;
    Entry prev, next;          // in the list
    Entry pm_prev, pm_next;    // among the entries of the same match
    Entry bucket_prev, bucket_next;
    uint32_t bucket;
  };
  struct ListRec {
    Entry head = kNone, tail = kNone;
    uint32_t size = 0;
    int32_t index = -1;
  };
  struct Bucket {
    uint64_t hash = 0;
    Key key;
    Entry head = kNone, tail = kNone;
  };
  struct Index {
    Type type = Type::kLong;
    std::vector<uint32_t> table;  // open addressing, linear probing: bucket ids or kNone
    std::vector<Bucket> buckets;
    std::vector<uint32_t> free_buckets;
    uint32_t used = 0;
  };
  struct ChainNode {
    EventStore::Id event;
    uint32_t prev;
    uint32_t refs;
  };

  size_t Cell(Pm pm, uint32_t position) const { return size_t{pm} * positions_ + position; }
  void Free(Pm pm);
  void ReleaseBinding(Pm pm, uint32_t position);
  void ReleaseChain(uint32_t node, uint32_t position);
  Entry NewEntry(List list, Pm pm);
  void LinkBack(List list, Entry e);
  void Unlink(Entry e);
  static uint64_t Hash(const Key& key);
  static bool Equal(const Key& a, const Key& b);
  uint32_t FindBucket(const Index& index, const Key& key, uint64_t hash) const;
  void EraseBucket(Index& index, uint32_t bucket);
  void GrowTable(Index& index);

  uint32_t positions_;
  std::vector<EventStore*> stores_;
  std::vector<uint8_t> counted_;

  std::vector<int64_t> ts_;
  std::vector<uint32_t> bindings_;
  std::vector<uint32_t> counts_;
  std::vector<uint32_t> holds_;
  std::vector<uint32_t> entry_count_;
  std::vector<Entry> entry_head_;
  std::vector<uint32_t> generation_;
  std::vector<uint8_t> alive_;
  std::vector<Pm> live_prev_, live_next_;
  Pm live_head_ = kNone, live_tail_ = kNone;
  std::vector<Pm> free_pms_;
  size_t live_ = 0;

  std::vector<EntryRec> entries_;
  std::vector<Entry> free_entries_;
  std::vector<ListRec> lists_;
  std::vector<Index> indexes_;

  std::vector<ChainNode> chain_;
  std::vector<uint32_t> free_chain_;

  std::vector<Entry> sort_scratch_;
};

}  // namespace eddy::runtime
