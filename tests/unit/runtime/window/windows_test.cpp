// Window edge cases, driven directly: kinds, order and timestamps of what each
// window emits.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/window/window.h"

namespace eddy::runtime {
namespace {

struct Out {
  char kind;  // C, E, R
  int v;
  int64_t ts;
  bool operator==(const Out&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Out& o) { return os << o.kind << o.v << "@" << o.ts; }

struct Capture final : Processor {
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    std::vector<Out> batch;
    for (uint32_t r : rows) {
      const EventKind k = chunk.kind(r);
      const char kind = k == EventKind::kCurrent ? 'C' : k == EventKind::kExpired ? 'E' : 'R';
      batch.push_back({kind, k == EventKind::kReset ? 0 : chunk.row(r)[0].i32, chunk.timestamp(r)});
    }
    chunks.push_back(batch);
  }
  std::string Describe() const override { return "capture"; }
  std::vector<std::vector<Out>> chunks;
};

struct Fixture {
  Schema schema{{{"v", Type::kInt}}};
  Scheduler clock;
  Capture capture;
  std::unique_ptr<Window> window;

  explicit Fixture(WindowConfig config) {
    window = MakeWindow(config, &schema, &clock);
    window->set_next(&capture);
  }
  void Send(int64_t ts, int v) {
    clock.AdvanceTo(ts);
    EventChunk chunk(&schema);
    chunk.SetSlot(chunk.Append(ts, EventKind::kCurrent), 0, Slot{.i32 = v}, false);
    window->Process(chunk, std::span<const uint32_t>(IdentityRows(1), 1));
  }
  std::vector<Out> All() const {
    std::vector<Out> all;
    for (const auto& c : capture.chunks) all.insert(all.end(), c.begin(), c.end());
    return all;
  }
};

WindowConfig Config(WindowConfig::Kind kind, int64_t length, int64_t time_ms = 0) {
  WindowConfig c;
  c.kind = kind;
  c.length = length;
  c.time_ms = time_ms;
  return c;
}

TEST_CASE("length(2): the oldest expires before the arrival, in one chunk") {
  Fixture f(Config(WindowConfig::Kind::kLength, 2));
  f.Send(1, 1);
  f.Send(2, 2);
  f.Send(3, 3);
  REQUIRE(f.capture.chunks.size() == 3);
  CHECK(f.capture.chunks[2] == std::vector<Out>{{'E', 1, 3}, {'C', 3, 3}});
}

TEST_CASE("length(0) and length(1)") {
  Fixture zero(Config(WindowConfig::Kind::kLength, 0));
  zero.Send(5, 7);
  CHECK(zero.capture.chunks[0] == std::vector<Out>{{'C', 7, 5}, {'E', 7, 5}, {'R', 0, 5}});
  Fixture one(Config(WindowConfig::Kind::kLength, 1));
  one.Send(1, 1);
  one.Send(2, 2);
  CHECK(one.capture.chunks[1] == std::vector<Out>{{'E', 1, 2}, {'C', 2, 2}});
}

TEST_CASE("time(1000): expiry at ts + T exactly, stamped with its due time, across clock jumps") {
  Fixture f(Config(WindowConfig::Kind::kTime, 0, 1000));
  f.Send(0, 1);
  f.Send(500, 2);
  f.clock.AdvanceTo(5000);  // one jump over both expiries
  const std::vector<Out> all = f.All();
  REQUIRE(all.size() == 4);
  CHECK(all[2] == Out{'E', 1, 1000});
  CHECK(all[3] == Out{'E', 2, 1500});
}

TEST_CASE("timeLength: bounded by both time and count") {
  Fixture f(Config(WindowConfig::Kind::kTimeLength, 2, 1000));
  f.Send(0, 1);
  f.Send(10, 2);
  f.Send(20, 3);  // count pushes 1 out
  CHECK(f.capture.chunks[2] == std::vector<Out>{{'E', 1, 20}, {'C', 3, 20}});
  f.clock.AdvanceTo(1010);  // time pushes 2 out
  CHECK(f.capture.chunks.back() == std::vector<Out>{{'E', 2, 1010}});
}

TEST_CASE("lengthBatch(2): flushes [expired previous, reset, current batch]") {
  Fixture f(Config(WindowConfig::Kind::kLengthBatch, 2));
  f.Send(1, 1);
  CHECK(f.capture.chunks.empty());
  f.Send(2, 2);
  CHECK(f.capture.chunks[0] == std::vector<Out>{{'R', 0, 2}, {'C', 1, 1}, {'C', 2, 2}});
  f.Send(3, 3);
  f.Send(4, 4);
  CHECK(f.capture.chunks[1] == std::vector<Out>{{'E', 1, 4}, {'E', 2, 4}, {'R', 0, 4}, {'C', 3, 3}, {'C', 4, 4}});
}

TEST_CASE("lengthBatch with stream.current.event streams arrivals") {
  WindowConfig c = Config(WindowConfig::Kind::kLengthBatch, 2);
  c.stream_current_event = true;
  Fixture f(c);
  f.Send(1, 1);
  f.Send(2, 2);
  f.Send(3, 3);
  CHECK(f.capture.chunks[0] == std::vector<Out>{{'C', 1, 1}});
  CHECK(f.capture.chunks[2] == std::vector<Out>{{'E', 1, 3}, {'E', 2, 3}, {'R', 0, 3}, {'C', 3, 3}});
}

TEST_CASE("timeBatch(1000): the LANGUAGE.md trace, empty batches, and an idle gap") {
  Fixture f(Config(WindowConfig::Kind::kTimeBatch, 0, 1000));
  f.Send(0, 1);
  f.Send(500, 2);
  f.Send(1000, 3);  // boundary at 1000 fires first: a, b
  f.Send(2000, 4);  // boundary at 2000: a, b expired, then c
  REQUIRE(f.capture.chunks.size() == 2);
  CHECK(f.capture.chunks[0] == std::vector<Out>{{'R', 0, 1000}, {'C', 1, 0}, {'C', 2, 500}});
  CHECK(f.capture.chunks[1] ==
        std::vector<Out>{{'E', 1, 2000}, {'E', 2, 2000}, {'R', 0, 2000}, {'C', 3, 1000}});
  f.clock.AdvanceTo(10000);  // 3000: expire c, flush d; 4000: expire d; then idle
  REQUIRE(f.capture.chunks.size() == 4);
  CHECK(f.capture.chunks[3] == std::vector<Out>{{'E', 4, 4000}, {'R', 0, 4000}});
  CHECK(f.clock.pending() == 0);
  f.Send(10500, 5);  // realigned to the 1000 ms schedule: flushes at 11000
  f.clock.AdvanceTo(11000);
  CHECK(f.capture.chunks.back() == std::vector<Out>{{'R', 0, 11000}, {'C', 5, 10500}});
}

TEST_CASE("timeBatch with a start time aligns its boundaries") {
  WindowConfig c = Config(WindowConfig::Kind::kTimeBatch, 0, 1000);
  c.start_time = 250;
  Fixture f(c);
  f.Send(1100, 1);
  f.clock.AdvanceTo(1249);
  CHECK(f.capture.chunks.empty());
  f.clock.AdvanceTo(1250);
  CHECK(f.capture.chunks.size() == 1);
}

TEST_CASE("delay(100): events come back as CURRENT at the clock") {
  Fixture f(Config(WindowConfig::Kind::kDelay, 0, 100));
  f.Send(10, 1);
  CHECK(f.capture.chunks.empty());
  f.clock.AdvanceTo(500);
  CHECK(f.All() == std::vector<Out>{{'C', 1, 110}});
}

TEST_CASE("sort(2): the last in order leaves after the arrival; ties drop the newest") {
  WindowConfig c = Config(WindowConfig::Kind::kSort, 2);
  c.sort_keys = {{0, false}};
  Fixture f(c);
  f.Send(1, 5);
  f.Send(2, 3);
  f.Send(3, 4);
  CHECK(f.capture.chunks[2] == std::vector<Out>{{'C', 4, 3}, {'E', 5, 3}});
  f.Send(4, 4);
  CHECK(f.capture.chunks[3] == std::vector<Out>{{'C', 4, 4}, {'E', 4, 4}});
}

}  // namespace
}  // namespace eddy::runtime

