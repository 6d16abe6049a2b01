// The automaton the planner compiles for each pattern construct, read from the
// operator plan (`eddy explain`): states in position order, their kinds and
// transitions, which conditions are local, correlated or an index.
#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"

namespace eddy {
namespace {

constexpr const char* kStreams =
    "define stream A (sym string, x int, v long);\n"
    "define stream B (sym string, x int, v long);\n"
    "define stream C (sym string, x int, v long);\n";

std::string Plan(const std::string& query) {
  return App::Compile(std::string(kStreams) + query + " insert into O;")->Explain();
}

bool Has(const std::string& plan, const std::string& line) {
  if (plan.find(line) != std::string::npos) return true;
  MESSAGE("plan:\n" << plan);
  return false;
}

TEST_CASE("followed-by: a chain of states, the first one starts, the last one completes") {
  const std::string plan = Plan("from e1=A -> e2=B -> e3=C select e1.x, e3.x as x3");
  CHECK(Has(plan, "0: stream e1=A start next=1\n"));
  CHECK(Has(plan, "1: stream e2=B next=2\n"));
  CHECK(Has(plan, "2: stream e3=C last\n"));
}

TEST_CASE("every on a state and on a group; within re-arms the enclosing group") {
  std::string plan = Plan("from every e1=A -> e2=B within 1 sec select e1.x");
  CHECK(Has(plan, "Pattern within 1000 ms"));
  CHECK(Has(plan, "0: stream e1=A start next=1 every=0 within-every=0\n"));
  CHECK(Has(plan, "1: stream e2=B last\n"));

  plan = Plan("from every (e1=A -> e2=B) -> e3=C select e1.x");
  CHECK(Has(plan, "0: stream e1=A start next=1 within-every=0\n"));
  CHECK(Has(plan, "1: stream e2=B next=2 every=0 within-every=0\n"));
  CHECK(Has(plan, "2: stream e3=C last\n"));

  plan = Plan("from e1=A -> every e2=B select e1.x");
  CHECK(Has(plan, "1: stream e2=B last every=1 within-every=1\n"));

  // An enclosing every takes over the group's last state and its members.
  plan = Plan("from every (e1=A -> every e2=B) select e1.x");
  CHECK(Has(plan, "0: stream e1=A start next=1 within-every=0\n"));
  CHECK(Has(plan, "1: stream e2=B last every=0 within-every=0\n"));
}

TEST_CASE("counting states: exact, open and bounded ranges") {
  std::string plan = Plan("from e1=A<2:5> -> e2=B select e1[0].x");
  CHECK(Has(plan, "0: count e1=A <2:5> start next=1\n"));
  plan = Plan("from e1=A<2:> -> e2=B<:3> -> e3=C<4> select e1[0].x");
  CHECK(Has(plan, "0: count e1=A <2:> start next=1\n"));
  CHECK(Has(plan, "1: count e2=B <0:3> next=2\n"));
  CHECK(Has(plan, "2: count e3=C <4:4> last\n"));
}

TEST_CASE("logical states: both operands wait for the same match; the second operand comes first") {
  std::string plan = Plan("from e1=A and e2=B -> e3=C select e1.x");
  CHECK(Has(plan, "0: logical e2=B and with 1 start next=2\n"));
  CHECK(Has(plan, "1: logical e1=A and with 0 start next=2\n"));
  CHECK(Has(plan, "2: stream e3=C last\n"));
  plan = Plan("from e1=A -> e2=B or e3=C select e1.x");
  CHECK(Has(plan, "1: logical e3=C or with 2 last\n"));
  CHECK(Has(plan, "2: logical e2=B or with 1 last\n"));
}

TEST_CASE("absences: on their own, and combined with a state") {
  std::string plan = Plan("from e1=A -> not B[x > 1] for 1 sec select e1.x");
  CHECK(Has(plan, "1: absent not B[(x > 1)] for 1000 ms last local\n"));
  // `for` absence first, whichever way round it is written.
  plan = Plan("from e1=A -> e2=B and not C for 2 sec select e1.x");
  CHECK(Has(plan, "2: logical-absent not C and with 1 for 2000 ms last\n"));
  CHECK(Has(plan, "1: logical e2=B and with 2 last\n"));
  plan = Plan("from every not A for 1 sec -> e1=B select e1.x");
  CHECK(Has(plan, "0: absent not A for 1000 ms start next=1 every=0 within-every=0\n"));
  plan = Plan("from e1=A -> not B and e2=C select e1.x");
  CHECK(Has(plan, "1: logical e2=C and with 2 last\n"));
  CHECK(Has(plan, "2: logical-absent not B and with 1 last\n"));
}

TEST_CASE("sequences: quantifiers, every on the first state, the leading-zero callback") {
  std::string plan = Plan("from every e1=A, e2=B+, e3=C? select e1.x");
  CHECK(Has(plan, "Sequence"));
  CHECK(Has(plan, "0: stream e1=A start next=1 every=0 within-every=0\n"));
  CHECK(Has(plan, "1: count e2=B <1:> next=2\n"));
  CHECK(Has(plan, "2: count e3=C <0:1> last\n"));
  plan = Plan("from e1=A*, e2=B select e1[0].x");
  CHECK(Has(plan, "0: count e1=A <0:> start next=1\n"));
  CHECK(Has(plan, "1: stream e2=B last callback=0\n"));
}

TEST_CASE("conditions: local on the event, correlated with earlier states, equality as an index") {
  std::string plan = Plan("from every e1=A[x > 90] -> e2=A[sym == e1.sym and x < e1.x] select e1.x");
  CHECK(Has(plan, "0: stream e1=A[(x > 90)] start next=1 every=0 within-every=0 local\n"));
  CHECK(Has(plan, "index=sym==0.sym compare=x<0.x\n"));
  // Either way round, next to a local condition.
  plan = Plan("from e1=A -> e2=B[x > 1 and e1.v == v] select e1.x");
  CHECK(Has(plan, "1: stream e2=B[((x > 1) and (e1.v == v))] last index=v==0.v local\n"));
}

TEST_CASE("equalities that cannot be an index stay conditions") {
  // Different types (int against long): compared on the stored event.
  CHECK(Has(Plan("from e1=A -> e2=B[x == e1.v] select e1.x"), "1: stream e2=B[(x == e1.v)] last compare=x==0.v\n"));
  // A later state's value is not known yet.
  CHECK(Has(Plan("from e1=A -> e2=B[sym == e3.sym] -> e3=C select e1.x"), "next=2 compare=sym==2.sym\n"));
  // A counting state's events change while the match waits.
  CHECK(Has(Plan("from e1=A<1:3> -> e2=B[sym == e1[0].sym] select e1[0].x"), "1: stream e2=B[(sym == e1[0].sym)] last correlated(1)\n"));
  // Sequences keep a handful of matches: no index.
  CHECK(Has(Plan("from e1=A, e2=B[sym == e1.sym] select e1.x"), "1: stream e2=B[(sym == e1.sym)] last compare=sym==0.sym\n"));
}

TEST_CASE("comparisons with an earlier event's attribute are read on the stored event; the rest use a frame") {
  // Either way round: read from the arriving event's side.
  CHECK(Has(Plan("from e1=A -> e2=B[e1.v > v and x != e1.x] select e1.x"), "last compare=v<0.v compare=x!=0.x\n"));
  // Anything computed, or a timestamp, goes through the frame; both kinds can meet.
  CHECK(Has(Plan("from e1=A -> e2=B[x + 1 < e1.x] select e1.x"), "last correlated(1)\n"));
  CHECK(Has(Plan("from e1=A -> e2=B[v < e1.v and eventTimestamp(e1) < v] select e1.x"),
            "last compare=v<0.v correlated(1)\n"));
  // Two earlier events compared with each other are no comparison with the event.
  CHECK(Has(Plan("from e1=A -> e2=B -> e3=C[e1.x < e2.x] select e1.x"), "last correlated(2)\n"));
}

TEST_CASE("a select of plain projections takes the matcher's rows as they are") {
  CHECK(Has(Plan("from e1=A -> e2=B select e1.sym, e2.x as x2"), "Select e1.sym, e2.x as x2 (rows passed through)"));
  CHECK(Has(Plan("from e1=A -> e2=B select e2.x, e1.sym"), "(rows passed through)"));
  // Anything computed, repeated, filtered, ordered, limited or aggregated goes through the selector.
  for (const char* select : {"select e1.x + 1 as y", "select e1.x, e1.x as y",
                             "select e1.x having e1.x > 2", "select e1.x limit 1", "select e1.x order by x",
                             "select count() as n", "select e1.x output last every 2 events"}) {
    const std::string plan = Plan(std::string("from e1=A -> e2=B ") + select);
    CHECK_MESSAGE(plan.find("passed through") == std::string::npos, select << "\n" << plan);
  }
}

TEST_CASE("the cap on partial matches: default, compile option, per query") {
  CHECK(Has(Plan("from e1=A -> e2=B select e1.x"), "(at most 1000000 partial matches)"));
  auto app = App::Compile(std::string(kStreams) + "from e1=A -> e2=B select e1.x insert into O;",
                          {.max_partial_matches = 500});
  CHECK(Has(app->Explain(), "(at most 500 partial matches)"));
  CHECK(Has(Plan("@info(name='q', max.partial.matches='20') from e1=A -> e2=B select e1.x"),
            "(at most 20 partial matches)"));
}

}  // namespace
}  // namespace eddy
