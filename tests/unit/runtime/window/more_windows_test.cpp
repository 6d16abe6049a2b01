// Edge cases of the windows added for issue 3, driven directly through the
// window objects (kinds, order and timestamps of what they emit), and through
// the public API where the selector matters.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "eddy/engine.h"
#include "runtime/cron.h"
#include "runtime/ring_buffer.h"
#include "runtime/window/java_map_order.h"
#include "runtime/window/keyed_windows.h"
#include "runtime/window/window.h"

namespace eddy::runtime {
namespace {

// Rows of (kind, k, v) where the schema is (k string, v int): 'C', 'E' or 'R'.
struct Row {
  char kind;
  std::string k;
  int v;
  int64_t ts;
  bool operator==(const Row&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Row& r) { return os << r.kind << r.k << r.v << "@" << r.ts; }
std::string Text(const std::vector<Row>& rows) {
  std::ostringstream os;
  for (const Row& r : rows) os << r << " ";
  return os.str();
}

struct Sink final : Processor {
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    ++chunks;
    for (uint32_t r : rows) {
      const EventKind kind = chunk.kind(r);
      if (kind == EventKind::kReset) {
        out.push_back({'R', "", 0, chunk.timestamp(r)});
        continue;
      }
      out.push_back({kind == EventKind::kCurrent ? 'C' : 'E', std::string(chunk.row(r)[0].str->view()),
                     chunk.row(r)[1].i32, chunk.timestamp(r)});
    }
  }
  std::string Describe() const override { return "sink"; }
  std::vector<Row> out;
  int chunks = 0;
};

struct Harness {
  Schema schema{{{"k", Type::kString}, {"v", Type::kInt}}};
  Scheduler clock;
  Sink sink;
  std::unique_ptr<Window> window;

