#include "runtime/operator/rate_limiter.h"

#include <doctest/doctest.h>

#include <vector>

namespace eddy::runtime {
namespace {

struct Capture final : Processor {
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    std::vector<int> batch;
    for (uint32_t r : rows) batch.push_back(chunk.row(r)[0].i32);
    batches.push_back(batch);
  }
  std::string Describe() const override { return "capture"; }
  std::vector<std::vector<int>> batches;
};

struct Fixture {
  Schema schema{{{"v", Type::kInt}}};
  Scheduler clock;
  Capture capture;
  std::unique_ptr<RateLimiter> limiter;

  void Build(RateLimitSpec::Which which, bool by_time, int64_t value) {
    RateLimitSpec spec;
    spec.which = which;
    spec.by_time = by_time;
    spec.value = value;
    spec.output_schema = &schema;
    limiter = std::make_unique<RateLimiter>(spec, &clock);
    limiter->set_next(&capture);
  }
  void Send(int64_t ts, int v) {
    clock.AdvanceTo(ts);
    EventChunk chunk(&schema);
    chunk.SetSlot(chunk.Append(ts, EventKind::kCurrent), 0, Slot{.i32 = v}, false);
    limiter->Process(chunk, std::span<const uint32_t>(IdentityRows(1), 1));
  }
};

TEST_CASE("output every 3 events emits the buffered rows together") {
  Fixture f;
  f.Build(RateLimitSpec::Which::kAll, false, 3);
  for (int v = 1; v <= 7; ++v) f.Send(v, v);
  REQUIRE(f.capture.batches.size() == 2);
  CHECK(f.capture.batches[0] == std::vector<int>{1, 2, 3});
  CHECK(f.capture.batches[1] == std::vector<int>{4, 5, 6});
}

TEST_CASE("output first every 3 events emits rows 1, 4, 7") {
  Fixture f;
  f.Build(RateLimitSpec::Which::kFirst, false, 3);
  for (int v = 1; v <= 7; ++v) f.Send(v, v);
  REQUIRE(f.capture.batches.size() == 3);
  CHECK(f.capture.batches[1] == std::vector<int>{4});
  CHECK(f.capture.batches[2] == std::vector<int>{7});
}

TEST_CASE("output first every 1 events emits only the first row ever (Siddhi quirk)") {
  Fixture f;
  f.Build(RateLimitSpec::Which::kFirst, false, 1);
  for (int v = 1; v <= 4; ++v) f.Send(v, v);
  REQUIRE(f.capture.batches.size() == 1);
  CHECK(f.capture.batches[0] == std::vector<int>{1});
}

TEST_CASE("output last every 2 events emits every second row") {
  Fixture f;
  f.Build(RateLimitSpec::Which::kLast, false, 2);
  for (int v = 1; v <= 5; ++v) f.Send(v, v);
  REQUIRE(f.capture.batches.size() == 2);
  CHECK(f.capture.batches[0] == std::vector<int>{2});
  CHECK(f.capture.batches[1] == std::vector<int>{4});
}

TEST_CASE("time-based limiters run on the app clock, anchored at the first row") {
  Fixture f;
  f.Build(RateLimitSpec::Which::kAll, true, 1000);
  f.Send(500, 1);   // period ends at 1500
  f.Send(900, 2);
  f.Send(1600, 3);  // fires 1500 first
  REQUIRE(f.capture.batches.size() == 1);
  CHECK(f.capture.batches[0] == std::vector<int>{1, 2});
  f.clock.AdvanceTo(3000);  // 2500 fires with row 3; nothing buffered after
  REQUIRE(f.capture.batches.size() == 2);
  CHECK(f.capture.batches[1] == std::vector<int>{3});
}

TEST_CASE("output last every T emits the period's last row") {
  Fixture f;
  f.Build(RateLimitSpec::Which::kLast, true, 1000);
  f.Send(0, 1);
  f.Send(10, 2);
  f.clock.AdvanceTo(1000);
  REQUIRE(f.capture.batches.size() == 1);
  CHECK(f.capture.batches[0] == std::vector<int>{2});
}

}  // namespace
}  // namespace eddy::runtime
