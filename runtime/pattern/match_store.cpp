#include "runtime/pattern/match_store.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

namespace eddy::runtime {
namespace {

// Timestamp order of partial matches: ascending, -1 (nothing matched yet) last.
bool EarlierTs(int64_t a, int64_t b) { return a != -1 && (b == -1 || a < b); }

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

MatchStore::MatchStore(std::vector<EventStore*> stores, std::vector<uint8_t> counted, uint32_t lists)
    : positions_(static_cast<uint32_t>(stores.size())), stores_(std::move(stores)), counted_(std::move(counted)),
      lists_(lists) {}

MatchStore::~MatchStore() {
  for (Pm pm = live_head_; pm != kNone;) {
    const Pm next = live_next_[pm];
    for (uint32_t p = 0; p < positions_; ++p) ReleaseBinding(pm, p);
    pm = next;
  }
  for (Index& index : indexes_) {
    for (uint32_t b : index.table) {
      if (b != kNone && index.type == Type::kString) Release(index.buckets[b].key.value.str);
    }
  }
}

// ------------------------------------------------------------------ partial matches

MatchStore::Pm MatchStore::New() {
  Pm pm;
  if (!free_pms_.empty()) {
    pm = free_pms_.back();
    free_pms_.pop_back();
  } else {
    pm = static_cast<Pm>(ts_.size());
    ts_.push_back(-1);
    bindings_.resize(bindings_.size() + positions_, kNone);
    counts_.resize(counts_.size() + positions_, 0);
    holds_.push_back(0);
    entry_count_.push_back(0);
    entry_head_.push_back(kNone);
    generation_.push_back(0);
    alive_.push_back(0);
    live_prev_.push_back(kNone);
    live_next_.push_back(kNone);
  }
  ts_[pm] = -1;
  std::fill_n(bindings_.begin() + static_cast<std::ptrdiff_t>(Cell(pm, 0)), positions_, kNone);
  std::fill_n(counts_.begin() + static_cast<std::ptrdiff_t>(Cell(pm, 0)), positions_, 0u);
  holds_[pm] = 1;
  entry_count_[pm] = 0;
  entry_head_[pm] = kNone;
  alive_[pm] = 1;
  live_prev_[pm] = live_tail_;
  live_next_[pm] = kNone;
  if (live_tail_ != kNone) live_next_[live_tail_] = pm; else live_head_ = pm;
  live_tail_ = pm;
  ++live_;
  return pm;
}

MatchStore::Pm MatchStore::Clone(Pm src, uint32_t clear_from, int32_t also_clear) {
  const Pm pm = New();
  ts_[pm] = ts_[src];
  for (uint32_t p = 0; p < clear_from && p < positions_; ++p) {
    if (static_cast<int32_t>(p) == also_clear) continue;
    const uint32_t b = bindings_[Cell(src, p)];
    if (b == kNone) continue;
    bindings_[Cell(pm, p)] = b;
    counts_[Cell(pm, p)] = counts_[Cell(src, p)];
    if (b == kMarker) continue;
    if (counted_[p]) ++chain_[b].refs; else stores_[p]->Retain(b);
  }
  return pm;
}

void MatchStore::Unhold(Pm pm) {
  if (--holds_[pm] == 0 && entry_count_[pm] == 0) Free(pm);
}

void MatchStore::Free(Pm pm) {
  for (uint32_t p = 0; p < positions_; ++p) ReleaseBinding(pm, p);
  alive_[pm] = 0;
  ++generation_[pm];
  const Pm prev = live_prev_[pm];
  const Pm next = live_next_[pm];
  if (prev != kNone) live_next_[prev] = next; else live_head_ = next;
  if (next != kNone) live_prev_[next] = prev; else live_tail_ = prev;
  free_pms_.push_back(pm);
  --live_;
}

void MatchStore::ReleaseBinding(Pm pm, uint32_t position) {
  uint32_t& b = bindings_[Cell(pm, position)];
  if (b != kNone && b != kMarker) {
    if (counted_[position]) ReleaseChain(b, position); else stores_[position]->Release(b);
  }
  b = kNone;
  counts_[Cell(pm, position)] = 0;
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

void MatchStore::Bind(Pm pm, uint32_t position, EventStore::Id event) {
  ReleaseBinding(pm, position);
  bindings_[Cell(pm, position)] = event;
}

void MatchStore::BindMarker(Pm pm, uint32_t position) {
  ReleaseBinding(pm, position);
  bindings_[Cell(pm, position)] = kMarker;
}

void MatchStore::Append(Pm pm, uint32_t position, EventStore::Id event) {
  uint32_t node;
  if (!free_chain_.empty()) {
    node = free_chain_.back();
    free_chain_.pop_back();
  } else {
    node = static_cast<uint32_t>(chain_.size());
    chain_.push_back({});
  }
  uint32_t& head = bindings_[Cell(pm, position)];
  // The match's reference to the old head becomes the new node's link to it.
  chain_[node] = ChainNode{event, head, 1};
  head = node;
  ++counts_[Cell(pm, position)];
}

EventStore::Id MatchStore::EventFromNewest(Pm pm, uint32_t position, uint32_t k) const {
  uint32_t node = bindings_[Cell(pm, position)];
  if (node == kNone || k >= counts_[Cell(pm, position)]) return kNone;
  for (uint32_t i = 0; i < k; ++i) node = chain_[node].prev;
  return chain_[node].event;
}

EventStore::Id MatchStore::EventFromOldest(Pm pm, uint32_t position, uint32_t i) const {
  const uint32_t n = counts_[Cell(pm, position)];
  if (i >= n) return kNone;
  return EventFromNewest(pm, position, n - 1 - i);
}

bool MatchStore::started(Pm pm) const {
  for (uint32_t p = 0; p < positions_; ++p) {
    if (bindings_[Cell(pm, p)] != kNone) return true;
  }
  return false;
}

// ------------------------------------------------------------------ lists

MatchStore::Entry MatchStore::NewEntry(List list, Pm pm) {
  Entry e;
  if (!free_entries_.empty()) {
    e = free_entries_.back();
    free_entries_.pop_back();
  } else {
    e = static_cast<Entry>(entries_.size());
    entries_.push_back({});
  }
  EntryRec& r = entries_[e];
  r.pm = pm;
  r.list = list;
  r.prev = r.next = kNone;
  r.bucket_prev = r.bucket_next = kNone;
  r.bucket = kNone;
  r.pm_prev = kNone;
  r.pm_next = entry_head_[pm];
  if (r.pm_next != kNone) entries_[r.pm_next].pm_prev = e;
  entry_head_[pm] = e;
  ++entry_count_[pm];
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
    Index& index = indexes_[static_cast<size_t>(l.index)];
    Bucket& b = index.buckets[r.bucket];
    if (r.bucket_prev != kNone) entries_[r.bucket_prev].bucket_next = r.bucket_next; else b.head = r.bucket_next;
    if (r.bucket_next != kNone) entries_[r.bucket_next].bucket_prev = r.bucket_prev; else b.tail = r.bucket_prev;
    if (b.head == kNone) EraseBucket(index, r.bucket);
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
  EntryRec& r = entries_[e];
  const Pm pm = r.pm;
  if (r.pm_prev != kNone) entries_[r.pm_prev].pm_next = r.pm_next; else entry_head_[pm] = r.pm_next;
  if (r.pm_next != kNone) entries_[r.pm_next].pm_prev = r.pm_prev;
  free_entries_.push_back(e);
  if (--entry_count_[pm] == 0 && holds_[pm] == 0) Free(pm);
}

void MatchStore::Clear(List list) {
  while (lists_[list].head != kNone) Remove(lists_[list].head);
}

MatchStore::Entry MatchStore::Find(List list, Pm pm) const {
  for (Entry e = entry_head_[pm]; e != kNone; e = entries_[e].pm_next) {
    if (entries_[e].list == list) return e;
  }
  return kNone;
}

void MatchStore::MoveAll(List from, List to) {
  sort_scratch_.clear();
  bool sorted = true;
  for (Entry e = lists_[from].head; e != kNone; e = entries_[e].next) {
    if (!sort_scratch_.empty() && EarlierTs(ts_[entries_[e].pm], ts_[entries_[sort_scratch_.back()].pm])) {
      sorted = false;
    }
    sort_scratch_.push_back(e);
  }
  if (!sorted) {
    std::stable_sort(sort_scratch_.begin(), sort_scratch_.end(),
                     [&](Entry a, Entry b) { return EarlierTs(ts_[entries_[a].pm], ts_[entries_[b].pm]); });
  }
  for (Entry e : sort_scratch_) {
    Unlink(e);
    LinkBack(to, e);
  }
}

void MatchStore::Take(List from, std::vector<Pm>& out) {
  out.clear();
  bool sorted = true;
  for (Entry e = lists_[from].head; e != kNone; e = entries_[e].next) {
    const Pm pm = entries_[e].pm;
    if (!out.empty() && EarlierTs(ts_[pm], ts_[out.back()])) sorted = false;
    out.push_back(pm);
  }
  if (!sorted) std::stable_sort(out.begin(), out.end(), [&](Pm a, Pm b) { return EarlierTs(ts_[a], ts_[b]); });
  for (Pm pm : out) ++holds_[pm];
  Clear(from);
}

// ------------------------------------------------------------------ indexes

uint64_t MatchStore::Hash(const Key& key) {
  switch (key.type) {
    case Type::kString: return Mix(std::hash<std::string_view>{}(key.value.str->view()));
    case Type::kInt: return Mix(static_cast<uint64_t>(static_cast<int64_t>(key.value.i32)));
    case Type::kBool: return Mix(key.value.b ? 1 : 0);
    default: return Mix(static_cast<uint64_t>(key.value.i64));
  }
}

bool MatchStore::Equal(const Key& a, const Key& b) {
  switch (a.type) {
    case Type::kString: return a.value.str->view() == b.value.str->view();
    case Type::kInt: return a.value.i32 == b.value.i32;
    case Type::kBool: return a.value.b == b.value.b;
    default: return a.value.i64 == b.value.i64;
  }
}

void MatchStore::MakeIndexed(List list, Type type) {
  lists_[list].index = static_cast<int32_t>(indexes_.size());
  Index index;
  index.type = type;
  index.table.assign(16, kNone);
  indexes_.push_back(std::move(index));
}

uint32_t MatchStore::FindBucket(const Index& index, const Key& key, uint64_t hash) const {
  const size_t mask = index.table.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint32_t b = index.table[i];
    if (b == kNone) return kNone;
    if (index.buckets[b].hash == hash && Equal(index.buckets[b].key, key)) return b;
  }
}

void MatchStore::GrowTable(Index& index) {
  std::vector<uint32_t> table(index.table.size() * 2, kNone);
  const size_t mask = table.size() - 1;
  for (uint32_t b : index.table) {
    if (b == kNone) continue;
    size_t i = index.buckets[b].hash & mask;
    while (table[i] != kNone) i = (i + 1) & mask;
    table[i] = b;
  }
  index.table = std::move(table);
}

void MatchStore::EraseBucket(Index& index, uint32_t bucket) {
  const size_t mask = index.table.size() - 1;
  size_t i = index.buckets[bucket].hash & mask;
  while (index.table[i] != bucket) i = (i + 1) & mask;
  // Backward-shift deletion keeps every probe sequence unbroken.
  for (size_t j = (i + 1) & mask; index.table[j] != kNone; j = (j + 1) & mask) {
    const size_t home = index.buckets[index.table[j]].hash & mask;
    const bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      index.table[i] = index.table[j];
      i = j;
    }
  }
  index.table[i] = kNone;
  if (index.type == Type::kString) Release(index.buckets[bucket].key.value.str);
  index.free_buckets.push_back(bucket);
  --index.used;
}

MatchStore::Entry MatchStore::PushKeyed(List list, Pm pm, const Key* key) {
  const Entry e = Push(list, pm);
  if (key == nullptr) return e;
  Index& index = indexes_[static_cast<size_t>(lists_[list].index)];
  const uint64_t hash = Hash(*key);
  uint32_t b = FindBucket(index, *key, hash);
  if (b == kNone) {
    if ((index.used + 1) * 2 > index.table.size()) GrowTable(index);
    if (!index.free_buckets.empty()) {
      b = index.free_buckets.back();
      index.free_buckets.pop_back();
    } else {
      b = static_cast<uint32_t>(index.buckets.size());
      index.buckets.push_back({});
    }
    Bucket& bucket = index.buckets[b];
    bucket.hash = hash;
    bucket.key = *key;
    if (key->type == Type::kString) Retain(key->value.str);
    bucket.head = bucket.tail = kNone;
    const size_t mask = index.table.size() - 1;
    size_t i = hash & mask;
    while (index.table[i] != kNone) i = (i + 1) & mask;
    index.table[i] = b;
    ++index.used;
  }
  Bucket& bucket = index.buckets[b];
  EntryRec& r = entries_[e];
  r.bucket = b;
  r.bucket_prev = bucket.tail;
  r.bucket_next = kNone;
  if (bucket.tail != kNone) entries_[bucket.tail].bucket_next = e; else bucket.head = e;
  bucket.tail = e;
  return e;
}

MatchStore::Entry MatchStore::FindKey(List list, const Key& key) const {
  const Index& index = indexes_[static_cast<size_t>(lists_[list].index)];
  const uint32_t b = FindBucket(index, key, Hash(key));
  return b == kNone ? kNone : index.buckets[b].head;
}

// ------------------------------------------------------------------ the cap

void MatchStore::EvictOldest() {
  Pm victim = kNone;
  for (Pm pm = live_head_; pm != kNone; pm = live_next_[pm]) {
    if (holds_[pm] == 0 && started(pm)) {
      victim = pm;
      break;
    }
  }
  if (victim == kNone) victim = live_head_;
  if (victim == kNone) return;
  if (entry_count_[victim] == 0) {
    Free(victim);
    return;
  }
  while (entry_head_[victim] != kNone && alive_[victim]) {
    const Entry e = entry_head_[victim];
    const bool last = entry_count_[victim] == 1;
    Remove(e);
    if (last) break;
  }
}

}  // namespace eddy::runtime
