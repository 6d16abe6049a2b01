// Partial-match storage: shared events and count chains, list membership and
// freeing, timestamp-ordered promotion, the hash index and the cap's eviction.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "runtime/pattern/match_store.h"

namespace eddy::runtime {
namespace {

struct Fixture {
  Schema schema{{{"symbol", Type::kString}, {"price", Type::kDouble}}};
  EventStore events{&schema};
  EventChunk chunk{&schema};

  // Two positions: 0 plain, 1 counting; lists 0..3.
  MatchStore store{{&events, &events}, {0, 1}, 4};

  EventStore::Id Event(const std::string& symbol, double price, int64_t ts) {
    chunk.Clear();
    const uint32_t row = chunk.Append(ts, EventKind::kCurrent);
    chunk.AdoptSlot(row, 0, Slot{.str = StrRep::Make(symbol)}, false);
    chunk.SetSlot(row, 1, Slot{.f64 = price}, false);
    return events.Add(chunk, row);
  }
};

TEST_CASE("a match is freed with its last list entry, and its events with it") {
  Fixture f;
  const MatchStore::Pm pm = f.store.New();
  f.store.Bind(pm, 0, f.Event("IBM", 10, 1000));
  const MatchStore::Entry a = f.store.Push(0, pm);
  const MatchStore::Entry b = f.store.Push(2, pm);
  f.store.Unhold(pm);
  CHECK(f.store.live() == 1);
  f.store.Remove(a);
  CHECK(f.store.live() == 1);
  CHECK(f.events.live() == 1);
  f.store.Remove(b);
  CHECK(f.store.live() == 0);
  CHECK(f.events.live() == 0);
}

TEST_CASE("a held match without entries survives until unheld") {
  Fixture f;
  const MatchStore::Pm pm = f.store.New();
  CHECK(f.store.live() == 1);
  f.store.Unhold(pm);
  CHECK(f.store.live() == 0);
}

TEST_CASE("copies share events and count chains; appends do not leak into copies") {
  Fixture f;
  const MatchStore::Pm pm = f.store.New();
  f.store.Bind(pm, 0, f.Event("IBM", 10, 1000));
  f.store.Append(pm, 1, f.Event("A", 1, 1001));
  f.store.Append(pm, 1, f.Event("B", 2, 1002));
  CHECK(f.events.live() == 3);
  const MatchStore::Pm copy = f.store.Clone(pm, 2, -1);
  CHECK(f.events.live() == 3);  // shared, not copied
  f.store.Append(pm, 1, f.Event("C", 3, 1003));
  CHECK(f.store.count(pm, 1) == 3);
  CHECK(f.store.count(copy, 1) == 2);
  CHECK(f.events.slot(f.store.EventFromOldest(copy, 1, 0), 1).f64 == 1);
  CHECK(f.events.slot(f.store.EventFromNewest(copy, 1, 0), 1).f64 == 2);
  CHECK(f.events.slot(f.store.EventFromNewest(pm, 1, 0), 1).f64 == 3);
  CHECK(f.store.EventFromOldest(copy, 1, 2) == MatchStore::kNone);   // beyond the collection
  CHECK(f.store.EventFromNewest(copy, 1, 5) == MatchStore::kNone);
  f.store.Unhold(pm);
  CHECK(f.events.live() == 3);  // C went with pm; IBM, A and B are the copy's
  f.store.Unhold(copy);
  CHECK(f.events.live() == 0);
}

TEST_CASE("a copy keeps the positions before the re-armed one") {
  Fixture f;
  const MatchStore::Pm pm = f.store.New();
  f.store.Bind(pm, 0, f.Event("IBM", 10, 1000));
  f.store.Append(pm, 1, f.Event("A", 1, 1001));
  f.store.set_ts(pm, 1001);
  const MatchStore::Pm from1 = f.store.Clone(pm, 1, -1);
  CHECK(f.store.bound(from1, 0));
  CHECK_FALSE(f.store.bound(from1, 1));
  CHECK(f.store.ts(from1) == 1001);
  const MatchStore::Pm from0 = f.store.Clone(pm, 2, 0);
  CHECK_FALSE(f.store.bound(from0, 0));
  CHECK(f.store.bound(from0, 1));
  for (MatchStore::Pm p : {pm, from1, from0}) f.store.Unhold(p);
  CHECK(f.events.live() == 0);
}

TEST_CASE("moving a list orders by timestamp, stable, fresh matches (-1) last") {
  Fixture f;
  std::vector<MatchStore::Pm> pms;
  for (int64_t ts : {300, -1, 100, 300, 200}) {
    const MatchStore::Pm pm = f.store.New();
    f.store.set_ts(pm, ts);
    f.store.Push(1, pm);
    f.store.Unhold(pm);
    pms.push_back(pm);
  }
  f.store.MoveAll(1, 0, [](MatchStore::Pm, MatchStore::Key&) { return false; });
  CHECK(f.store.empty(1));
  std::vector<MatchStore::Pm> order;
  for (MatchStore::Entry e = f.store.head(0); e != MatchStore::kNone; e = f.store.next(e)) order.push_back(f.store.pm(e));
  CHECK(order == std::vector<MatchStore::Pm>{pms[2], pms[4], pms[0], pms[3], pms[1]});
}

TEST_CASE("the index finds exactly the entries of a key, in list order, across growth and removal") {
  Fixture f;
  f.store.MakeIndexed(0, Type::kLong);
  std::vector<MatchStore::Entry> entries;
  for (int64_t i = 0; i < 1000; ++i) {
    const MatchStore::Pm pm = f.store.New();
    const MatchStore::Key key{Type::kLong, Slot{.i64 = i % 300}};
    entries.push_back(f.store.PushKeyed(0, pm, &key));
    f.store.Unhold(pm);
  }
  // Remove every entry of keys divisible by 3, and one more of key 7.
  for (int64_t i = 0; i < 1000; ++i) {
    if ((i % 300) % 3 == 0 || i == 307) f.store.Remove(entries[static_cast<size_t>(i)]);
  }
  for (int64_t k = 0; k < 300; ++k) {
    std::vector<MatchStore::Entry> found;
    for (MatchStore::Entry e = f.store.FindKey(0, {Type::kLong, Slot{.i64 = k}}); e != MatchStore::kNone;
         e = f.store.NextWithKey(e)) {
      found.push_back(e);
    }
    std::vector<MatchStore::Entry> expected;
    for (int64_t i = k; i < 1000; i += 300) {
      if (k % 3 != 0 && i != 307) expected.push_back(entries[static_cast<size_t>(i)]);
    }
    CHECK_MESSAGE(found == expected, "key " << k);
  }
  CHECK(f.store.FindKey(0, {Type::kLong, Slot{.i64 = 300}}) == MatchStore::kNone);
}

TEST_CASE("string keys compare by content; a match without a key is in the list only") {
  Fixture f;
  f.store.MakeIndexed(0, Type::kString);
  StrRep* ibm = StrRep::Make("IBM");
  StrRep* other_ibm = StrRep::Make("IBM");
  const MatchStore::Pm a = f.store.New();
  const MatchStore::Key key{Type::kString, Slot{.str = ibm}};
  f.store.PushKeyed(0, a, &key);
  const MatchStore::Pm b = f.store.New();
  f.store.PushKeyed(0, b, nullptr);
  Release(ibm);  // the index keeps its own reference
  const MatchStore::Entry found = f.store.FindKey(0, {Type::kString, Slot{.str = other_ibm}});
  REQUIRE(found != MatchStore::kNone);
  CHECK(f.store.pm(found) == a);
  CHECK(f.store.NextWithKey(found) == MatchStore::kNone);
  CHECK(f.store.size(0) == 2);
  Release(other_ibm);
  f.store.Unhold(a);
  f.store.Unhold(b);
}

TEST_CASE("string keys of every length are told apart by content; emptied keys are found empty and reused") {
  Fixture f;
  f.store.MakeIndexed(0, Type::kString);
  // Lengths 0..24 cover the short, word and long comparisons; keys of one
  // length differ in their first, middle or last byte.
  std::vector<std::string> texts;
  for (size_t n = 0; n <= 24; ++n) {
    const std::string base(n, 'a');
    texts.push_back(base);
    if (n == 0) continue;
    for (size_t at : {size_t{0}, n / 2, n - 1}) {
      std::string t = base;
      t[at] = 'b';
      if (std::find(texts.begin(), texts.end(), t) == texts.end()) texts.push_back(t);
    }
  }
  auto key_of = [](StrRep* s) { return MatchStore::Key{Type::kString, Slot{.str = s}}; };
  std::vector<MatchStore::Entry> entries;
  for (const std::string& t : texts) {
    StrRep* s = StrRep::Make(t);
    const MatchStore::Pm pm = f.store.New();
    const MatchStore::Key key = key_of(s);
    entries.push_back(f.store.PushKeyed(0, pm, &key));
    f.store.Unhold(pm);
    Release(s);
  }
  // Every other key loses its entry; the rest are found through them.
  for (size_t i = 0; i < texts.size(); i += 2) f.store.Remove(entries[i]);
  for (size_t i = 0; i < texts.size(); ++i) {
    StrRep* probe = StrRep::Make(texts[i]);  // another copy: compared by content
    const MatchStore::Entry found = f.store.FindKey(0, key_of(probe));
    if (i % 2 == 0) {
      CHECK_MESSAGE(found == MatchStore::kNone, "'" << texts[i] << "'");
    } else {
      CHECK_MESSAGE(found == entries[i], "'" << texts[i] << "'");
      if (found != MatchStore::kNone) CHECK(f.store.NextWithKey(found) == MatchStore::kNone);
    }
    Release(probe);
  }
  // An emptied key comes back.
  StrRep* again = StrRep::Make(texts[0]);
  const MatchStore::Pm pm = f.store.New();
  const MatchStore::Key key = key_of(again);
  const MatchStore::Entry back = f.store.PushKeyed(0, pm, &key);
  f.store.Unhold(pm);
  CHECK(f.store.FindKey(0, key) == back);
  Release(again);
}

TEST_CASE("lookups agree with a plain map while keys fill, empty and are purged") {
  // More keys than the index's filter has slots: keys share slots, and an
  // emptied key must not hide another key of its slot. Enough emptied keys
  // for purges.
  Fixture f;
  f.store.MakeIndexed(0, Type::kLong);
  std::map<int64_t, std::vector<MatchStore::Entry>> expected;
  uint64_t rng = 3;
  for (int step = 0; step < 60000; ++step) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t k = static_cast<int64_t>((rng >> 33) % 5000);
    std::vector<MatchStore::Entry>& of_key = expected[k];
    // Adding mostly, then removing mostly.
    const bool add = step < 30000 ? (rng >> 20) % 3 != 0 : (rng >> 20) % 3 == 0;
    if (add || of_key.empty()) {
      const MatchStore::Pm pm = f.store.New();
      const MatchStore::Key key{Type::kLong, Slot{.i64 = k}};
      of_key.push_back(f.store.PushKeyed(0, pm, &key));
      f.store.Unhold(pm);
    } else {
      const size_t at = static_cast<size_t>((rng >> 40) % of_key.size());
      f.store.Remove(of_key[at]);
      of_key.erase(of_key.begin() + static_cast<std::ptrdiff_t>(at));
    }
    if (step % 997 != 0) continue;
    for (const auto& [key, entries] : expected) {
      std::vector<MatchStore::Entry> found;
      for (MatchStore::Entry e = f.store.FindKey(0, {Type::kLong, Slot{.i64 = key}}); e != MatchStore::kNone;
           e = f.store.NextWithKey(e)) {
        found.push_back(e);
      }
      REQUIRE_MESSAGE(found == entries, "key " << key << " at step " << step);
    }
  }
}

TEST_CASE("eviction takes the oldest started match, from every list") {
  Fixture f;
  const MatchStore::Pm armed = f.store.New();  // oldest, but nothing matched yet
  f.store.Push(0, armed);
  f.store.Unhold(armed);
  std::vector<MatchStore::Pm> started;
  for (int i = 0; i < 3; ++i) {
    const MatchStore::Pm pm = f.store.New();
    f.store.Bind(pm, 0, f.Event("S" + std::to_string(i), i, i));
    f.store.Push(0, pm);
    f.store.Push(2, pm);
    f.store.Unhold(pm);
    started.push_back(pm);
  }
  f.store.EvictOldest();
  CHECK(f.store.live() == 3);
  CHECK(f.store.Find(0, started[0]) == MatchStore::kNone);
  CHECK(f.store.Find(2, started[0]) == MatchStore::kNone);
  CHECK(f.store.Find(0, armed) != MatchStore::kNone);
  CHECK(f.events.live() == 2);
}

}  // namespace
}  // namespace eddy::runtime
