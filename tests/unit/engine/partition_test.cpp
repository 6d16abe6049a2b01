// Partitions through the public API, for what recorded cases cannot show:
// batches of several keys, keys of different types, explain.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "eddy/engine.h"
#include "tests/unit/engine/collect.h"

namespace eddy {
namespace {

using testing::Collect;
using Rows = testing::Collected;

TEST_CASE("a batch reaches each key's instance as runs of consecutive events of that key") {
  auto app = App::Compile(
      "define stream S (k string, v int);\n"
      "partition with (k of S) begin from S select k, sum(v) as total insert into O; end;",
      {.playback = true});
  Rows out;
  Collect(*app, "O", out);
  InputHandle in = app->Input("S");
  EventBatch batch = in.NewBatch();
  const std::pair<const char*, int> events[] = {{"a", 1}, {"a", 2}, {"b", 10}, {"a", 3}, {"b", 20}, {"b", 30}};
  for (const auto& [k, v] : events) batch.Add(1000).SetString(0, k).SetInt(1, v);
  in.Send(batch);
  // An aggregate emits the last row of each chunk: one per run (a: 1+2, b: 10,
  // a: +3, b: +20+30), in arrival order.
  REQUIRE(out.rows.size() == 4);
  CHECK(out.rows[0] == std::vector<Value>{Value::String("a"), Value::Long(3)});
  CHECK(out.rows[1] == std::vector<Value>{Value::String("b"), Value::Long(10)});
  CHECK(out.rows[2] == std::vector<Value>{Value::String("a"), Value::Long(6)});
  CHECK(out.rows[3] == std::vector<Value>{Value::String("b"), Value::Long(60)});
}

TEST_CASE("keys of different streams meet by their text: 5, 5L and '5' share an instance") {
  auto app = App::Compile(
      "define stream A (k int, v int);\n"
      "define stream B (k long, v int);\n"
      "define stream C (k string, v int);\n"
      "define stream D (k double, v int);\n"
      "partition with (k of A, k of B, k of C, k of D) begin\n"
      "  from A select v insert into #V;\n"
      "  from B select v insert into #V;\n"
      "  from C select v insert into #V;\n"
      "  from D select v insert into #V;\n"
      "  from #V select count() as n insert into O;\n"
      "end;",
      {.playback = true});
  Rows out;
  Collect(*app, "O", out);
  app->Input("A").Send(1000, {Value::Int(5), Value::Int(1)});
  app->Input("B").Send(1001, {Value::Long(5), Value::Int(1)});
  app->Input("C").Send(1002, {Value::String("5"), Value::Int(1)});
  app->Input("D").Send(1003, {Value::Double(5), Value::Int(1)});  // "5.0": another key
  app->Input("C").Send(1004, {Value::String("5.0"), Value::Int(1)});
  app->Input("A").Send(1005, {Value::Null(Type::kInt), Value::Int(1)});  // a null key: dropped
  REQUIRE(out.rows.size() == 5);
  CHECK(out.rows[2][0] == Value::Long(3));
  CHECK(out.rows[3][0] == Value::Long(1));
  CHECK(out.rows[4][0] == Value::Long(2));
}

TEST_CASE("explain shows a partition's routers and its queries") {
  auto app = App::Compile(
      "define stream S (k string, v int);\n"
      "define stream Limits (v int);\n"
      "partition with (k of S) begin\n"
      "  @info(name='avg') from S#window.length(3) select k, avg(v) as a insert into #Avg;\n"
      "  from #Avg as x join Limits#window.length(1) as l on x.a > l.v select x.k as k insert into Alerts;\n"
      "end;");
  const std::string plan = app->Explain();
  CHECK(plan.find("partition 1: partition with (k of S)\n    -> PartitionRouter k of S\n"
                  "    -> PartitionBroadcast Limits (to every instance)") != std::string::npos);
  CHECK(plan.find("query avg: from S (in partition 1)") != std::string::npos);
  CHECK(plan.find("-> Window length(3)") != std::string::npos);
  CHECK(plan.find("from #Avg as x join Limits as l on") != std::string::npos);
  CHECK(plan.find("stream Alerts") != std::string::npos);
  CHECK(plan.find("stream #Avg") == std::string::npos);  // inner streams are not the app's
}

}  // namespace
}  // namespace eddy
