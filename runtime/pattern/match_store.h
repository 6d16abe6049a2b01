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
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "runtime/pattern/event_store.h"
#include "runtime/slot_hash.h"

namespace eddy::runtime {

class MatchStore {
 private:
  struct Index;

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
  void Hold(Pm pm) { ++Rec(pm)[kHolds]; }
  // Drops a hold; frees the match if nothing holds it and it is in no list.
  void Unhold(Pm pm);

  int64_t ts(Pm pm) const {
    int64_t ts;
    std::memcpy(&ts, Rec(pm) + kTs, sizeof ts);
    return ts;
  }
  void set_ts(Pm pm, int64_t ts) { std::memcpy(Rec(pm) + kTs, &ts, sizeof ts); }
  uint32_t generation(Pm pm) const { return Rec(pm)[kGeneration]; }
  bool alive(Pm pm, uint32_t generation) const {
    return pm < capacity_ && Rec(pm)[kGeneration] == generation && Rec(pm)[kAlive] != 0;
  }

  // The binding of a plain position: an event id, kMarker, or kNone.
  uint32_t binding(Pm pm, uint32_t position) const { return Rec(pm)[kHeader + position]; }
  bool bound(Pm pm, uint32_t position) const { return binding(pm, position) != kNone; }
  // Takes over one reference to event `event` of the position's store.
  void Bind(Pm pm, uint32_t position, EventStore::Id event) {
    // (An unbound position holds nothing to release, and a count of 0.)
    if (BindingRef(pm, position) != kNone) ReleaseBinding(pm, position);
    BindingRef(pm, position) = event;
  }
  void BindMarker(Pm pm, uint32_t position);
  // Counting positions: appends (taking over one reference), the number held, and
  // event `i` counted from the oldest (i < count) or `k` back from the newest.
  void Append(Pm pm, uint32_t position, EventStore::Id event);
  uint32_t count(Pm pm, uint32_t position) const { return Rec(pm)[kHeader + positions_ + position]; }
  EventStore::Id EventFromOldest(Pm pm, uint32_t position, uint32_t i) const;
  EventStore::Id EventFromNewest(Pm pm, uint32_t position, uint32_t k) const;
  // Whether any position is bound (the match has started).
  bool started(Pm pm) const;
  // Whether removing `entry` frees its match (no other entry, no hold).
  bool last_reference(Entry entry) const {
    const uint32_t* r = Rec(entries_[entry].pm);
    return r[kEntryCount] == 1 && r[kHolds] == 0;
  }

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
  // Moves every entry of `from` (not indexed) to the back of `to`, ordered by
  // timestamp (stable; -1 last). If `to` is indexed, key_of(pm, key) gives each
  // match's key (false: none).
  template <typename KeyOf>
  void MoveAll(List from, List to, KeyOf key_of) {
    if (lists_[from].size == 1) {
      // (Most promotions move one match.)
      const Entry e = lists_[from].head;
      Unlink(e);
      LinkBack(to, e);
      Key key;
      if (lists_[to].index >= 0 && key_of(entries_[e].pm, key)) LinkKey(e, key);
      return;
    }
    SortedEntries(from);
    const bool indexed = lists_[to].index >= 0;
    for (Entry e : sort_scratch_) {
      Unlink(e);
      LinkBack(to, e);
      Key key;
      if (indexed && key_of(entries_[e].pm, key)) LinkKey(e, key);
    }
  }

  // ---- indexes
  // Makes `list` keyed; keys are of `type`. REQUIRES: the list is empty.
  void MakeIndexed(List list, Type type);
  // Pushes with a key (null: in the list, but in no bucket: never found by key).
  Entry PushKeyed(List list, Pm pm, const Key* key);
  // An indexed list as its index, resolved once (every event of an indexed
  // state's stream looks up its key). Valid while the store lives.
  class KeyedList {
    friend class MatchStore;
    const Index* index_ = nullptr;
  };
  KeyedList keyed(List list) const {
    KeyedList k;
    k.index_ = indexes_[static_cast<size_t>(lists_[list].index)].get();
    return k;
  }
  // The first entry of `list` whose key equals `key`, or kNone; then NextWithKey.
  // (Inlined, typed once.)
  Entry FindKey(List list, const Key& key) const { return FindKey(keyed(list), key); }
  [[gnu::always_inline]] Entry FindKey(KeyedList list, const Key& key) const {
    const Index& index = *list.index_;
    if (key.type == Type::kString) return FindKeyAs<Type::kString>(index, key);  // (the usual key: tested first)
    switch (key.type) {
      case Type::kInt: return FindKeyAs<Type::kInt>(index, key);
      case Type::kBool: return FindKeyAs<Type::kBool>(index, key);
      default: return FindKeyAs<Type::kLong>(index, key);
    }
  }
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
    // A string key of at most 8 bytes also as its word and length (else
    // kLongKey), so a lookup compares it without reading the string.
    uint64_t short_word = 0;
    uint32_t short_size = kLongKey;
    Entry head = kNone, tail = kNone;
    uint32_t slot = 0;  // its place in the table
    bool used = false;
  };
  struct Index {
    Type type = Type::kLong;
    std::vector<uint64_t> table;  // open addressing, linear probing: SlotOf(...) or kEmptySlot
    size_t mask = 0;              // table.size() - 1 (a power of two)
    std::vector<Bucket> buckets;
    std::vector<uint32_t> free_buckets;
    uint32_t used = 0;           // buckets in the table
    uint32_t empty_buckets = 0;  // of which without entries
    // Per FilterSlot: the buckets with entries whose hash falls there. Most
    // lookups are for keys nothing waits for (their buckets stay, emptied):
    // a zero answers them without probing.
    std::vector<uint32_t> filled;
  };
  struct ChainNode {
    EventStore::Id event;
    uint32_t prev;
    uint32_t refs;
  };

