// The public API end to end: compile, subscribe, send, clock.
#include <doctest/doctest.h>

#include <chrono>
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

// The stats of the query named `name`.
const QueryStats& StatsOf(const std::vector<QueryStats>& all, const std::string& name) {
  for (const QueryStats& q : all) {
    if (q.name == name) return q;
  }
  FAIL("no query named " << name);
  return all.front();
}

uint64_t BucketTotal(const QueryStats& q) {
  uint64_t n = 0;
  for (uint64_t b : q.latency_buckets) n += b;
  return n;
}

TEST_CASE("query stats: off by default; then chunks and events per query, every query kind attributed") {
  auto app = App::Compile(
      "define stream S (symbol string, price double);\n"
      "define stream R (symbol string, limit double);\n"
      "define window W (symbol string, price double) length(10);\n"
      "@info(name='filter') from S[price > 50] select symbol, price insert into Big;\n"
      "from Big select symbol insert into Names;\n"
      "@info(name='join') from S#window.length(5) join R#window.length(5) on S.symbol == R.symbol\n"
      "  select S.symbol, price, limit insert into Joined;\n"
      "from S insert into W;\n"
      "@info(name='reader') from W select symbol, price insert into FromWindow;\n"
      "@info(name='inner') from (from S select price * 2 as p return) select p insert into Doubled;\n"
      "@info(name='pattern') from every e1=S[price > 70] -> e2=R select e1.symbol as a, e2.symbol as b\n"
      "  insert into Pairs;",
      {.playback = true});
  CHECK(app->query_stats().empty());
  app->EnableQueryStats();
  app->EnableQueryStats();  // idempotent
  InputHandle s = app->Input("S");
  EventBatch batch = s.NewBatch();
  batch.Add(1).SetString(0, "IBM").SetDouble(1, 75);
  batch.Add(1).SetString(0, "WSO2").SetDouble(1, 20);
  batch.Add(1).SetString(0, "ORCL").SetDouble(1, 60);
  s.Send(batch);
  s.Send(2, {Value::String("IBM"), Value::Double(10)});
  app->Input("R").Send(3, {Value::String("IBM"), Value::Double(1)});

  const std::vector<QueryStats> stats = app->query_stats();
  const QueryStats& filter = StatsOf(stats, "filter");
  CHECK(filter.chunks == 2);
  CHECK(filter.events == 4);
  // The second query sees only what the first inserted: one chunk of two.
  const QueryStats& names = StatsOf(stats, "query_2");
  CHECK(names.chunks == 1);
  CHECK(names.events == 2);
  // Both sides of a join count for the join.
  const QueryStats& join = StatsOf(stats, "join");
  CHECK(join.chunks == 3);
  CHECK(join.events == 5);
  CHECK(StatsOf(stats, "window W").events == 4);
  CHECK(StatsOf(stats, "reader").events == 4);
  CHECK(StatsOf(stats, "inner").events == 4);
  // A pattern reads both streams.
  const QueryStats& pattern = StatsOf(stats, "pattern");
  CHECK(pattern.chunks == 3);
  CHECK(pattern.events == 5);
  for (const QueryStats& q : stats) {
    CHECK_MESSAGE(BucketTotal(q) == q.chunks, q.name);
    CHECK(q.seconds >= 0);
  }
}

TEST_CASE("query stats: a partition is timed as one entry, its instances' work included") {
  auto app = App::Compile(
      "define stream S (symbol string, price double);\n"
      "@info(name='outer') from S select symbol insert into Names;\n"
      "partition with (symbol of S)\n"
      "begin\n"
      "  @info(name='per-key') from S#window.length(2) select symbol, sum(price) as total insert into Totals;\n"
      "end;",
      {.playback = true});
  app->EnableQueryStats();
  InputHandle s = app->Input("S");
  EventBatch batch = s.NewBatch();
  batch.Add(1).SetString(0, "IBM").SetDouble(1, 75);
  batch.Add(1).SetString(0, "WSO2").SetDouble(1, 20);
  batch.Add(1).SetString(0, "IBM").SetDouble(1, 60);
  s.Send(batch);
  const std::vector<QueryStats> stats = app->query_stats();
  CHECK(StatsOf(stats, "outer").events == 3);
  size_t partition_events = 0;
  for (const QueryStats& q : stats) {
    CHECK_MESSAGE(BucketTotal(q) == q.chunks, q.name);
    if (q.name.find("partition") != std::string::npos) partition_events += q.events;
  }
  CHECK(partition_events == 3);
}

TEST_CASE("query stats: a query is charged its own time, not that of the queries it feeds") {
  // The first query's output goes through a second one that does much more
  // work per event (a long window with an aggregate over a big batch).
  auto app = App::Compile(
      "define stream S (v long);\n"
      "@info(name='pass') from S select v insert into T;\n"
      "@info(name='heavy') from T#window.length(100000)\n"
      "  select sum(v) as s, avg(v) as a, max(v) as mx, min(v) as mn, count() as c insert into U;",
      {.playback = true});
  app->EnableQueryStats();
  InputHandle in = app->Input("S");
  std::vector<EventBatch> batches;
  for (int round = 0; round < 20; ++round) {
    batches.push_back(in.NewBatch());
    for (int i = 0; i < 5000; ++i) batches.back().Add(round).SetLong(0, i);
  }
  const auto start = std::chrono::steady_clock::now();
  for (const EventBatch& batch : batches) in.Send(batch);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<QueryStats> stats = app->query_stats();
  const QueryStats& pass = StatsOf(stats, "pass");
  const QueryStats& heavy = StatsOf(stats, "heavy");
  CHECK(pass.chunks == 20);
  CHECK(heavy.chunks == 20);
  CHECK(heavy.seconds > 0);
  // Own times are disjoint intervals of the sends, so they fit in them;
  // inclusive timing would count `heavy`'s time twice (it runs inside `pass`),
  // and `heavy` is most of the work.
  CHECK(pass.seconds + heavy.seconds <= wall);
}

}  // namespace
}  // namespace eddy
