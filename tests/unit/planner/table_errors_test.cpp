// The planner's errors for what reads and writes tables (message, line, column).
#include <doctest/doctest.h>

#include <string>

#include "tests/unit/planner/rejection.h"

namespace eddy {
namespace {

using testing::Contains;
using testing::Reject;
using testing::Rejection;

constexpr const char* kDefs =
    "define stream S (k string, v int);\n"
    "define table T (k string, v int);\n"
    "define window W (k string, v int) length(2);\n";

Rejection RejectQuery(const std::string& query) { return Reject(std::string(kDefs) + query); }

TEST_CASE("a table is read through a join or 'in', never as the only input") {
  Rejection r = RejectQuery("from T select k insert into O;");
  CHECK(Contains(r.message, "table 'T' cannot be a query's only input"));
  CHECK(r.location.line == 4);
  CHECK(r.location.column == 6);
}

TEST_CASE("'in' needs a table and, for now, a stream filter") {
  Rejection r = RejectQuery("from S[k == T.k in W] select k insert into O;");
  CHECK(Contains(r.message, "'W' is not a defined table (it is a window)"));
  CHECK(r.location.column == 8);
  r = RejectQuery("from S select k, k in T as x insert into O;");
  CHECK(Contains(r.message, "'in T' here is not supported yet"));
  CHECK(r.location.column == 18);
  r = RejectQuery("from S[(v > T.vv) in T] select k insert into O;");
  CHECK(Contains(r.message, "no attribute 'vv' in table 'T' (did you mean 'v'?)"));
}

TEST_CASE("on and set: table columns are T.col, plain names the output's") {
  Rejection r = RejectQuery("from S delete T on k == U.k;");
  CHECK(Contains(r.message, "here a plain name is an attribute of the query's output"));
  CHECK(r.location.column == 25);
  r = RejectQuery("from S select k delete T on T.k == v;");
  CHECK(Contains(r.message, "no attribute 'v' in the query's output (k string)"));
  r = RejectQuery("from S delete U on U.k == k;");
  CHECK(Contains(r.message, "'U' is not a defined table"));
  CHECK(r.location.column == 15);
}

TEST_CASE("update: set types match the columns; without set every output attribute needs its column") {
  Rejection r = RejectQuery("from S update T set T.v = k on T.k == k;");
  CHECK(Contains(r.message, "'k' is string but column 'T.v' is int; use convert()"));
  CHECK(r.location.column == 27);
  r = RejectQuery("from S select k, v as w update T on T.k == k;");
  CHECK(Contains(r.message, "table 'T' has no 'w'"));
  r = RejectQuery("from S update T set T.x = v on T.k == k;");
  CHECK(Contains(r.message, "no attribute 'x' in table 'T'"));
}

TEST_CASE("update or insert inserts the output row: its schema is the table's") {
  Rejection r = RejectQuery("from S select k update or insert into T on T.k == k;");
  CHECK(Contains(r.message, "inserts the query's output (k string) as a row, but table 'T' is (k string, v int)"));
  CHECK(r.location.column == 39);
}

TEST_CASE("insert into a table checks the schema like a stream") {
  Rejection r = RejectQuery("from S select k insert into T;");
  CHECK(Contains(r.message, "the query outputs (k string) but table 'T' is (k string, v int)"));
}

}  // namespace
}  // namespace eddy