namespace eddy::runtime {
namespace {

TEST_CASE("externalTimeBatch: batches on the attribute, empty periods skipped") {
  Schema schema({{"t", Type::kLong}});
  Scheduler clock;
  Capture capture;
  WindowConfig c;
  c.kind = WindowConfig::Kind::kExternalTimeBatch;
  c.time_ms = 10;
  c.timestamp_attr = 0;
  auto window = MakeWindow(c, &schema, &clock);
  window->set_next(&capture);
  auto send = [&](int64_t t) {
    EventChunk chunk(&schema);
    chunk.SetSlot(chunk.Append(t, EventKind::kCurrent), 0, Slot{.i64 = t}, false);
    window->Process(chunk, std::span<const uint32_t>(IdentityRows(1), 1));
  };
  send(100);
  send(105);
  CHECK(capture.chunks.empty());
  send(135);  // closes [100, 110); [110, 130) were empty
  REQUIRE(capture.chunks.size() == 1);
  CHECK(capture.chunks[0].size() == 3);  // reset + two currents
  send(139);
  send(140);  // closes [130, 140)
  REQUIRE(capture.chunks.size() == 2);
  CHECK(capture.chunks[1].front().kind == 'E');
  CHECK(capture.chunks[1].front().ts == 140);
}

}  // namespace
}  // namespace eddy::runtime
