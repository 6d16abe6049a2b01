#include "runtime/scheduler.h"

#include <doctest/doctest.h>

#include <utility>
#include <vector>

namespace eddy::runtime {
namespace {

struct Recorder : Timer {
  Recorder(Scheduler* s, std::vector<std::pair<int, int64_t>>* log, int id, int64_t repeat = 0)
      : scheduler(s), fired(log), id(id), repeat(repeat) {}
  void OnTimer(int64_t due) override {
    fired->push_back({id, due});
    CHECK(scheduler->now() == due);
    if (repeat > 0) scheduler->Schedule(due + repeat, this);
  }
  Scheduler* scheduler;
  std::vector<std::pair<int, int64_t>>* fired;
  int id;
  int64_t repeat;
};

TEST_CASE("timers fire in time order, each at its own due time") {
  Scheduler s;
  s.Reset(0);
  std::vector<std::pair<int, int64_t>> log;
  Recorder a(&s, &log, 1), b(&s, &log, 2), c(&s, &log, 3);
  s.Schedule(300, &a);
  s.Schedule(100, &b);
  s.Schedule(100, &c);  // same time: scheduling order
  s.AdvanceTo(250);
  REQUIRE(log.size() == 2);
  CHECK(log[0] == std::pair<int, int64_t>{2, 100});
  CHECK(log[1] == std::pair<int, int64_t>{3, 100});
  CHECK(s.now() == 250);
  s.AdvanceTo(300);  // due exactly now fires
  CHECK(log.size() == 3);
}

TEST_CASE("a jump over several periods fires every period, as stepping would") {
  Scheduler s;
  s.Reset(1000);
  std::vector<std::pair<int, int64_t>> log;
  Recorder periodic(&s, &log, 1, 500);
  s.Schedule(1500, &periodic);
  s.AdvanceTo(3100);
  REQUIRE(log.size() == 4);
  CHECK(log[3].second == 3000);
  CHECK(s.pending() == 1);
}

TEST_CASE("the clock never goes back") {
  Scheduler s;
  s.Reset(500);
  s.AdvanceTo(100);
  CHECK(s.now() == 500);
}

TEST_CASE("timer groups share the clock and order; cancelling a group drops only its timers") {
  Scheduler root;
  root.Reset(0);
  Scheduler a(root);
  Scheduler b(root);
  CHECK(a.group() != b.group());
  CHECK(a.group() != root.group());
  std::vector<std::pair<int, int64_t>> log;
  Recorder r1(&root, &log, 1), a1(&a, &log, 2), b1(&b, &log, 3), a2(&a, &log, 4, 100), b2(&b, &log, 5);
  root.Schedule(200, &r1);
  a.Schedule(100, &a1);
  b.Schedule(100, &b1);
  a.Schedule(150, &a2);  // re-arms itself through group a
  b.Schedule(300, &b2);
  root.AdvanceTo(160);
  REQUIRE(log.size() == 3);
  CHECK(log[0] == std::pair<int, int64_t>{2, 100});  // scheduling order across groups
  CHECK(log[1] == std::pair<int, int64_t>{3, 100});
  CHECK(log[2] == std::pair<int, int64_t>{4, 150});
  CHECK(a.now() == 160);
  CHECK(root.pending() == 3);  // r1 at 200, a2 again at 250, b2 at 300
  root.CancelGroups([&](uint64_t g) { return g == a.group(); });
  CHECK(root.pending() == 2);
  root.AdvanceTo(1000);
  REQUIRE(log.size() == 5);
  CHECK(log[3] == std::pair<int, int64_t>{1, 200});
  CHECK(log[4] == std::pair<int, int64_t>{5, 300});
}

TEST_CASE("cancelling never drops the root's own timers") {
  Scheduler root;
  std::vector<std::pair<int, int64_t>> log;
  Recorder r1(&root, &log, 1);
  root.Schedule(10, &r1);
  root.CancelGroups([](uint64_t) { return true; });
  root.AdvanceTo(10);
  CHECK(log.size() == 1);
}

}  // namespace
}  // namespace eddy::runtime
