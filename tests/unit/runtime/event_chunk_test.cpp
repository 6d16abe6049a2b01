#include "runtime/event_chunk.h"

#include <doctest/doctest.h>

namespace eddy::runtime {
namespace {

Schema StockSchema() {
  return Schema({{"symbol", Type::kString}, {"price", Type::kDouble}, {"volume", Type::kLong}});
}

TEST_CASE("schema finds attributes and lists reference slots") {
  Schema schema = StockSchema();
  CHECK(schema.arity() == 3);
  CHECK(schema.Find("price") == 1);
  CHECK(schema.Find("nope") == -1);
  REQUIRE(schema.ref_slots().size() == 1);
  CHECK(schema.ref_slots()[0] == 0);
  CHECK(schema.ToString() == "(symbol string, price double, volume long)");
}

TEST_CASE("appended rows start null and keep timestamps and kinds") {
  Schema schema = StockSchema();
  EventChunk chunk(&schema);
  const uint32_t row = chunk.Append(1000, EventKind::kExpired);
  CHECK(row == 0);
  CHECK(chunk.size() == 1);
  CHECK(chunk.timestamp(0) == 1000);
  CHECK(chunk.kind(0) == EventKind::kExpired);
  for (uint32_t i = 0; i < 3; ++i) CHECK(chunk.nulls(0)[i] == 1);
  chunk.SetSlot(0, 1, Slot{.f64 = 2.5}, false);
  CHECK(chunk.nulls(0)[1] == 0);
  CHECK(chunk.row(0)[1].f64 == 2.5);
  CHECK(chunk.slots()[0 * 3 + 1].f64 == 2.5);
}

TEST_CASE("string references are counted across copies and released on clear") {
  Schema schema = StockSchema();
  StrRep* ibm = StrRep::Make("IBM");
  {
    EventChunk a(&schema);
    EventChunk b(&schema);
    a.Append(1, EventKind::kCurrent);
    a.SetSlot(0, 0, Slot{.str = ibm}, false);
    CHECK(ibm->refs == 2);
    b.AppendCopy(a, 0);
    CHECK(ibm->refs == 3);
    CHECK(b.row(0)[0].str->view() == "IBM");
    a.Clear();
    CHECK(ibm->refs == 2);
    // Overwriting a slot releases the old value.
    b.SetSlot(0, 0, Slot{.raw = 0}, true);
    CHECK(ibm->refs == 1);
  }
  CHECK(ibm->refs == 1);
  Release(ibm);
}

TEST_CASE("a cleared chunk reuses its storage") {
  Schema schema = StockSchema();
  EventChunk chunk(&schema);
  for (int i = 0; i < 100; ++i) chunk.Append(i, EventKind::kCurrent);
  const Slot* before = chunk.slots();
  chunk.Clear();
  CHECK(chunk.empty());
  for (int i = 0; i < 100; ++i) chunk.Append(i, EventKind::kCurrent);
  CHECK(chunk.slots() == before);
}

TEST_CASE("identity rows") {
  const uint32_t* rows = IdentityRows(10);
  for (uint32_t i = 0; i < 10; ++i) CHECK(rows[i] == i);
  const uint32_t* big = IdentityRows(100000);
  CHECK(big[99999] == 99999);
  CHECK(rows[9] == 9);  // earlier tables stay valid
}

}  // namespace
}  // namespace eddy::runtime
