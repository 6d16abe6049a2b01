// The public API end to end: compile, subscribe, send, clock.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "eddy/engine.h"
#include "tests/unit/engine/collect.h"

namespace eddy {
namespace {

using testing::Collect;
using testing::Collected;

TEST_CASE("filter and projection through the API") {
  auto app = App::Compile(
      "define stream S (symbol string, price double, volume long);\n"
      "from S[price > 50] select symbol, price insert into O;",
      {.playback = true});
  Collected out;
  Collect(*app, "O", out);
  InputHandle in = app->Input("S");
  in.Send(1000, {Value::String("IBM"), Value::Double(75.5), Value::Long(10)});
  in.Send(1001, {Value::String("WSO2"), Value::Double(20.0), Value::Long(5)});
  REQUIRE(out.rows.size() == 1);
  CHECK(out.rows[0][0] == Value::String("IBM"));
  CHECK(out.rows[0][1] == Value::Double(75.5));
  CHECK(out.timestamps[0] == 1000);
}

TEST_CASE("batches are one chunk; events keep their order") {
  auto app = App::Compile(
      "define stream S (symbol string, price double, volume long);\n"
      "from S select symbol insert into O;");
  Collected out;
  Collect(*app, "O", out);
  InputHandle in = app->Input("S");
  EventBatch batch = in.NewBatch();
  for (int i = 0; i < 5; ++i) {
    batch.Add(i).SetString(0, "s" + std::to_string(i)).SetDouble(1, i).SetLong(2, i);
  }
  in.Send(batch);
  REQUIRE(out.rows.size() == 5);
  CHECK(out.rows[4][0] == Value::String("s4"));
}

TEST_CASE("queries on one stream run depth-first in app order") {
  auto app = App::Compile(
      "define stream S (v int);\n"
      "from S select v insert into A;\n"
      "from A select v * 10 as v insert into Out;\n"
      "from S select v * 100 as v insert into Out;",
      {.playback = true});
  Collected out;
  Collect(*app, "Out", out);
  app->Input("S").Send(1, {Value::Int(1)});
  app->Input("S").Send(2, {Value::Int(2)});
  REQUIRE(out.rows.size() == 4);
  CHECK(out.rows[0][0] == Value::Int(10));
  CHECK(out.rows[1][0] == Value::Int(100));
  CHECK(out.rows[2][0] == Value::Int(20));
  CHECK(out.rows[3][0] == Value::Int(200));
}

TEST_CASE("a periodic trigger fires on the event-time clock") {
  auto app = App::Compile("define trigger T at every 500 millisec;", {.playback = true});
  Collected out;
  Collect(*app, "T", out);
  app->Start(1000);
  app->AdvanceTime(2100);
  REQUIRE(out.rows.size() == 2);
  CHECK(out.rows[0][0] == Value::Long(1500));
  CHECK(out.timestamps[1] == 2000);
}

TEST_CASE("misuse is a UsageError") {
  auto app = App::Compile("define stream S (v int);\nfrom S select v insert into O;");
  CHECK_THROWS_AS(app->Input("Nope"), UsageError);
  InputHandle in = app->Input("S");
  CHECK_THROWS_AS(in.Send(0, {Value::Int(1), Value::Int(2)}), UsageError);
  CHECK_THROWS_AS(in.Send(0, {Value::String("x")}), UsageError);
  CHECK_THROWS_AS(in.Send(0, {Value::Long(1LL << 40)}), UsageError);
  app->Shutdown();
  CHECK_THROWS_AS(in.Send(0, {Value::Int(1)}), UsageError);
}

TEST_CASE("aggregation without a window runs over every event since start") {
  auto app = App::Compile(
      "define stream S (k string, v int);\n"
      "from S select k, sum(v) as total, count() as n group by k insert into O;",
      {.playback = true});
  Collected out;
  Collect(*app, "O", out);
  InputHandle in = app->Input("S");
  in.Send(1, {Value::String("a"), Value::Int(1)});
  in.Send(2, {Value::String("b"), Value::Int(5)});
  in.Send(3, {Value::String("a"), Value::Int(2)});
  REQUIRE(out.rows.size() == 3);
  CHECK(out.rows[2][0] == Value::String("a"));
  CHECK(out.rows[2][1] == Value::Long(3));
  CHECK(out.rows[2][2] == Value::Long(2));
}

}  // namespace
}  // namespace eddy
