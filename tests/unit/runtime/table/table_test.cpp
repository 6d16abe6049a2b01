// The in-memory table: insertion order, primary-key uniqueness on insert and
// on replace, removal keeping order, contents read in place.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/table/table.h"

namespace eddy::runtime {
namespace {

struct Fixture {
  Schema schema{{{"k", Type::kString}, {"v", Type::kInt}}};
  EventChunk rows{&schema};

  // Row i of `rows`, appended.
  uint32_t Row(const std::string& k, int v) {
    const uint32_t r = rows.Append(0, EventKind::kCurrent);
    rows.AdoptSlot(r, 0, Slot{.str = StrRep::Make(k)}, false);
    rows.SetSlot(r, 1, Slot{.i32 = v}, false);
    return r;
  }
  bool Insert(Table& t, const std::string& k, int v) {
    const uint32_t r = Row(k, v);
    return t.Insert(rows.row(r), rows.nulls(r), 0);
  }
  static std::string Text(const Table& t) {
    std::vector<uint32_t> slots;
    t.AppendSlots(slots);
    std::string out;
    for (uint32_t s : slots) {
      out += std::string(t.store().row(s)[0].str->view()) + "=" + std::to_string(t.store().row(s)[1].i32) + " ";
    }
    return out;
  }
};

TEST_CASE("without a primary key rows repeat, in insertion order; removal keeps the order") {
  Fixture f;
  Table t("T", &f.schema, {});
  CHECK(f.Insert(t, "a", 1));
  CHECK(f.Insert(t, "b", 2));
  CHECK(f.Insert(t, "a", 3));
  CHECK(Fixture::Text(t) == "a=1 b=2 a=3 ");
  const uint32_t gone[] = {0, 1};
  t.Remove(gone);
  CHECK(Fixture::Text(t) == "a=3 ");
  std::vector<RowRun> runs;
  CHECK(t.AppendContents(runs));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].count == 1);
  t.Remove(std::vector<uint32_t>{2});
  runs.clear();
  CHECK(t.AppendContents(runs));
  CHECK(runs.empty());
  CHECK(t.size() == 0);
}

TEST_CASE("a primary key refuses a repeated key, also after removals") {
  Fixture f;
  Table t("T", &f.schema, {0});
  CHECK(f.Insert(t, "a", 1));
  CHECK(f.Insert(t, "b", 2));
  CHECK_FALSE(f.Insert(t, "a", 9));
  CHECK(Fixture::Text(t) == "a=1 b=2 ");
  t.Remove(std::vector<uint32_t>{0});
  CHECK_FALSE(f.Insert(t, "b", 9));  // the index follows the shifted rows
  CHECK(f.Insert(t, "a", 5));
  CHECK(Fixture::Text(t) == "b=2 a=5 ");
}

TEST_CASE("replace: refused when two rows would share a key, applied otherwise") {
  Fixture f;
  Table t("T", &f.schema, {0});
  f.Insert(t, "a", 1);
  f.Insert(t, "b", 2);
  f.Insert(t, "c", 3);
  EventChunk values(&f.schema);
  auto value = [&](const std::string& k, int v) {
    const uint32_t r = values.Append(0, EventKind::kCurrent);
    values.AdoptSlot(r, 0, Slot{.str = StrRep::Make(k)}, false);
    values.SetSlot(r, 1, Slot{.i32 = v}, false);
  };
  value("b", 10);  // row 0 (a) -> b: b is kept by row 1
  CHECK(t.Replace(std::vector<uint32_t>{0}, values) == 0);
  CHECK(Fixture::Text(t) == "a=1 b=2 c=3 ");
  values.Clear();
  value("x", 10);  // rows 0 and 2 both -> x
  value("x", 30);
  CHECK(t.Replace(std::vector<uint32_t>{0, 2}, values) == 1);
  values.Clear();
  value("b", 10);  // a and b swap keys: unique afterwards
  value("a", 20);
  CHECK(t.Replace(std::vector<uint32_t>{0, 1}, values) == -1);
  CHECK(Fixture::Text(t) == "b=10 a=20 c=3 ");
  CHECK_FALSE(f.Insert(t, "a", 0));
  CHECK(t.KeyText(t.store().row(0), t.store().nulls(0)) == "(b)");
}

TEST_CASE("slots are reused after removals; order, runs and indexes follow") {
  Fixture f;
  Table t("T", &f.schema, {});
  t.AddIndex(1);
  f.Insert(t, "a", 1);  // slot 0
  f.Insert(t, "b", 2);  // slot 1
  f.Insert(t, "c", 1);  // slot 2
  t.Remove(std::vector<uint32_t>{1});
  f.Insert(t, "d", 1);  // reuses slot 1, last in order
  CHECK(Fixture::Text(t) == "a=1 c=1 d=1 ");
  std::vector<RowRun> runs;
  t.AppendContents(runs);
  CHECK(runs.size() == 3);  // slots 0, 2, 1: no two consecutive in order
  uint32_t held = 0;
  for (const RowRun& r : runs) held += r.count;
  CHECK(held == 3);
  std::vector<uint32_t> ones;
  t.Lookup(1, Type::kLong, Slot{.i64 = 1}, ones);  // an int column looked up by a long key
  CHECK(ones == std::vector<uint32_t>{0, 2, 1});   // insertion order
  EventChunk values(&f.schema);
  const uint32_t r = values.Append(0, EventKind::kCurrent);
  values.AdoptSlot(r, 0, Slot{.str = StrRep::Make("c")}, false);
  values.SetSlot(r, 1, Slot{.i32 = 7}, false);
  CHECK(t.Replace(std::vector<uint32_t>{2}, values) == -1);
  ones.clear();
  t.Lookup(1, Type::kInt, Slot{.i32 = 1}, ones);
  CHECK(ones == std::vector<uint32_t>{0, 1});
  std::vector<uint32_t> sevens;
  t.Lookup(1, Type::kInt, Slot{.i32 = 7}, sevens);
  CHECK(sevens == std::vector<uint32_t>{2});
}

}  // namespace
}  // namespace eddy::runtime
