#include "io/replay.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

namespace eddy::io {
namespace {

struct Result {
  std::vector<std::string> output;
  std::vector<std::string> errors;
  ReplayStats stats;
};

Result Run(const std::string& app_text, const std::string& events) {
  auto app = App::Compile(app_text, {.playback = true});
  std::istringstream in(events);
  Result r;
  r.stats = Replay(
      *app, in, "events.jsonl", [&](const OutputEvent& e) { r.output.push_back(e.json); },
      [&](std::string_view error) { r.errors.emplace_back(error); });
  return r;
}

constexpr const char* kApp =
    "define stream S (name string, n int, l long, f float, d double, b bool);\n"
    "from S select * insert into O;";

TEST_CASE("values are converted to the declared types and formatted back") {
  Result r = Run(kApp, R"({"stream":"S","ts":5,"data":["a\"b",1,2.0,55.6,3,true]})");
  REQUIRE(r.output.size() == 1);
  CHECK(r.output[0] == R"({"stream":"O","ts":5,"data":["a\"b",1,2,55.6,3.0,true]})");
  CHECK(r.stats.bad_lines == 0);
}

TEST_CASE("bad lines are reported with their line number and skipped") {
  Result r = Run(kApp,
                 "{\"stream\":\"S\",\"ts\":1,\"data\":[\"ok\",1,1,1,1,true]}\n"
                 "not json\n"
                 "{\"stream\":\"Nope\",\"ts\":2,\"data\":[]}\n"
                 "{\"stream\":\"S\",\"ts\":3,\"data\":[\"short\"]}\n"
                 "{\"stream\":\"S\",\"ts\":4,\"data\":[\"x\",1.5,1,1,1,true]}\n"
                 "{\"stream\":\"S\",\"ts\":5,\"data\":[\"x\",3000000000,1,1,1,true]}\n"
                 "{\"stream\":\"S\",\"data\":[\"x\",1,1,1,1,true]}\n"
                 "{\"stream\":\"S\",\"ts\":8,\"data\":[\"x\",1,1,1,1,\"yes\"]}\n"
                 "{\"stream\":\"S\",\"ts\":9,\"data\":[null,null,null,null,null,null]}\n");
  CHECK(r.stats.bad_lines == 7);
  REQUIRE(r.errors.size() == 7);
  CHECK(r.errors[0].find("events.jsonl:2:") == 0);
  CHECK(r.errors[1].find("unknown input stream 'Nope'") != std::string::npos);
  CHECK(r.errors[2].find("has 6 attributes, the line has 1") != std::string::npos);
  CHECK(r.errors[3].find("whole number") != std::string::npos);
  CHECK(r.errors[4].find("does not fit in int") != std::string::npos);
  CHECK(r.errors[5].find("\"ts\"") != std::string::npos);
  CHECK(r.errors[6].find("true or false") != std::string::npos);
  REQUIRE(r.output.size() == 2);  // the good lines, nothing else lost
  CHECK(r.output[1] == R"({"stream":"O","ts":9,"data":[null,null,null,null,null,null]})");
}

TEST_CASE("clock lines advance time without events") {
  Result r = Run("define stream S (v int);\ndefine trigger T at every 1 sec;", "{\"ts\":0}\n{\"ts\":2500}\n");
  REQUIRE(r.output.size() == 2);
  CHECK(r.output[1] == R"({"stream":"T","ts":2000,"data":[2000]})");
}

}  // namespace
}  // namespace eddy::io
