#include "eddy/eddy.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

struct Seen {
  std::vector<std::string> rows;
};

// Each row as "ts:symbol:price:count".
void Collect(void* user, const eddy_events* events) {
  auto* seen = static_cast<Seen*>(user);
  for (uint32_t r = 0; r < eddy_events_size(events); ++r) {
    size_t length = 0;
    const char* symbol = eddy_events_string(events, r, 0, &length);
    std::string row = std::to_string(eddy_events_timestamp(events, r)) + ":" + std::string(symbol, length) + ":";
    row += eddy_events_is_null(events, r, 1) ? "null" : std::to_string(eddy_events_double(events, r, 1));
    row += ":" + std::to_string(eddy_events_long(events, r, 2));
    seen->rows.push_back(row);
  }
}

constexpr const char* kApp =
    "define stream S (symbol string, price double, qty int, ok bool, weight float, id long);\n"
    "from S[ok]#window.length(2) select symbol, avg(price) as ap, count() as n insert into O;\n";

}  // namespace

TEST_CASE("C API: compile, subscribe, build and send batches, read the callback's events") {
  char error[512] = "";
  eddy_app* app = eddy_compile(kApp, "c.siddhiql", 1, error, sizeof error);
  REQUIRE_MESSAGE(app != nullptr, error);
  Seen seen;
  REQUIRE(eddy_subscribe(app, "O", Collect, &seen, error, sizeof error) == 0);
  eddy_batch* in = eddy_batch_new(app, "S", error, sizeof error);
  REQUIRE(in != nullptr);
  CHECK(eddy_batch_arity(in) == 6);
  CHECK(eddy_batch_type(in, 0) == EDDY_STRING);
  CHECK(eddy_batch_type(in, 4) == EDDY_FLOAT);
  CHECK(eddy_batch_type(in, 6) == EDDY_NO_TYPE);

  CHECK(eddy_batch_set_int(in, 2, 1) != 0);  // no event yet
  const double prices[] = {10, 20, 40};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(eddy_batch_add(in, 1000 + i) == 0);
    CHECK(eddy_batch_set_string(in, 0, "IBM", 3) == 0);
    CHECK(eddy_batch_set_double(in, 1, prices[i]) == 0);
    CHECK(eddy_batch_set_int(in, 2, i) == 0);
    CHECK(eddy_batch_set_bool(in, 3, 1) == 0);
    CHECK(eddy_batch_set_float(in, 4, 0.5f) == 0);
    CHECK(eddy_batch_set_long(in, 5, i) == 0);
    REQUIRE(eddy_batch_send(in, error, sizeof error) == 0);  // one chunk per event
  }
  CHECK(eddy_batch_size(in) == 0);  // sent batches are cleared
  CHECK(seen.rows == std::vector<std::string>{"1000:IBM:10.000000:1", "1001:IBM:15.000000:2",
                                              "1002:IBM:30.000000:2"});

  // Misuse is refused without setting anything: wrong type, index out of range.
  REQUIRE(eddy_batch_add(in, 1003) == 0);
  CHECK(eddy_batch_set_long(in, 1, 5) != 0);
  CHECK(eddy_batch_set_double(in, 9, 1.0) != 0);
  CHECK(eddy_batch_set_string(in, 1, "x", 1) != 0);
  CHECK(eddy_batch_set_null(in, 9) != 0);
  CHECK(eddy_batch_set_null(in, 1) == 0);
  eddy_batch_set_bool(in, 3, 0);  // filtered out
  REQUIRE(eddy_batch_send(in, error, sizeof error) == 0);
  CHECK(seen.rows.size() == 3);

  CHECK(eddy_advance_time(app, 5000, error, sizeof error) == 0);
  CHECK(eddy_now(app) == 5000);
  eddy_batch_free(in);
  eddy_free(app);
}

TEST_CASE("C API: errors come back as messages, never as exceptions") {
  char error[512] = "";
  CHECK(eddy_compile("define stream S (a int);\nfrom S select b insert into O;", "bad.siddhiql", 0, error,
                     sizeof error) == nullptr);
  CHECK(std::string(error).find("bad.siddhiql:2:") == 0);

  eddy_app* app = eddy_compile(kApp, nullptr, 1, error, sizeof error);
  REQUIRE(app != nullptr);
  CHECK(eddy_batch_new(app, "Nope", error, sizeof error) == nullptr);
  CHECK(std::string(error).find("Nope") != std::string::npos);
  // A message longer than the buffer is truncated and still terminated.
  char small[8];
  CHECK(eddy_batch_new(app, "Nope", small, sizeof small) == nullptr);
  CHECK(std::string(small).size() == 7);
  CHECK(std::string(eddy_version()) == "0.1.0");
  eddy_free(app);
}