  // A match's record: header words, then its bindings, then its counts; one
  // record is a few cache-line-adjacent words, whatever the number of matches.
  enum : uint32_t { kTs = 0, kHolds = 2, kEntryCount, kEntryHead, kGeneration, kAlive, kHeader = 8 };
  uint32_t* Rec(Pm pm) { return records_.data() + size_t{pm} * stride_; }
  const uint32_t* Rec(Pm pm) const { return records_.data() + size_t{pm} * stride_; }
  uint32_t& BindingRef(Pm pm, uint32_t position) { return Rec(pm)[kHeader + position]; }
  uint32_t& CountRef(Pm pm, uint32_t position) { return Rec(pm)[kHeader + positions_ + position]; }
  void Free(Pm pm);
  void ReleaseBinding(Pm pm, uint32_t position);
  void ReleaseAt(uint32_t* record, uint32_t position);  // ReleaseBinding of Rec(pm)
  void ReleaseChain(uint32_t node, uint32_t position);
  Entry NewEntry(List list, Pm pm);
  // Links / unlinks an entry among the entries of its match.
  void AttachToMatch(Entry e, Pm pm);
  void DetachFromMatch(Entry e);
  void LinkBack(List list, Entry e);
  void LinkKey(Entry e, const Key& key);
  void Unlink(Entry e);
  // The entries of `list` in timestamp order, into sort_scratch_.
  void SortedEntries(List list);
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  static constexpr uint32_t kLongKey = ~uint32_t{0};
  // A fast hash of short keys (symbols, ids): the word, then a multiply folded
  // onto itself (the table takes the low bits, the tag the high ones).
  static uint64_t Fold(uint64_t x) {
    const unsigned __int128 product = static_cast<unsigned __int128>(x) * 0x9fb21c651e98df25ULL;
    return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
  }
  static uint64_t HashShort(uint64_t word, size_t n) { return Fold((0x9e3779b97f4a7c15ULL ^ n) ^ word); }
  // A string of up to 8 bytes hashes as its (zero-padded) word, as FindKey
  // looks it up; a longer one as every string key does (slot_hash.h).
  static uint64_t HashString(const StrRep* s) {
    return s->size <= 8 ? HashShort(s->word(), s->size) : HashBytes(s->data, s->size);
  }
  // Hash and equality of keys of type T (kLong stands for every 8-byte number).
  template <Type T>
  [[gnu::always_inline]] static uint64_t HashAs(eddy::Slot v) {
    if constexpr (T == Type::kString) return HashString(v.str);
    else if constexpr (T == Type::kInt) return Mix(static_cast<uint64_t>(static_cast<int64_t>(v.i32)));
    else if constexpr (T == Type::kBool) return Mix(v.b ? 1 : 0);
    else return Mix(static_cast<uint64_t>(v.i64));
  }
  template <Type T>
  [[gnu::always_inline]] static bool EqualAs(eddy::Slot a, eddy::Slot b) {
    if constexpr (T == Type::kString) return StringEquals(a.str, b.str);
    else if constexpr (T == Type::kInt) return a.i32 == b.i32;
    else if constexpr (T == Type::kBool) return a.b == b.b;
    else return a.i64 == b.i64;
  }
  static uint64_t Hash(const Key& key) {
    switch (key.type) {
      case Type::kString: return HashAs<Type::kString>(key.value);
      case Type::kInt: return HashAs<Type::kInt>(key.value);
      case Type::kBool: return HashAs<Type::kBool>(key.value);
      default: return HashAs<Type::kLong>(key.value);
    }
  }
  static bool Equal(const Key& a, const Key& b) {
    switch (a.type) {
      case Type::kString: return EqualAs<Type::kString>(a.value, b.value);
      case Type::kInt: return EqualAs<Type::kInt>(a.value, b.value);
      case Type::kBool: return EqualAs<Type::kBool>(a.value, b.value);
      default: return EqualAs<Type::kLong>(a.value, b.value);
    }
  }
  // Table slots hold a bucket id and the high 32 bits of its key's hash (so a
  // probe touches a bucket only when they agree). A key has at most one bucket;
  // one whose entries are all gone stays (the key tends to come back) and is
  // found with no entries.
  static constexpr uint64_t kEmptySlot = ~uint64_t{0};
  static constexpr uint64_t kTagBits = 0xffffffff00000000ULL;
  static uint64_t SlotOf(uint32_t bucket, uint64_t hash) { return (hash & kTagBits) | bucket; }
  // The first bucket on `hash`'s probe sequence that `is_key` accepts, or kNone.
  template <typename IsKey>
  [[gnu::always_inline]] static uint32_t Probe(const Index& index, uint64_t hash, IsKey is_key) {
    const size_t mask = index.mask;
    const uint64_t tag = hash & kTagBits;
    const uint64_t* table = index.table.data();
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint64_t slot = table[i];
      if (slot == kEmptySlot) return kNone;
      if ((slot & kTagBits) != tag) continue;
      const uint32_t b = static_cast<uint32_t>(slot);
      if (is_key(index.buckets[b])) return b;
    }
  }
  template <Type T>
  [[gnu::always_inline]] uint32_t FindBucketAs(const Index& index, eddy::Slot key, uint64_t hash) const {
    return Probe(index, hash, [key](const Bucket& b) { return EqualAs<T>(b.key.value, key); });
  }
  uint32_t FindBucket(const Index& index, const Key& key, uint64_t hash) const {
    switch (key.type) {
      case Type::kString: return FindBucketAs<Type::kString>(index, key.value, hash);
      case Type::kInt: return FindBucketAs<Type::kInt>(index, key.value, hash);
      case Type::kBool: return FindBucketAs<Type::kBool>(index, key.value, hash);
      default: return FindBucketAs<Type::kLong>(index, key.value, hash);
    }
  }
  template <Type T>
  [[gnu::always_inline]] Entry FindKeyAs(const Index& index, const Key& key) const {
    if constexpr (T == Type::kString) {
      const uint32_t n = key.value.str->size;
      if (n <= 8) {
        const uint64_t word = key.value.str->word();
        const uint64_t hash = HashShort(word, n);
        if (index.filled[FilterSlot(hash)] == 0) return kNone;
        const uint32_t b = FindShortString(index, word, n, hash);
        return b == kNone ? kNone : index.buckets[b].head;
      }
    }
    const uint64_t hash = HashAs<T>(key.value);
    if (index.filled[FilterSlot(hash)] == 0) return kNone;
    const uint32_t b = FindBucketAs<T>(index, key.value, hash);
    return b == kNone ? kNone : index.buckets[b].head;
  }
  // hash: HashShort(word, n).
  [[gnu::always_inline]] uint32_t FindShortString(const Index& index, uint64_t word, uint32_t n, uint64_t hash) const {
    return Probe(index, hash, [word, n](const Bucket& b) { return b.short_word == word && b.short_size == n; });
  }
  // Where a hash counts in Index::filled (its top bits; the table uses the low ones).
  static constexpr uint32_t kFilterBits = 10;
  static size_t FilterSlot(uint64_t hash) { return static_cast<size_t>(hash >> (64 - kFilterBits)); }

  void PurgeEmpty(Index& index);
  void GrowTable(Index& index);

  uint32_t positions_;
  std::vector<EventStore*> stores_;
  std::vector<uint8_t> counted_;

  uint32_t stride_;
  std::vector<uint32_t> records_;
  uint32_t capacity_ = 0;  // records allocated
  std::vector<Pm> free_pms_;
  size_t live_ = 0;
  // Matches in creation order (with their generation), for the cap; dead ones
  // are skipped lazily and compacted away.
  std::vector<std::pair<Pm, uint32_t>> created_;
  size_t created_head_ = 0;

  std::vector<EntryRec> entries_;
  std::vector<Entry> free_entries_;
  std::vector<ListRec> lists_;
  std::vector<std::unique_ptr<Index>> indexes_;  // (stable: KeyedList points to them)

  std::vector<ChainNode> chain_;
  std::vector<uint32_t> free_chain_;

  std::vector<Entry> sort_scratch_;
};

}  // namespace eddy::runtime
