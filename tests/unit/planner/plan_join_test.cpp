// Joins through the public API: the planner's errors (message, line, column)
// and behaviour that depends on how the planner wires the sides: a stream
// joined with itself, an inner query as a side, per-trigger order by / limit.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "eddy/engine.h"
#include "tests/unit/planner/rejection.h"

namespace eddy {
namespace {

constexpr const char* kDefs =
    "define stream A (k string, x int);\n"
    "define stream B (k string, y int);\n"
    "define table T (k string, z int);\n"
    "define window W (k string, x int) length(2);\n";

using testing::Contains;
using testing::Rejection;

Rejection Reject(const std::string& query) { return testing::Reject(std::string(kDefs) + query); }

TEST_CASE("an unqualified name both sides have is ambiguous") {
  Rejection r = Reject("from A join B on k == B.k select A.k insert into O;");
  CHECK(Contains(r.message, "attribute 'k' is ambiguous: both 'A' and 'B' have it; qualify it, e.g. 'A.k'"));
  CHECK(r.location.line == 5);
  CHECK(r.location.column == 18);
  r = Reject("from A as a join B as b on a.k == b.k select k insert into O;");
  CHECK(Contains(r.message, "both 'a' and 'b' have it"));
  CHECK(r.location.column == 46);
}

TEST_CASE("select * may not output one name twice") {
  Rejection r = Reject("from A#window.length(1) join B select * insert into O;");
  CHECK(Contains(r.message, "'select *' over this join would output 'k' twice"));
  CHECK(r.location.line == 5);
  CHECK(r.location.column == 32);
}

TEST_CASE("unidirectional goes on one side only") {
  Rejection r = Reject("from A unidirectional join B unidirectional select A.k insert into O;");
  CHECK(Contains(r.message, "only one side of a join may be unidirectional"));
  CHECK(r.location.column == 6);
}

TEST_CASE("table join sides are checked like streams") {
  Rejection r = Reject("from A join T on A.k == T.kk select A.k insert into O;");
  CHECK(Contains(r.message, "no attribute 'kk' in stream 'T'"));
  r = Reject("from T join T as t2 select T.k insert into O;");
  CHECK(Contains(r.message, "a join needs at least one stream or window side"));
}

TEST_CASE("within / per need an aggregation side") {
  Rejection r = Reject("from A join B on A.k == B.k within 1000 per \"sec\" select A.k insert into O;");
  CHECK(Contains(r.message, "'within' and 'per' apply to joins with an aggregation"));
  CHECK(r.location.column == 36);
}

TEST_CASE("a named window joined with itself triggers on the left only") {
  Rejection r = Reject("from W as a join W as b unidirectional on a.k == b.k select a.k insert into O;");
  CHECK(Contains(r.message, "triggered by its left side only"));
}

TEST_CASE("windows a join cannot search yet, and bad conditions") {
  Rejection r = Reject("from A#window.expression('count() < 3') join B select A.k insert into O;");
  CHECK(Contains(r.message, "joining window 'expression' is not supported yet"));
  CHECK(r.location.column == 7);
  r = testing::Reject(
      "define stream B (k string, y int);\n"
      "define window V (k string, r double, t double) length(2);\n"
      "from V#pol2Cart(t, r) as v join B on v.k == B.k select v.x insert into O;");
  CHECK(Contains(r.message, "stream functions that add attributes on named window 'V' in a join are not supported yet"));
  r = Reject("from A join B on A.x + 1 select A.k insert into O;");
  CHECK(Contains(r.message, "a join condition must be bool"));
  r = Reject("from A outer join B select A.k insert into O;");
  CHECK(Contains(r.message, "'outer join' needs a side"));
}

struct Rows {
  std::vector<std::vector<Value>> rows;
};

std::unique_ptr<App> CompileWithOutput(const std::string& query, Rows& out) {
  auto app = App::Compile(std::string(kDefs) + query, {.playback = true});
  app->Subscribe("O", [&out](const EventBatchView& batch) {
    for (uint32_t i = 0; i < batch.size(); ++i) {
      std::vector<Value> row;
      for (uint32_t a = 0; a < batch[i].size(); ++a) row.push_back(batch[i].value(a));
      out.rows.push_back(row);
    }
  });
  return app;
}

TEST_CASE("a stream joined with itself takes a batch event by event, left side first") {
  Rows out;
  auto app = CompileWithOutput(
      "from A#window.length(5) as a join A#window.length(5) as b on a.k == b.k "
      "select a.x as ax, b.x as bx insert into O;",
      out);
  InputHandle in = app->Input("A");
  EventBatch batch = in.NewBatch();
  batch.Add(1000).SetString(0, "p").SetInt(1, 1);
  batch.Add(1000).SetString(0, "p").SetInt(1, 2);
  in.Send(batch);
  // e1: left finds nothing, right finds (1, 1); e2: left finds (2, 1), right (1, 2), (2, 2).
  const std::vector<std::vector<Value>> expected = {
      {Value::Int(1), Value::Int(1)},
      {Value::Int(2), Value::Int(1)},
      {Value::Int(1), Value::Int(2)},
      {Value::Int(2), Value::Int(2)},
  };
  CHECK(out.rows == expected);
}

TEST_CASE("an anonymous inner query is a window-less side") {
  Rows out;
  auto app = CompileWithOutput(
      "from (from A[x > 1] select k, x return) as f join B#window.length(2) as b on f.k == b.k "
      "select f.x as fx, b.y as by insert into O;",
      out);
  app->Input("B").Send(1000, {Value::String("p"), Value::Int(10)});
  app->Input("A").Send(1001, {Value::String("p"), Value::Int(1)});  // filtered out
  app->Input("A").Send(1002, {Value::String("p"), Value::Int(2)});
  app->Input("B").Send(1003, {Value::String("p"), Value::Int(11)});  // the inner side holds nothing
  const std::vector<std::vector<Value>> expected = {{Value::Int(2), Value::Int(10)}};
  CHECK(out.rows == expected);
}

TEST_CASE("order by and limit apply to each triggering event's rows") {
  Rows out;
  auto app = CompileWithOutput(
      "from A join B#window.length(5) on A.k == B.k select B.y as y order by y desc limit 2 insert into O;",
      out);
  for (int y : {1, 3, 2}) app->Input("B").Send(1000, {Value::String("p"), Value::Int(y)});
  app->Input("A").Send(1001, {Value::String("p"), Value::Int(0)});
  app->Input("A").Send(1002, {Value::String("p"), Value::Int(0)});
  const std::vector<std::vector<Value>> expected = {{Value::Int(3)}, {Value::Int(2)}, {Value::Int(3)}, {Value::Int(2)}};
  CHECK(out.rows == expected);
}

TEST_CASE("explain shows both sides, the key index and the shared selector") {
  auto app = App::Compile(std::string(kDefs) +
                          "from A#window.length(2) as a join B#window.time(1 sec) as b on a.k == b.k "
                          "select a.k, b.y insert into O;");
  const std::string plan = app->Explain();
  CHECK(Contains(plan, "from A as a join B as b on (a.k == b.k)"));
  CHECK(Contains(plan, "Join left side 'a', probes the other side's key index"));
  CHECK(Contains(plan, "Join right side 'b', probes the other side's key index"));
  CHECK(Contains(plan, "JoinOutput"));
}

}  // namespace
}  // namespace eddy
