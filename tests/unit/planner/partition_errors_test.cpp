// Partition checks (LANGUAGE.md §13), through the public API: what is wrong,
// at the right line and column.
#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"
#include "tests/unit/planner/rejection.h"

namespace eddy {
namespace {

using testing::Contains;
using testing::Reject;
using testing::Rejection;

constexpr const char* kStreams =
    "define stream S (symbol string, price double, volume long);\n"
    "define stream T (symbol string, n int);\n";

TEST_CASE("a key on an unknown stream, with a suggestion, at the stream's name") {
  Rejection r = Reject(std::string(kStreams) + "partition with (symbol of Ss) begin from S select symbol insert into O; end;");
  CHECK(Contains(r.message, "partition key stream 'Ss' is not defined (did you mean 'S'?)"));
  CHECK(r.location.line == 3);
  CHECK(r.location.column == 27);
}

TEST_CASE("a key on a table or a window") {
  Rejection r = Reject(std::string(kStreams) + "define table Tab (symbol string);\n" +
                       "partition with (symbol of Tab) begin from S select symbol insert into O; end;");
  CHECK(Contains(r.message, "partition key stream 'Tab' is a table; partitions are keyed on streams"));
  CHECK(r.location.line == 4);
}

TEST_CASE("two keys on one stream") {
  Rejection r = Reject(std::string(kStreams) +
                       "partition with (symbol of S, price of S) begin from S select symbol insert into O; end;");
  CHECK(Contains(r.message, "stream 'S' has two keys in this partition"));
  CHECK(r.location.column == 39);
}

TEST_CASE("key expressions are checked against their stream") {
  Rejection r = Reject(std::string(kStreams) + "partition with (n of S) begin from S select symbol insert into O; end;");
  CHECK(Contains(r.message, "no attribute 'n' in stream 'S'"));
  CHECK(r.location.column == 17);
  Rejection range = Reject(std::string(kStreams) +
                           "partition with (price as 'x' of S) begin from S select symbol insert into O; end;");
  CHECK(Contains(range.message, "range partition condition must be bool"));
}

TEST_CASE("inner streams: only inside a partition, and only after a query inserts into them") {
  Rejection outside = Reject(std::string(kStreams) + "from S select symbol insert into #Inner;");
  CHECK(Contains(outside.message, "inner stream '#Inner' exists only inside a partition"));
  CHECK(outside.location.column == 34);
  Rejection read_outside = Reject(std::string(kStreams) + "from #Inner select symbol insert into O;");
  CHECK(Contains(read_outside.message, "exists only inside a partition"));
  Rejection before = Reject(std::string(kStreams) +
                            "partition with (symbol of S) begin\n"
                            "  from #Avg select symbol insert into O;\n"
                            "  from S select symbol insert into #Avg;\nend;");
  CHECK(Contains(before.message, "inner stream '#Avg' is not defined: no query before this one in the partition "
                                 "inserts into it"));
  CHECK(before.location.line == 4);
  CHECK(before.location.column == 8);
  Rejection other_partition = Reject(std::string(kStreams) +
                                     "partition with (symbol of S) begin from S select symbol insert into #I; end;\n"
                                     "partition with (symbol of T) begin from #I select symbol insert into O; end;");
  CHECK(Contains(other_partition.message, "inner stream '#I' is not defined"));
}

TEST_CASE("an inner stream keeps one schema") {
  Rejection r = Reject(std::string(kStreams) +
                       "partition with (symbol of S) begin\n"
                       "  from S select symbol insert into #I;\n"
                       "  from S select symbol, price insert into #I;\nend;");
  CHECK(Contains(r.message, "inner stream '#I' is (symbol string)"));
  CHECK(r.location.line == 5);
}

TEST_CASE("definitions inside a partition, and a partition without queries") {
  Rejection def = Reject(std::string(kStreams) +
                         "partition with (symbol of S) begin\n"
                         "  define table Prices (symbol string, price double);\n"
                         "  from S select symbol insert into O;\nend;");
  CHECK(Contains(def.message, "table 'Prices' cannot be defined inside a partition; define it before"));
  CHECK(def.location.line == 4);
  CHECK(def.location.column == 3);
  Rejection window = Reject(std::string(kStreams) +
                            "partition with (symbol of S) begin define window W (symbol string) length(5); end;");
  CHECK(Contains(window.message, "window 'W' cannot be defined inside a partition"));
  Rejection stream = Reject(std::string(kStreams) +
                            "partition with (symbol of S) begin from S select symbol insert into O; "
                            "define stream X (a int); end;");
  CHECK(Contains(stream.message, "stream 'X' cannot be defined inside a partition"));
  Rejection empty = Reject(std::string(kStreams) + "partition with (symbol of S) begin end;");
  CHECK(Contains(empty.message, "a partition needs at least one query between 'begin' and 'end'"));
  CHECK(empty.location.column == 36);
}

TEST_CASE("@purge options") {
  const std::string body = "partition with (symbol of S) begin from S select symbol insert into O; end;";
  Rejection missing = Reject(std::string(kStreams) + "@purge(enable='true', interval='1 sec')\n" + body);
  CHECK(Contains(missing.message, "needs interval='<time>' (how often to check) and idle.period='<time>'"));
  CHECK(missing.location.line == 3);
  Rejection bad_time = Reject(std::string(kStreams) +
                              "@purge(enable='true', interval='soon', idle.period='1 min')\n" + body);
  CHECK(Contains(bad_time.message, "the purge interval must be a positive time such as '10 sec'"));
  CHECK(bad_time.location.column == 23);
  Rejection unit_less = Reject(std::string(kStreams) +
                               "@purge(enable='true', interval='1 sec', idle.period='100')\n" + body);
  CHECK(Contains(unit_less.message, "the purge idle.period must be a positive time"));
  Rejection option = Reject(std::string(kStreams) + "@purge(enable='true', every='1 sec')\n" + body);
  CHECK(Contains(option.message, "unknown @purge option 'every'"));
  Rejection enable = Reject(std::string(kStreams) + "@purge(enable='yes')\n" + body);
  CHECK(Contains(enable.message, "@purge needs enable='true' or enable='false'"));
  Rejection other = Reject(std::string(kStreams) + "@parallel\n" + body);
  CHECK(Contains(other.message, "unknown annotation '@parallel' on a partition"));
  // A disabled purge needs nothing else.
  CHECK_NOTHROW(App::Compile(std::string(kStreams) + "@purge(enable='false')\n" + body));
}

TEST_CASE("a key on a stream the partition does not read is accepted, as in Siddhi") {
  CHECK_NOTHROW(App::Compile(std::string(kStreams) +
                             "partition with (symbol of S, symbol of T) begin from S select symbol insert into O; end;"));
}

TEST_CASE("errors in a partition's queries point into the partition") {
  Rejection r = Reject(std::string(kStreams) +
                       "partition with (symbol of S) begin\n"
                       "  from S[pric > 1] select symbol insert into O;\nend;");
  CHECK(Contains(r.message, "no attribute 'pric'"));
  CHECK(r.location.line == 4);
  CHECK(r.location.column == 10);
}

}  // namespace
}  // namespace eddy
