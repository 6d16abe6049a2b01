// Malformed patterns are rejected with a message that says what is wrong, at
// the LINE:COL of the offending text.
#include <string>

#include "tests/unit/planner/rejection.h"

namespace eddy {
namespace {

constexpr const char* kStreams =
    "define stream A (sym string, x int);\n"
    "define stream B (sym string, x int);\n";

using testing::Contains;
using testing::Rejection;

// The query goes on line 3.
Rejection Reject(const std::string& query) { return testing::Reject(std::string(kStreams) + query); }

TEST_CASE("a reference to an undefined state") {
  const Rejection r = Reject("from e1=A -> e2=B[x > e3.x] select e1.x insert into O;");
  CHECK(Contains(r.message, "unknown event reference or stream 'e3' in 'e3.x'"));
  CHECK(Contains(r.message, "event references 'e1', 'e2'"));
  CHECK(r.location.line == 3);
  CHECK(r.location.column == 23);
}

TEST_CASE("an index on a state that does not count") {
  const Rejection r = Reject("from e1=A -> e2=B select e1[0].x insert into O;");
  CHECK(Contains(r.message, "'e1[0].x': e1 is not a counting state"));
  CHECK(r.location.line == 3);
  CHECK(r.location.column == 26);
}

TEST_CASE("a counting state read without an index") {
  const Rejection r = Reject("from e1=A<2:3> -> e2=B[x > e1.x] select e2.x insert into O;");
  CHECK(Contains(r.message, "e1 collects several events; pick one, e.g. 'e1[0].x' or 'e1[last].x'"));
  CHECK(r.location.column == 28);
}

TEST_CASE("an attribute the state's stream does not have") {
  const Rejection r = Reject("from e1=A -> e2=B[y > e1.x] select e1.x insert into O;");
  CHECK(Contains(r.message, "no attribute 'y' in stream 'B' (e2)"));
  CHECK(r.location.column == 19);
  CHECK(Contains(Reject("from e1=A -> e2=B select e1.sim insert into O;").message, "did you mean 'sym'?"));
}

TEST_CASE("a plain name that several states have") {
  const Rejection r = Reject("from e1=A -> e2=A select x insert into O;");
  CHECK(Contains(r.message, "attribute 'x' is ambiguous"));
  CHECK(Contains(r.message, "'e1.x' or 'e2.x'"));
  CHECK(r.location.column == 26);
}

TEST_CASE("conditions must be bool") {
  const Rejection r = Reject("from e1=A[x] -> e2=B select e1.x insert into O;");
  CHECK(Contains(r.message, "must be bool, but 'x' is int"));
  CHECK(r.location.column == 11);
}

TEST_CASE("an absence without 'for' must be combined with a state by 'and'") {
  Rejection r = Reject("from e1=A -> not B[x > 1] select e1.x insert into O;");
  CHECK(Contains(r.message, "'not B' needs 'for <time>'"));
  CHECK(r.location.column == 14);
  r = Reject("from not A or e1=B select e1.x insert into O;");
  CHECK(Contains(r.message, "'not A' without 'for <time>' can only be combined with 'and'"));
  CHECK(r.location.column == 6);
}

TEST_CASE("'every' inside 'not' does not parse") {
  const Rejection r = Reject("from not every A for 1 sec select * insert into O;");
  CHECK(Contains(r.message, "unexpected 'A'"));
  CHECK(r.location.line == 3);
  CHECK(r.location.column == 16);
}

TEST_CASE("'within' on a part of the pattern as well as on the whole") {
  const Rejection r = Reject("from (e1=A -> e2=B) within 1 sec -> e3=A within 2 sec select e1.x insert into O;");
  CHECK(Contains(r.message, "'within' on a part of a pattern is not supported yet"));
  CHECK(r.location.column == 7);
}

TEST_CASE("select * needs distinct names and no counting state") {
  Rejection r = Reject("from e1=A -> e2=B select * insert into O;");
  CHECK(Contains(r.message, "'select *' would output 'sym' twice"));
  r = Reject("define stream C (y int);\nfrom e1=A<2> -> e2=C select * insert into O;");
  CHECK(Contains(r.message, "'select *' with a counting state (e1) is not supported yet"));
}

TEST_CASE("tables and windows are not pattern states") {
  Rejection r = Reject("define table T (sym string);\nfrom e1=T -> e2=B select e2.x insert into O;");
  CHECK(Contains(r.message, "table 'T' cannot be used in a pattern or sequence"));
  CHECK(r.location.line == 4);
  CHECK(r.location.column == 9);
}

TEST_CASE("the cap must be a positive number") {
  const Rejection r = Reject("@info(name='q', max.partial.matches='lots')\nfrom e1=A -> e2=B select e1.x insert into O;");
  CHECK(Contains(r.message, "max.partial.matches must be a positive whole number, got 'lots'"));
  CHECK(r.location.line == 3);
}

}  // namespace
}  // namespace eddy
