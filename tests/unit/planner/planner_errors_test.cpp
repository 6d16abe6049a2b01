// Planner checks, through the public API: each app must be rejected with a
// message that says what is wrong, at the right line and column.
#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"
#include "tests/unit/planner/rejection.h"

namespace eddy {
namespace {

using testing::Contains;
using testing::Reject;
using testing::Rejection;

constexpr const char* kStock = "define stream StockStream (symbol string, price double, volume long);\n";

TEST_CASE("unknown attribute, with a suggestion and the column of the name") {
  Rejection r = Reject(std::string(kStock) + "from StockStream[pric > 5] select symbol insert into O;");
  CHECK(Contains(r.message, "no attribute 'pric' in stream 'StockStream'"));
  CHECK(Contains(r.message, "did you mean 'price'?"));
  CHECK(r.location.line == 2);
  CHECK(r.location.column == 18);
}

TEST_CASE("unknown stream, with a suggestion") {
  Rejection r = Reject(std::string(kStock) + "from StokStream select symbol insert into O;");
  CHECK(Contains(r.message, "stream 'StokStream' is not defined"));
  CHECK(Contains(r.message, "did you mean 'StockStream'?"));
}

TEST_CASE("unknown qualifier") {
  Rejection r = Reject(std::string(kStock) + "from StockStream[150 > a.volume] select symbol insert into O;");
  CHECK(Contains(r.message, "unknown stream or alias 'a'"));
}

TEST_CASE("duplicate definitions share one namespace") {
  Rejection r = Reject("define stream T (a int);\ndefine table T (a int);");
  CHECK(Contains(r.message, "'T' is already defined as a stream at 1:"));
  CHECK(r.location.line == 2);
}

TEST_CASE("duplicate attribute in a definition") {
  Rejection r = Reject("define stream S (a int, a long);");
  CHECK(Contains(r.message, "attribute 'a' is defined twice"));
}

TEST_CASE("insert into an existing stream needs the identical schema") {
  Rejection r = Reject(std::string(kStock) +
                       "define stream O (symbol string, price float);\n"
                       "from StockStream select symbol, price insert into O;");
  CHECK(Contains(r.message, "outputs (symbol string, price double) but stream 'O' is (symbol string, price float)"));
  CHECK(r.location.line == 3);
}

TEST_CASE("expressions in select need a name") {
  Rejection r = Reject(std::string(kStock) + "from StockStream select price * 2 insert into O;");
  CHECK(Contains(r.message, "needs a name"));
}

TEST_CASE("duplicate output names") {
  Rejection r = Reject(std::string(kStock) + "from StockStream select symbol, price as symbol insert into O;");
  CHECK(Contains(r.message, "outputs 'symbol' twice"));
}

TEST_CASE("negative limit") {
  Rejection r = Reject(std::string(kStock) + "from StockStream select symbol limit -1 insert into O;");
  CHECK(Contains(r.message, "limit must not be negative"));
}

TEST_CASE("a table is not a query's only input") {
  Rejection r = Reject("define table T (a int);\nfrom T select a insert into O;");
  CHECK(Contains(r.message, "table 'T' cannot be a query's only input"));
}

TEST_CASE("inner streams exist only in partitions") {
  Rejection r = Reject(std::string(kStock) + "from StockStream select symbol insert into #Inner;");
  CHECK(Contains(r.message, "only inside a partition"));
}

TEST_CASE("fault streams need @OnError(action='STREAM')") {
  Rejection r = Reject(std::string(kStock) + "from !StockStream select symbol insert into O;");
  CHECK(Contains(r.message, "@OnError(action='STREAM')"));
}

TEST_CASE("ambiguous attributes in a join") {
  Rejection r = Reject(
      "define stream A (symbol string, price double);\n"
      "define stream B (symbol string, user string);\n"
      "from A#window.length(1) join B#window.length(1) on symbol == 'x' select A.price insert into O;");
  CHECK(Contains(r.message, "'symbol' is ambiguous"));
}

TEST_CASE("features not built yet are named") {
  CHECK(Contains(Reject(std::string(kStock) + "partition with (symbol of StockStream) begin "
                                              "from StockStream select symbol insert into O; end;")
                     .message,
                 "partitions are not supported yet"));
  CHECK(Contains(Reject(std::string(kStock) +
                        "from every e1=StockStream#log() -> e2=StockStream select e1.symbol insert into O;")
                     .message,
                 "stream functions in pattern states are not supported yet"));
}

TEST_CASE("a trigger clashing with a stream of another schema") {
  Rejection r = Reject(std::string(kStock) + "define trigger StockStream at 'start';");
  CHECK(Contains(r.message, "trigger 'StockStream' clashes with stream 'StockStream'"));
}

TEST_CASE("table annotations name real attributes") {
  CHECK(Contains(Reject("@Index('foo') define table T (a int);").message, "does not have"));
  CHECK(Contains(Reject("@Index('') define table T (a int);").message, "names no attribute"));
  CHECK(Contains(Reject("@PrimaryKey('a') @PrimaryKey('b') define table T (a int, b int);").message,
                 "more than one @PrimaryKey"));
}

TEST_CASE("valid apps compile, and inferred streams take the select's schema") {
  auto app = App::Compile(std::string(kStock) +
                          "from StockStream[price > 10] select symbol, price * 2 as doubled insert into O;\n"
                          "from O select doubled insert into P;");
  bool found = false;
  for (const StreamInfo& s : app->streams()) {
    if (s.name != "O") continue;
    found = true;
    REQUIRE(s.attributes.size() == 2);
    CHECK(s.attributes[1].name == "doubled");
    CHECK(s.attributes[1].type == Type::kDouble);
    CHECK(s.is_output);
    CHECK_FALSE(s.is_input);
  }
  CHECK(found);
}

}  // namespace
}  // namespace eddy

namespace eddy {
namespace {

TEST_CASE("window parameters are checked at plan time") {
  const std::string s = "define stream S (a int, t long, name string);\n";
  auto message = [&](const std::string& query) {
    try {
      App::Compile(s + query);
    } catch (const CompileError& e) {
      return e.message();
    }
    return std::string();
  };
  CHECK(message("from S#window.length(-1) select a insert into O;").find("must not be negative") != std::string::npos);
  CHECK(message("from S#window.length(a) select a insert into O;").find("must be an int constant") != std::string::npos);
  CHECK(message("from S#window.time('1 sec') select a insert into O;").find("time constant") != std::string::npos);
  CHECK(message("from S#window.lenght(2) select a insert into O;").find("did you mean 'length'") != std::string::npos);
  CHECK(message("from S#window.unique:time(a, 1 sec) select a insert into O;").find("extension") != std::string::npos);
  CHECK(message("from S#window.session(1 sec, a) select a insert into O;").find("string attribute") != std::string::npos);
  CHECK(message("from S#length(2) select a insert into O;").find("#window.length") != std::string::npos);
}

}  // namespace
}  // namespace eddy
