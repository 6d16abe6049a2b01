#include "runtime/pattern/match_store.h"

#include <algorithm>

namespace eddy::runtime {
namespace {

// Timestamp order of partial matches: ascending, -1 (nothing matched yet) last.
bool EarlierTs(int64_t a, int64_t b) { return a != -1 && (b == -1 || a < b); }

// A free id of `items` (reused first), growing it when none is free.
template <typename T>
uint32_t Allocate(std::vector<T>& items, std::vector<uint32_t>& free) {
  if (free.empty()) {
    items.emplace_back();
    return static_cast<uint32_t>(items.size() - 1);
  }
  const uint32_t id = free.back();
  free.pop_back();
  return id;
}

}  // namespace

MatchStore::MatchStore(std::vector<EventStore*> stores, std::vector<uint8_t> counted, uint32_t lists)
    : positions_(static_cast<uint32_t>(stores.size())),
      stores_(std::move(stores)),
      counted_(std::move(counted)),
      stride_(kHeader + 2 * positions_),
      lists_(lists) {}

MatchStore::~MatchStore() {
  for (Pm pm = 0; pm < capacity_; ++pm) {
    if (!Rec(pm)[kAlive]) continue;
    for (uint32_t p = 0; p < positions_; ++p) ReleaseBinding(pm, p);
  }
  for (const auto& index : indexes_) {
    for (const Bucket& b : index->buckets) {
      if (b.used && index->type == Type::kString) Release(b.key.value.str);
    }
  }
}

// ------------------------------------------------------------------ partial matches

MatchStore::Pm MatchStore::New() {
  Pm pm;
  if (!free_pms_.empty()) {
    // (Free left its bindings unbound and its counts 0.)
    pm = free_pms_.back();
    free_pms_.pop_back();
  } else {
    pm = capacity_++;
    records_.resize(records_.size() + stride_, 0);
    std::fill_n(Rec(pm) + kHeader, positions_, kNone);
  }
  uint32_t* r = Rec(pm);
  set_ts(pm, -1);
  r[kHolds] = 1;
  r[kEntryCount] = 0;
  r[kEntryHead] = kNone;
  r[kAlive] = 1;
  created_.push_back({pm, r[kGeneration]});
  ++live_;
  return pm;
}

MatchStore::Pm MatchStore::Clone(Pm src, uint32_t clear_from, int32_t also_clear) {
  const Pm pm = New();
  set_ts(pm, ts(src));
  for (uint32_t p = 0; p < clear_from && p < positions_; ++p) {
    if (static_cast<int32_t>(p) == also_clear) continue;
    const uint32_t b = binding(src, p);
    if (b == kNone) continue;
    BindingRef(pm, p) = b;
    CountRef(pm, p) = count(src, p);
    if (b == kMarker) continue;
    if (counted_[p]) ++chain_[b].refs; else stores_[p]->Retain(b);
  }
  return pm;
}

void MatchStore::Unhold(Pm pm) {
  uint32_t* r = Rec(pm);
  if (--r[kHolds] == 0 && r[kEntryCount] == 0) Free(pm);
}

void MatchStore::Free(Pm pm) {
  // (Releasing events and chains never moves the records.)
  uint32_t* r = Rec(pm);
  for (uint32_t p = 0; p < positions_; ++p) ReleaseAt(r, p);
  r[kAlive] = 0;
  ++r[kGeneration];
  free_pms_.push_back(pm);
  --live_;
  // Dead entries of the creation queue are dropped once they dominate it.
  if (created_.size() - created_head_ > 2 * live_ + 1024) {
    size_t out = 0;
    for (size_t i = created_head_; i < created_.size(); ++i) {
      const auto [id, generation] = created_[i];
      if (alive(id, generation)) created_[out++] = created_[i];
    }
    created_.resize(out);
    created_head_ = 0;
  }
}

void MatchStore::ReleaseBinding(Pm pm, uint32_t position) { ReleaseAt(Rec(pm), position); }

inline void MatchStore::ReleaseAt(uint32_t* record, uint32_t position) {
  uint32_t& b = record[kHeader + position];
  if (b != kNone && b != kMarker) {
    if (counted_[position]) ReleaseChain(b, position); else stores_[position]->Release(b);
  }
  b = kNone;
  record[kHeader + positions_ + position] = 0;
}

void MatchStore::ReleaseChain(uint32_t node, uint32_t position) {
  while (node != kNone) {
    ChainNode& n = chain_[node];
    if (--n.refs > 0) return;
    const uint32_t prev = n.prev;
    stores_[position]->Release(n.event);
    free_chain_.push_back(node);
    node = prev;
  }
}

void MatchStore::BindMarker(Pm pm, uint32_t position) {
  ReleaseBinding(pm, position);
  BindingRef(pm, position) = kMarker;
}

void MatchStore::Append(Pm pm, uint32_t position, EventStore::Id event) {
  const uint32_t node = Allocate(chain_, free_chain_);
  uint32_t& head = BindingRef(pm, position);
  // The match's reference to the old head becomes the new node's link to it.
  chain_[node] = ChainNode{event, head, 1};
  head = node;
  ++CountRef(pm, position);
}

EventStore::Id MatchStore::EventFromNewest(Pm pm, uint32_t position, uint32_t k) const {
  uint32_t node = binding(pm, position);
  if (node == kNone || k >= count(pm, position)) return kNone;
  for (uint32_t i = 0; i < k; ++i) node = chain_[node].prev;
  return chain_[node].event;
}

EventStore::Id MatchStore::EventFromOldest(Pm pm, uint32_t position, uint32_t i) const {
  const uint32_t n = count(pm, position);
  if (i >= n) return kNone;
  return EventFromNewest(pm, position, n - 1 - i);
}

bool MatchStore::started(Pm pm) const {
  for (uint32_t p = 0; p < positions_; ++p) {
    if (binding(pm, p) != kNone) return true;
  }
  return false;
}

// ------------------------------------------------------------------ lists

MatchStore::Entry MatchStore::NewEntry(List list, Pm pm) {
  const Entry e = Allocate(entries_, free_entries_);
  EntryRec& r = entries_[e];
  r.pm = pm;
  r.list = list;
  r.prev = r.next = kNone;
  r.bucket_prev = r.bucket_next = kNone;
  r.bucket = kNone;
  AttachToMatch(e, pm);
  return e;
}

void MatchStore::LinkBack(List list, Entry e) {
  ListRec& l = lists_[list];
  EntryRec& r = entries_[e];
  r.list = list;
  r.prev = l.tail;
  r.next = kNone;
  if (l.tail != kNone) entries_[l.tail].next = e; else l.head = e;
  l.tail = e;
  ++l.size;
}

void MatchStore::Unlink(Entry e) {
  EntryRec& r = entries_[e];
  ListRec& l = lists_[r.list];
  if (r.prev != kNone) entries_[r.prev].next = r.next; else l.head = r.next;
  if (r.next != kNone) entries_[r.next].prev = r.prev; else l.tail = r.prev;
  --l.size;
  if (r.bucket != kNone) {
    Index& index = *indexes_[static_cast<size_t>(l.index)];
    Bucket& b = index.buckets[r.bucket];
    if (r.bucket_prev != kNone) entries_[r.bucket_prev].bucket_next = r.bucket_next; else b.head = r.bucket_next;
    if (r.bucket_next != kNone) entries_[r.bucket_next].bucket_prev = r.bucket_prev; else b.tail = r.bucket_prev;
    // Emptied buckets stay (keys tend to come back); they are purged in bulk
    // once they outnumber the used ones.
    if (b.head == kNone) {
      --index.filled[FilterSlot(b.hash)];
      if (++index.empty_buckets > 1024 && index.empty_buckets * 2 > index.used) PurgeEmpty(index);
    }
    r.bucket = kNone;
  }
}

MatchStore::Entry MatchStore::Push(List list, Pm pm) {
  const Entry e = NewEntry(list, pm);
  LinkBack(list, e);
  return e;
}

void MatchStore::Remove(Entry e) {
  Unlink(e);
  const Pm pm = entries_[e].pm;
  DetachFromMatch(e);
  free_entries_.push_back(e);
  if (Rec(pm)[kEntryCount] == 0 && Rec(pm)[kHolds] == 0) Free(pm);
}

void MatchStore::DetachFromMatch(Entry e) {
  EntryRec& r = entries_[e];
  uint32_t* rec = Rec(r.pm);
  if (r.pm_prev != kNone) entries_[r.pm_prev].pm_next = r.pm_next; else rec[kEntryHead] = r.pm_next;
  if (r.pm_next != kNone) entries_[r.pm_next].pm_prev = r.pm_prev;
  --rec[kEntryCount];
}

void MatchStore::AttachToMatch(Entry e, Pm pm) {
  EntryRec& r = entries_[e];
  uint32_t* rec = Rec(pm);
  r.pm = pm;
  r.pm_prev = kNone;
  r.pm_next = rec[kEntryHead];
  if (r.pm_next != kNone) entries_[r.pm_next].pm_prev = e;
  rec[kEntryHead] = e;
  ++rec[kEntryCount];
}

void MatchStore::Clear(List list) {
  while (lists_[list].head != kNone) Remove(lists_[list].head);
}

MatchStore::Entry MatchStore::Find(List list, Pm pm) const {
  for (Entry e = Rec(pm)[kEntryHead]; e != kNone; e = entries_[e].pm_next) {
    if (entries_[e].list == list) return e;
  }
  return kNone;
}

void MatchStore::SortedEntries(List list) {
  sort_scratch_.clear();
  bool sorted = true;
  for (Entry e = lists_[list].head; e != kNone; e = entries_[e].next) {
    if (!sort_scratch_.empty() && EarlierTs(ts(entries_[e].pm), ts(entries_[sort_scratch_.back()].pm))) {
      sorted = false;
    }
    sort_scratch_.push_back(e);
  }
  if (!sorted) {
    std::stable_sort(sort_scratch_.begin(), sort_scratch_.end(),
                     [&](Entry a, Entry b) { return EarlierTs(ts(entries_[a].pm), ts(entries_[b].pm)); });
  }
}

// ------------------------------------------------------------------ indexes

void MatchStore::MakeIndexed(List list, Type type) {
  lists_[list].index = static_cast<int32_t>(indexes_.size());
  Index& index = *indexes_.emplace_back(std::make_unique<Index>());
  index.type = type;
  index.table.assign(16, kEmptySlot);
  index.mask = index.table.size() - 1;
  index.filled.assign(size_t{1} << kFilterBits, 0);
}

void MatchStore::GrowTable(Index& index) {
  std::vector<uint64_t> table(index.table.size() * 2, kEmptySlot);
  const size_t mask = table.size() - 1;
  for (uint64_t slot : index.table) {
    if (slot == kEmptySlot) continue;
    Bucket& bucket = index.buckets[static_cast<uint32_t>(slot)];
    size_t i = bucket.hash & mask;
    while (table[i] != kEmptySlot) i = (i + 1) & mask;
    table[i] = slot;
    bucket.slot = static_cast<uint32_t>(i);
  }
  index.table = std::move(table);
  index.mask = mask;
}

void MatchStore::PurgeEmpty(Index& index) {
  std::fill(index.table.begin(), index.table.end(), kEmptySlot);
  const size_t mask = index.table.size() - 1;
  for (uint32_t b = 0; b < index.buckets.size(); ++b) {
    Bucket& bucket = index.buckets[b];
    if (!bucket.used) continue;
    if (bucket.head == kNone) {
      if (index.type == Type::kString) Release(bucket.key.value.str);
      bucket.used = false;
      index.free_buckets.push_back(b);
      --index.used;
      continue;
    }
    size_t i = bucket.hash & mask;
    while (index.table[i] != kEmptySlot) i = (i + 1) & mask;
    index.table[i] = SlotOf(b, bucket.hash);
    bucket.slot = static_cast<uint32_t>(i);
  }
  index.empty_buckets = 0;
}

MatchStore::Entry MatchStore::PushKeyed(List list, Pm pm, const Key* key) {
  const Entry e = Push(list, pm);
  if (key != nullptr) LinkKey(e, *key);
  return e;
}

void MatchStore::LinkKey(Entry e, const Key& k) {
  const Key* key = &k;
  Index& index = *indexes_[static_cast<size_t>(lists_[entries_[e].list].index)];
  uint64_t hash;
  uint32_t b;
  if (key->type == Type::kString && key->value.str->size <= 8) {
    // (Short strings as one word, as FindKey looks them up.)
    const uint32_t n = key->value.str->size;
    const uint64_t word = key->value.str->word();
    hash = HashShort(word, n);
    b = FindShortString(index, word, n, hash);
  } else {
    hash = Hash(*key);
    b = FindBucket(index, *key, hash);
  }
  if (b == kNone) {
    if ((index.used + 1) * 2 > index.table.size()) GrowTable(index);
    b = Allocate(index.buckets, index.free_buckets);
    Bucket& bucket = index.buckets[b];
    bucket.hash = hash;
    bucket.key = *key;
    bucket.used = true;
    bucket.short_size = kLongKey;
    if (key->type == Type::kString) {
      Retain(key->value.str);
      if (key->value.str->size <= 8) {
        bucket.short_size = key->value.str->size;
        bucket.short_word = key->value.str->word();
      }
    }
    bucket.head = bucket.tail = kNone;
    const size_t mask = index.table.size() - 1;
    size_t i = hash & mask;
    while (index.table[i] != kEmptySlot) i = (i + 1) & mask;
    index.table[i] = SlotOf(b, hash);
    index.buckets[b].slot = static_cast<uint32_t>(i);
    ++index.used;
  } else if (index.buckets[b].head == kNone) {
    --index.empty_buckets;
  }
  Bucket& bucket = index.buckets[b];
  if (bucket.head == kNone) ++index.filled[FilterSlot(bucket.hash)];
  EntryRec& r = entries_[e];
  r.bucket = b;
  r.bucket_prev = bucket.tail;
  r.bucket_next = kNone;
  if (bucket.tail != kNone) entries_[bucket.tail].bucket_next = e; else bucket.head = e;
  bucket.tail = e;
}

// ------------------------------------------------------------------ the cap

void MatchStore::EvictOldest() {
  while (created_head_ < created_.size() && !alive(created_[created_head_].first, created_[created_head_].second)) {
    ++created_head_;
  }
  Pm victim = kNone;
  for (size_t i = created_head_; i < created_.size(); ++i) {
    const auto [pm, generation] = created_[i];
    if (alive(pm, generation) && Rec(pm)[kHolds] == 0 && started(pm)) {
      victim = pm;
      break;
    }
  }
  if (victim == kNone && created_head_ < created_.size()) victim = created_[created_head_].first;
  if (victim == kNone) return;
  uint32_t* r = Rec(victim);
  if (r[kEntryCount] == 0) {
    if (r[kHolds] == 0) Free(victim);
    return;
  }
  // Removing its last entry frees it.
  const uint32_t generation = r[kGeneration];
  while (alive(victim, generation)) Remove(Rec(victim)[kEntryHead]);
}

}  // namespace eddy::runtime
