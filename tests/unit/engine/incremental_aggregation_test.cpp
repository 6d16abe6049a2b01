// Incremental aggregation through the public API: buckets by event time (no
// `aggregate by`), a named window as the input, a left outer join's unmatched
// row, `@purge(enable='false')`, and a malformed per value that joins nothing.
#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"
#include "tests/unit/engine/collect.h"

namespace eddy {
namespace {

using testing::Collect;
using testing::Collected;

TEST_CASE("without 'aggregate by' buckets follow the event timestamp; a named window can feed them") {
  auto app = App::Compile(
      "define stream S (k string, v int);\n"
      "define window W (k string, v int) length(1);\n"
      "@purge(enable='false')\n"
      "define aggregation A from W select k, sum(v) as total group by k aggregate every min ... hour;\n"
      "define stream Q (per string);\n"
      "from S insert into W;\n"
      "from Q left outer join A within 0L, 7200000L per Q.per select AGG_TIMESTAMP, k, total insert into O;",
      {.playback = true});
  Collected out;
  Collect(*app, "O", out);
  InputHandle s = app->Input("S");
  s.Send(1'000, {Value::String("a"), Value::Int(1)});
  s.Send(59'999, {Value::String("a"), Value::Int(2)});   // the window expires the first: not subtracted
  s.Send(60'000, {Value::String("b"), Value::Int(4)});
  s.Send(3'600'000, {Value::String("a"), Value::Int(8)});
  InputHandle q = app->Input("Q");
  q.Send(4'000'000, {Value::String("minutes")});
  REQUIRE(out.rows.size() == 3);
  CHECK(out.rows[0] == std::vector<Value>{Value::Long(0), Value::String("a"), Value::Long(3)});
  CHECK(out.rows[1] == std::vector<Value>{Value::Long(60'000), Value::String("b"), Value::Long(4)});
  CHECK(out.rows[2] == std::vector<Value>{Value::Long(3'600'000), Value::String("a"), Value::Long(8)});
  out.rows.clear();
  q.Send(4'000'001, {Value::String("hours")});
  REQUIRE(out.rows.size() == 3);
  CHECK(out.rows[0] == std::vector<Value>{Value::Long(0), Value::String("a"), Value::Long(3)});
  CHECK(out.rows[1] == std::vector<Value>{Value::Long(0), Value::String("b"), Value::Long(4)});
  CHECK(out.rows[2] == std::vector<Value>{Value::Long(3'600'000), Value::String("a"), Value::Long(8)});
  out.rows.clear();
  // Not computed: no rows joined, so the outer row with the aggregation's side null.
  q.Send(4'000'002, {Value::String("days")});
  REQUIRE(out.rows.size() == 1);
  CHECK(out.rows[0][0].is_null());
  CHECK(out.rows[0][1].is_null());
}

}  // namespace
}  // namespace eddy