  explicit Harness(WindowConfig config) {
    window = MakeWindow(config, &schema, &clock);
    window->set_next(&sink);
  }
  // An event at app time `now` carrying timestamp `ts` (late when ts < now).
  void Send(int64_t now, const std::string& k, int v, int64_t ts = -1) {
    clock.AdvanceTo(now);
    EventChunk chunk(&schema);
    const uint32_t row = chunk.Append(ts < 0 ? now : ts, EventKind::kCurrent);
    StrRep* s = StrRep::Make(k);
    chunk.AdoptSlot(row, 0, Slot{.str = s}, false);
    chunk.SetSlot(row, 1, Slot{.i32 = v}, false);
    window->Process(chunk, std::span<const uint32_t>(IdentityRows(1), 1));
  }
  std::vector<Row> Take() {
    std::vector<Row> rows;
    rows.swap(sink.out);
    return rows;
  }
};

WindowConfig Make(WindowConfig::Kind kind) {
  WindowConfig c;
  c.kind = kind;
  return c;
}

TEST_CASE("lossyFrequent: passes frequent keys, forgets rare ones at bucket ends") {
  WindowConfig c = Make(WindowConfig::Kind::kLossyFrequent);
  c.support = 0.5;
  c.error = 0.25;  // buckets of 4
  c.key_attrs = {0};
  Harness h(c);
  h.Send(1, "a", 1);
  h.Send(2, "b", 2);
  h.Send(3, "a", 3);
  h.Send(4, "c", 4);  // bucket end: b and c (count 1, bucket 0) leave, in hash order
  CHECK(h.Take() == std::vector<Row>{{'C', "a", 1, 1}, {'C', "b", 2, 2}, {'C', "a", 3, 3}, {'C', "c", 4, 4},
                                     {'E', "b", 2, 4}, {'E', "c", 4, 4}});
  h.Send(5, "d", 5);  // count 1 < 0.25 * 5: not passed on
  CHECK(h.Take().empty());
}

TEST_CASE("frequent: a full window decrements every count; evictions follow the reference's hash order") {
  WindowConfig c = Make(WindowConfig::Kind::kFrequent);
  c.length = 2;
  c.key_attrs = {0};
  Harness h(c);
  h.Send(1, "b", 1);
  h.Send(2, "a", 2);
  h.Send(3, "c", 3);  // full: a and b drop to 0 and leave ("a" before "b"), then c enters
  CHECK(h.Take() == std::vector<Row>{{'C', "b", 1, 1}, {'C', "a", 2, 2}, {'E', "a", 2, 3}, {'E', "b", 1, 3},
                                     {'C', "c", 3, 3}});
}

TEST_CASE("frequency key: the attributes' Java text, concatenated, in a reused string") {
  const Schema schema{{{"s", Type::kString}, {"i", Type::kInt}, {"l", Type::kLong}, {"d", Type::kDouble},
                       {"f", Type::kFloat}, {"b", Type::kBool}}};
  EventChunk chunk(&schema);
  const uint32_t row = chunk.Append(1, EventKind::kCurrent);
  chunk.AdoptSlot(row, 0, Slot{.str = StrRep::Make("IBM")}, false);
  chunk.SetSlot(row, 1, Slot{.i32 = -7}, false);
  chunk.SetSlot(row, 2, Slot{.i64 = 10000000000}, false);
  chunk.SetSlot(row, 3, Slot{.f64 = 2.0}, false);
  chunk.SetSlot(row, 5, Slot{.b = true}, false);  // f stays null
  std::string key = "left over";
  FrequencyKey(chunk, row, {}, key);
  CHECK(key == "IBM-7100000000002.0nulltrue");
  FrequencyKey(chunk, row, {3, 0}, key);
  CHECK(key == "2.0IBM");
}

TEST_CASE("session: late events within the gap join, earlier ones are dropped") {
  WindowConfig c = Make(WindowConfig::Kind::kSession);
  c.time_ms = 100;
  c.key_attr = 0;
  Harness h(c);
  h.Send(1000, "a", 1);
  h.Send(1050, "a", 2, 950);  // late, within the gap of the start: joins (first)
  h.Send(1060, "a", 3, 800);  // too late: dropped, not even passed on
  h.Send(1070, "b", 4);
  CHECK(h.Take() == std::vector<Row>{{'C', "a", 1, 1000}, {'C', "a", 2, 950}, {'C', "b", 4, 1070}});
  h.clock.AdvanceTo(1100);  // a closes at its last event + gap; expired with own timestamps
  CHECK(h.Take() == std::vector<Row>{{'E', "a", 2, 950}, {'E', "a", 1, 1000}});
  h.clock.AdvanceTo(5000);
  CHECK(h.Take() == std::vector<Row>{{'E', "b", 4, 1070}});
}

TEST_CASE("session with allowed latency keeps a closed session open to late events") {
  WindowConfig c = Make(WindowConfig::Kind::kSession);
  c.time_ms = 100;
  c.allowed_latency_ms = 50;
  Harness h(c);
  h.Send(1000, "a", 1);
  h.Take();
  h.clock.AdvanceTo(1100);  // closed, but kept for 50 ms more
  CHECK(h.Take().empty());
  h.Send(1120, "a", 2, 1050);  // late for the closed session: joins it, and extends it to 1150 + 50
  h.clock.AdvanceTo(1199);
  CHECK(h.Take() == std::vector<Row>{{'C', "a", 2, 1050}});
  h.clock.AdvanceTo(1200);  // its latency is over
  INFO(Text(h.sink.out));
  CHECK(h.Take() == std::vector<Row>{{'E', "a", 1, 1000}, {'E', "a", 2, 1050}});
}

TEST_CASE("externalTimeBatch: the timeout flushes, late events re-emit the batch at the next timeout") {
  WindowConfig c = Make(WindowConfig::Kind::kExternalTimeBatch);
  c.time_ms = 1000;
  c.timestamp_attr = 1;
  c.start_time = 0;
  c.timeout_ms = 2000;
  Harness h(c);
  h.Send(1000, "a", 1000);
  h.Send(1500, "a", 1500);
  h.clock.AdvanceTo(2999);
  CHECK(h.Take().empty());
  h.clock.AdvanceTo(3000);  // the timeout: the batch goes out
  CHECK(h.Take() == std::vector<Row>{{'R', "", 0, 1500}, {'C', "a", 1000, 1000}, {'C', "a", 1500, 1500}});
  h.Send(3500, "a", 1800);  // late for the flushed batch
  h.clock.AdvanceTo(5000);
  CHECK(h.Take() == std::vector<Row>{{'E', "a", 1000, 1800}, {'E', "a", 1500, 1800}, {'R', "", 0, 1800},
                                     {'C', "a", 1000, 1000}, {'C', "a", 1500, 1500}, {'C', "a", 1800, 3500}});
  h.clock.AdvanceTo(100'000);  // nothing held: idle timeouts emit nothing
  CHECK(h.Take().empty());
}

TEST_CASE("externalTimeBatch with replace.with.batchtime stamps the batch end into the attribute") {
  WindowConfig c = Make(WindowConfig::Kind::kExternalTimeBatch);
  c.time_ms = 1000;
  c.timestamp_attr = 1;
  c.start_time = 0;
  c.replace_with_batch_time = true;
  Harness h(c);
  h.Send(1, "a", 1200);
  h.Send(2, "a", 2100);
  const std::vector<Row> out = h.Take();
  REQUIRE(out.size() == 2);
  CHECK(out[1] == Row{'C', "a", 2000, 1});
}

TEST_CASE("cron window: ticks on the app clock; idle ticks emit nothing; jumps fire each tick") {
  WindowConfig c = Make(WindowConfig::Kind::kCron);
  c.cron = CronSchedule::Parse("*/2 * * * * ?");
  Harness h(c);
  h.Send(1000, "a", 1);
  h.clock.AdvanceTo(1999);
  CHECK(h.Take().empty());
  h.Send(3000, "b", 2);  // the tick at 2000 fired first
  CHECK(h.Take() == std::vector<Row>{{'C', "a", 1, 1000}});
  h.clock.AdvanceTo(10'000);  // 4000: [E a, C b]; 6000: [E b]; then idle
  CHECK(h.Take() == std::vector<Row>{{'E', "a", 1, 4000}, {'C', "b", 2, 3000}, {'E', "b", 2, 6000}});
  CHECK(h.clock.pending() == 0);
}

TEST_CASE("lazy timer expiry hands timer-expired events over with the next arrival") {
  WindowConfig c = Make(WindowConfig::Kind::kTime);
  c.time_ms = 100;
  Harness h(c);
  h.window->set_lazy_timer_expiry(true);
  h.Send(0, "a", 1);
  h.clock.AdvanceTo(500);
  CHECK(h.sink.chunks == 1);  // the expiry at 100 waits
  h.Send(600, "b", 2);
  CHECK(h.sink.chunks == 2);
  CHECK(h.Take() == std::vector<Row>{{'C', "a", 1, 0}, {'E', "a", 1, 100}, {'C', "b", 2, 600}});
}

TEST_CASE("ring buffer: FIFO across growth and wrap-around") {
  RingBuffer<uint32_t> ring;
  for (uint32_t i = 0; i < 10; ++i) ring.push_back(i);
  for (uint32_t i = 0; i < 5; ++i) ring.pop_front();
  for (uint32_t i = 10; i < 40; ++i) ring.push_back(i);  // wraps, then grows
  CHECK(ring.size() == 35);
  for (uint32_t i = 5; i < 40; ++i) {
    REQUIRE(ring.front() == i);
    ring.pop_front();
  }
  CHECK(ring.empty());
}

TEST_CASE("Java map order: String.hashCode and bin order, across a resize") {
  CHECK(JavaMapOrder::JavaHashCode("hello") == 99162322);
  CHECK(JavaMapOrder::JavaHashCode("") == 0);
  CHECK(JavaMapOrder::JavaHashCode("Aa") == JavaMapOrder::JavaHashCode("BB"));
  CHECK(JavaMapOrder::JavaHashCode("\xc3\xa9") == 233);  // é is one UTF-16 unit
  JavaMapOrder order;
  for (const char* k : {"c", "a", "b"}) order.Insert(k);
  CHECK(order.Keys() == std::vector<std::string>{"a", "b", "c"});  // bins 1, 2, 3
  for (int i = 0; i < 20; ++i) order.Insert("k" + std::to_string(i));  // resizes to 32 bins
  order.Erase("b");
  std::vector<std::string> keys = order.Keys();
  CHECK(keys.size() == 22);
  CHECK(std::find(keys.begin(), keys.end(), "b") == keys.end());
}

}  // namespace
}  // namespace eddy::runtime

namespace eddy {
namespace {

std::vector<std::string> Outputs(const std::string& app_text, const std::vector<std::pair<int64_t, int>>& events,
                                 int64_t end) {
  auto app = App::Compile("define stream S (k string, v int);\n" + app_text, {.playback = true});
  std::vector<std::string> out;
  app->Subscribe("O", [&out](const EventBatchView& b) {
    for (uint32_t i = 0; i < b.size(); ++i) out.push_back(b[i].value(1).ToString() + "@" + std::to_string(b[i].timestamp()));
  });
  InputHandle in = app->Input("S");
  for (const auto& [ts, v] : events) in.Send(ts, {Value::String(v % 2 == 0 ? "even" : "odd"), Value::Int(v)});
  app->AdvanceTime(end);
  return out;
}

TEST_CASE("grouped sums over a time window: expiry between arrivals, groups emptied and re-created") {
  // Every event of a group has expired before it is seen again: its sum restarts.
  const std::vector<std::string> out = Outputs(
      "from S#window.time(100) select k, sum(v) as v group by k insert into O;",
      {{0, 1}, {10, 2}, {50, 3}, {500, 5}, {510, 4}, {520, 6}}, 1000);
  CHECK(out == std::vector<std::string>{"1@0", "2@10", "4@50", "5@500", "4@510", "10@520"});
}

TEST_CASE("grouped sums over a length window recall the group of each expired event") {
  const std::vector<std::string> out = Outputs(
      "from S#window.length(2) select k, sum(v) as v group by k insert into O;",
      {{0, 1}, {1, 3}, {2, 2}, {3, 5}, {4, 4}}, 10);
  // Each arrival pushes out the oldest; a group whose events all left restarts.
  CHECK(out == std::vector<std::string>{"1@0", "4@1", "2@2", "5@3", "4@4"});
}

TEST_CASE("window parameters of the newer windows are checked at plan time, with their location") {
  auto error = [](const std::string& query) {
    try {
      App::Compile("define stream S (k string, v int, t long);\n" + query);
    } catch (const CompileError& e) {
      return std::to_string(e.location().line) + ":" + std::to_string(e.location().column) + " " + e.message();
    }
    return std::string("compiled");
  };
  CHECK(error("from S#window.cron('0 0 * * * *') select k insert into O;").find("2:20 ") == 0);
  CHECK(error("from S#window.cron('0 0 * * * *') select k insert into O;").find("must be '?'") != std::string::npos);
  CHECK(error("from S#window.lossyFrequent(1.5) select k insert into O;").find("(0, 1]") != std::string::npos);
  CHECK(error("from S#window.session(1 sec, k, 2 sec) select k insert into O;").find("allowed.latency") !=
        std::string::npos);
  CHECK(error("from S#window.externalTimeBatch(k, 1 sec) select k insert into O;").find("long") != std::string::npos);
  CHECK(error("from S#window.lengthBatch(-2) select k insert into O;").find("must not be negative") !=
        std::string::npos);
  CHECK(error("define trigger T at '0 0 0 ? * FOO';").find("day-of-week") != std::string::npos);
}

}  // namespace
}  // namespace eddy
