// Incremental aggregation through the public API: the planner's errors
// (message, line, column) for definitions and for joins with `within ... per`.
#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"
#include "tests/unit/planner/rejection.h"

namespace eddy {
namespace {

constexpr const char* kDefs =
    "define stream S (symbol string, price float, ts long, at string);\n"
    "define stream R (symbol string, per string, from long, to string);\n"
    "define aggregation Agg from S select symbol, sum(price) as total group by symbol aggregate by ts "
    "every sec, min;\n";

using testing::Contains;
using testing::Rejection;

Rejection Reject(const std::string& text) { return testing::Reject(std::string(kDefs) + text); }

TEST_CASE("per must name a granularity the aggregation computes") {
  Rejection r = Reject("from R join Agg within 0L, 1000L per 'hours' select total insert into O;");
  CHECK(Contains(r.message, "aggregation 'Agg' does not compute 'hours'; it computes 'seconds', 'minutes'"));
  CHECK(r.location.line == 4);
  CHECK(r.location.column == 38);
  r = Reject("from R join Agg within 0L, 1000L per 'fortnights' select total insert into O;");
  CHECK(Contains(r.message, "'per' is 'fortnights'; expected 'seconds', 'minutes'"));
  r = Reject("from R join Agg within 0L, 1000L per 5 select total insert into O;");
  CHECK(Contains(r.message, "'per' needs a string"));
  r = Reject("from R join Agg within 0L, 1000L per R.from select total insert into O;");
  CHECK(Contains(r.message, "'per' needs a string, but 'R.from' is long"));
}

TEST_CASE("within: bad dates, bad patterns, an empty range, bad attribute types") {
  Rejection r = Reject("from R join Agg within '2017-06-01', '2017-06-02' per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "'within' bound '2017-06-01' is not a date 'yyyy-MM-dd HH:mm:ss'"));
  CHECK(r.location.column == 24);
  r = Reject("from R join Agg within '2017-06-01 **:05:**' per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "a one-value 'within' needs a string 'yyyy-MM-dd HH:mm:ss' with trailing fields as '**'"));
  r = Reject("from R join Agg within 1000L per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "a one-value 'within' needs a string"));
  r = Reject("from R join Agg within 2000L, 1000L per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "'within' starts at 2000, not before its end 1000"));
  r = Reject("from R join Agg within R.symbol == 'a', 1000L per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "a 'within' bound needs a long (epoch ms) or a date string, but"));
}

TEST_CASE("joining an aggregation needs within and per, on the right, not outer") {
  Rejection r = Reject("from R join Agg select total insert into O;");
  CHECK(Contains(r.message, "joining aggregation 'Agg' needs 'within <start>, <end> per <granularity>'"));
  CHECK(r.location.column == 13);
  r = Reject("from Agg join R within 0L, 1000L per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "as the left side of a join is not supported yet"));
  r = Reject("from R right outer join Agg within 0L, 1000L per 'sec' select total insert into O;");
  CHECK(Contains(r.message, "an aggregation side cannot be outer"));
}

TEST_CASE("definitions: unsupported functions and annotations, names, durations") {
  const std::string s = "define stream S (symbol string, price float, ts long);\n";
  Rejection r =
      testing::Reject(s + "define aggregation A from S select distinctCount(symbol) as n aggregate every sec;");
  CHECK(Contains(r.message, "distinctCount() in an aggregation is not supported yet"));
  CHECK(r.location.line == 2);
  CHECK(r.location.column == 36);
  r = testing::Reject(s + "define aggregation A from S select sum(price) * 2 as n aggregate every sec;");
  CHECK(Contains(r.message, "an aggregate inside an expression of an aggregation's select is not supported yet"));
  r = testing::Reject(s + "define aggregation A from S select price * 2 aggregate every sec;");
  CHECK(Contains(r.message, "needs a name: add 'as <name>'"));
  r = testing::Reject(s + "define aggregation A from S select sum(price) as p, price as p aggregate every sec;");
  CHECK(Contains(r.message, "outputs 'p' twice"));
  r = testing::Reject(s + "@purge(enable='true')\ndefine aggregation A from S select sum(price) as p aggregate every sec;");
  CHECK(Contains(r.message, "@purge on an aggregation is not supported yet"));
  r = testing::Reject(s + "define aggregation A from S select sum(price) as p aggregate every week;");
  CHECK(Contains(r.message, "weeks are not supported"));
  r = testing::Reject(s + "define aggregation A from S select sum(price) as p aggregate by symbol2 every sec;");
  CHECK(Contains(r.message, "symbol2"));
  r = testing::Reject(s + "define aggregation A from S select count(price) as n aggregate every sec;");
  CHECK(Contains(r.message, "count() in an aggregation counts events and takes no argument"));
}

}  // namespace
}  // namespace eddy
