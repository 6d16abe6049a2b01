#include "runtime/operator/group_table.h"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace eddy::runtime {
namespace {

// A chunk of (key string, pad long) rows, the key null where `keys` has none.
struct KeyChunk {
  Schema schema{{{"key", Type::kString}, {"pad", Type::kLong}}};
  Schema key_schema{{{"key", Type::kString}}};
  EventChunk chunk{&schema};

  explicit KeyChunk(const std::vector<std::optional<std::string>>& keys) {
    for (const auto& key : keys) {
      const uint32_t row = chunk.Append(0, EventKind::kCurrent);
      if (key) {
        StrRep* rep = StrRep::Make(*key);
        chunk.SetSlot(row, 0, Slot{.str = rep}, false);
        Release(rep);
      }
      chunk.SetSlot(row, 1, Slot{.i64 = 7}, false);
    }
  }
  std::vector<ColumnView> views() const {
    return {ColumnView{chunk.slots(), chunk.null_flags(), chunk.arity(), chunk.arity()}};
  }
};

std::optional<std::string> RandomKey(std::mt19937& rng) {
  // Short keys of every length 0..8 (the one-word path), long ones and nulls.
  const int kind = static_cast<int>(rng() % 20);
  if (kind == 0) return std::nullopt;
  const size_t size = kind == 1 ? 9 + rng() % 12 : rng() % 9;
  std::string key(size, 'a');
  // Few distinct characters, so that keys repeat and differ in single bytes.
  for (char& c : key) c = static_cast<char>("ab\0c"[rng() % 4]);
  return key;
}

TEST_CASE("StrRep pads short strings with zeros, so the first word identifies them") {
  StrRep* ab = StrRep::Make("ab");
  StrRep* ab_nul = StrRep::Make(std::string("ab\0", 3));
  StrRep* eight = StrRep::Make("abcdefgh");
  CHECK(ab->word() == ab_nul->word());  // told apart by size
  CHECK(ab->size != ab_nul->size);
  CHECK(ab->word() == (uint64_t{'a'} | uint64_t{'b'} << 8));
  uint64_t expected;
  std::memcpy(&expected, "abcdefgh", 8);
  CHECK(eight->word() == expected);
  Release(ab);
  Release(ab_nul);
  Release(eight);
}

TEST_CASE("group ids from FindOrAddRows agree with the keys, over growth, frees and reuse") {
  std::mt19937 rng(20261201);
  Schema key_schema({{"key", Type::kString}});
  GroupTable table(&key_schema);
  // The key each live id stands for ("\x01null" for the null key).
  std::map<uint32_t, std::string> key_of_id;
  std::map<std::string, uint32_t> id_of_key;
  for (int round = 0; round < 60; ++round) {
    std::vector<std::optional<std::string>> keys;
    const size_t n = 1 + rng() % 300;
    for (size_t i = 0; i < n; ++i) keys.push_back(RandomKey(rng));
    KeyChunk chunk(keys);
    const std::vector<ColumnView> views = chunk.views();
    // All rows (0..n-1), or an ascending subset of them.
    std::vector<uint32_t> rows;
    const bool all = round % 2 == 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (all || rng() % 3 != 0) rows.push_back(i);
    }
    std::vector<uint32_t> group_of_row(n, UINT32_MAX);
    const uint32_t bound = table.FindOrAddRows(views, rows, group_of_row.data());
    for (uint32_t row : rows) {
      const std::string key = keys[row] ? *keys[row] : std::string("\x01null");
      const uint32_t id = group_of_row[row];
      REQUIRE(id < bound);
      auto [it, added] = id_of_key.emplace(key, id);
      CHECK(it->second == id);  // one key, one id
      if (added) {
        CHECK(key_of_id.count(id) == 0);  // a new key gets an id nobody holds
        key_of_id[id] = key;
      }
      CHECK(table.FindOrAdd(views, row) == id);
    }
    CHECK(table.live_groups() == id_of_key.size());
    // Free about a third of the groups; their ids come back for new keys.
    for (auto it = key_of_id.begin(); it != key_of_id.end();) {
      if (rng() % 3 == 0) {
        table.Free(it->first);
        id_of_key.erase(it->second);
        it = key_of_id.erase(it);
      } else {
        ++it;
      }
    }
  }
  CHECK(table.live_groups() == id_of_key.size());
}

}  // namespace
}  // namespace eddy::runtime
