// FifoKeyIndex against a plain model: positions of the held rows whose key
// equals a probe, oldest first, through entries, exits, null keys and growth.
#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <vector>

#include "runtime/join/fifo_key_index.h"

namespace eddy::runtime {
namespace {

std::vector<uint32_t> Probe(const FifoKeyIndex& index, Type type, Slot key) {
  std::vector<uint32_t> positions;
  index.ForEach(FifoKeyIndex::Hash(type, key), [&](uint32_t p) { positions.push_back(p); });
  return positions;
}

void Enter(FifoKeyIndex& index, int64_t key, bool null = false) {
  const Slot row[2] = {Slot{.i64 = 0}, Slot{.i64 = key}};
  const uint8_t nulls[2] = {0, static_cast<uint8_t>(null)};
  index.Enter(row, nulls);
}

TEST_CASE("probes visit the held rows of a key, oldest first, as positions") {
  FifoKeyIndex index(1, Type::kLong);
  Enter(index, 7);
  Enter(index, 8);
  Enter(index, 7);
  Enter(index, 0, /*null=*/true);
  Enter(index, 7);
  CHECK(index.size() == 5);
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 7}) == std::vector<uint32_t>{0, 2, 4});
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 8}) == std::vector<uint32_t>{1});
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 0}).empty());  // the null key is not chained
  index.Leave();  // the first 7
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 7}) == std::vector<uint32_t>{1, 3});
  index.Leave();  // 8
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 8}).empty());
  index.Leave();
  index.Leave();  // the null row
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 7}) == std::vector<uint32_t>{0});
  index.Leave();
  CHECK(index.size() == 0);
  CHECK(Probe(index, Type::kLong, Slot{.i64 = 7}).empty());
  index.Leave();  // nothing held: ignored
  CHECK(index.size() == 0);
}

TEST_CASE("int and long keys hash alike; -0.0 and 0.0 too") {
  CHECK(FifoKeyIndex::Hash(Type::kInt, Slot{.i32 = -5}) == FifoKeyIndex::Hash(Type::kLong, Slot{.i64 = -5}));
  CHECK(FifoKeyIndex::Hash(Type::kDouble, Slot{.f64 = -0.0}) == FifoKeyIndex::Hash(Type::kDouble, Slot{.f64 = 0.0}));
}

TEST_CASE("matches a model through growth and many keys entering and leaving") {
  FifoKeyIndex index(1, Type::kLong);
  std::deque<int64_t> model;  // keys, oldest first; -1: null
  std::mt19937 rng(42);
  for (int step = 0; step < 20000; ++step) {
    // Grow to about 600 rows, then hover, then drain.
    const bool enter = step < 15000 ? (model.size() < 600 ? rng() % 4 != 0 : rng() % 2 == 0) : false;
    if (enter) {
      const int64_t key = static_cast<int64_t>(rng() % 97);
      const bool null = rng() % 10 == 0;
      Enter(index, key, null);
      model.push_back(null ? -1 : key);
    } else if (!model.empty()) {
      index.Leave();
      model.pop_front();
    }
    REQUIRE(index.size() == model.size());
    if (step % 97 == 0) {
      const int64_t key = static_cast<int64_t>(rng() % 97);
      std::vector<uint32_t> expected;
      for (uint32_t p = 0; p < model.size(); ++p) {
        if (model[p] == key) expected.push_back(p);
      }
      REQUIRE(Probe(index, Type::kLong, Slot{.i64 = key}) == expected);
    }
  }
}

}  // namespace
}  // namespace eddy::runtime
