// The automaton instance on hand-built specs: `within` expiry on the clock, the
// cap on live partial matches, absence deadlines.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/pattern/pattern_state.h"

namespace eddy::runtime {
namespace {

struct Match {
  int64_t ts;
  std::vector<int64_t> values;  // the output columns (-1 for null)
  bool operator==(const Match&) const = default;
};

// Two streams A and B of (id long); drives one PatternState on a manual clock.
class Harness : public PatternState::Sink {
 public:
  Schema schema{{{"id", Type::kLong}}};

  Harness() {
    spec.stream_names = {"A", "B"};
    spec.stream_schemas = {&schema, &schema};
    spec.stream_nodes = {{0}, {1}};
  }

  PatternNodeSpec& AddNode(PatternNodeKind kind, uint32_t stream) {
    spec.nodes.emplace_back();
    spec.nodes.back().kind = kind;
    spec.nodes.back().stream = stream;
    return spec.nodes.back();
  }
  void Output(uint32_t position) {
    PatternRef ref{position};
    ref.type = Type::kLong;
    spec.output.push_back(ref);
  }

  void Start(int64_t now) {
    scratch = std::make_unique<PatternScratch>(spec);
    state = std::make_unique<PatternState>(&spec, &scheduler, scratch.get(), this,
                                           [this](std::string_view p, std::string_view line) {
                                             logs.push_back(std::string(p) + ": " + std::string(line));
                                           },
                                           "q");
    scheduler.Reset(now);
    state->Start(now);
  }

  void Send(uint32_t stream, int64_t ts, int64_t id) {
    scheduler.AdvanceTo(ts);
    EventChunk chunk(&schema);
    const uint32_t row = chunk.Append(ts, EventKind::kCurrent);
    chunk.SetSlot(row, 0, Slot{.i64 = id}, false);
    const std::vector<ColumnView> local(spec.stream_nodes[stream].size());
    Begin();
    state->OnEvent(stream, chunk, row, local);
    state->EnforceCap();
    End();
  }

  void Begin() override {}
  void End() override {}
  void OnMatch(const PatternState& s, MatchStore::Pm pm) override {
    std::vector<Slot> slots(spec.output.size());
    std::vector<uint8_t> nulls(spec.output.size());
    s.Gather(pm, spec.output, slots.data(), nulls.data());
    Match m{s.timestamp(pm), {}};
    for (size_t i = 0; i < slots.size(); ++i) m.values.push_back(nulls[i] ? -1 : slots[i].i64);
    matches.push_back(m);
  }

  PatternSpec spec;
  Scheduler scheduler;
  std::unique_ptr<PatternScratch> scratch;
  std::unique_ptr<PatternState> state;
  std::vector<Match> matches;
  std::vector<std::string> logs;
};

// every e1=A -> e2=B within `within`, selecting e1.id, e2.id.
void EveryAThenB(Harness& h, int64_t within) {
  PatternNodeSpec& a = h.AddNode(PatternNodeKind::kStream, 0);
  a.is_start = true;
  a.next = 1;
  a.every = 0;
  a.within_every = 0;
  PatternNodeSpec& b = h.AddNode(PatternNodeKind::kStream, 1);
  b.last = true;
  if (within > 0) h.spec.within_ms = within;
  h.Output(0);
  h.Output(1);
}

TEST_CASE("within: a partial match is dropped on the clock once its first event is more than T old") {
  Harness h;
  EveryAThenB(h, 1000);
  h.Start(0);
  h.Send(0, 100, 1);
  CHECK(h.state->live() == 2);  // the match waiting for B, and A re-armed
  h.scheduler.AdvanceTo(1100);   // exactly T later: still in
  CHECK(h.state->live() == 2);
  h.scheduler.AdvanceTo(1101);
  CHECK(h.state->live() == 1);
  h.Send(1, 1200, 7);
  CHECK(h.matches.empty());
}

TEST_CASE("within: an event exactly T after the first still matches") {
  Harness h;
  EveryAThenB(h, 1000);
  h.Start(0);
  h.Send(0, 100, 1);
  h.Send(0, 600, 2);
  h.Send(1, 1100, 9);
  CHECK(h.matches == std::vector<Match>{{1100, {1, 9}}, {1100, {2, 9}}});
  h.Send(0, 1200, 3);
  h.Send(1, 2300, 10);  // 1100 after A3: too late
  CHECK(h.matches.size() == 2);
}

TEST_CASE("within: completed matches do not pile up deadlines") {
  Harness h;
  EveryAThenB(h, 1'000'000'000);
  h.Start(0);
  for (int64_t i = 0; i < 20000; ++i) {
    h.Send(0, 2 * i, i);
    h.Send(1, 2 * i + 1, i);
  }
  CHECK(h.matches.size() == 20000);
  CHECK(h.state->live() == 1);
  CHECK(h.state->pending_deadlines() < 2000);
}

TEST_CASE("the cap drops the oldest partial matches, counts them and logs once") {
  Harness h;
  EveryAThenB(h, 0);
  h.spec.max_partial_matches = 3;
  h.Start(0);
  for (int64_t i = 1; i <= 10; ++i) h.Send(0, i, i);
  CHECK(h.state->live() == 3);
  CHECK(h.state->dropped() == 8);
  REQUIRE(h.logs.size() == 1);
  CHECK(h.logs[0].find("WARN: query 'q': 3 live partial matches reached") == 0);
  h.Send(1, 20, 99);  // the armed start survived: only the newest two A's remain
  CHECK(h.matches == std::vector<Match>{{20, {9, 99}}, {20, {10, 99}}});
  h.Send(0, 21, 11);
  h.Send(1, 22, 100);
  CHECK(h.matches.back() == Match{22, {11, 100}});
}

// e1=A -> not B for `wait`, selecting e1.id.
void AThenNotB(Harness& h, int64_t wait) {
  PatternNodeSpec& a = h.AddNode(PatternNodeKind::kStream, 0);
  a.is_start = true;
  a.next = 1;
  PatternNodeSpec& b = h.AddNode(PatternNodeKind::kAbsent, 1);
  b.wait_ms = wait;
  b.last = true;
  h.spec.startup = {1};
  h.Output(0);
}

TEST_CASE("an absence fires at its deadline, stamped with it") {
  Harness h;
  AThenNotB(h, 500);
  h.Start(0);
  h.Send(0, 100, 1);
  h.scheduler.AdvanceTo(599);
  CHECK(h.matches.empty());
  h.scheduler.AdvanceTo(5000);  // one jump: the timer fires at its own time
  CHECK(h.matches == std::vector<Match>{{600, {1}}});
  CHECK(h.state->live() == 0);
}

TEST_CASE("an absent event before the deadline prevents the match; one at the deadline is too late") {
  Harness before;
  AThenNotB(before, 500);
  before.Start(0);
  before.Send(0, 100, 1);
  before.Send(1, 599, 2);
  before.scheduler.AdvanceTo(5000);
  CHECK(before.matches.empty());

  Harness at;
  AThenNotB(at, 500);
  at.Start(0);
  at.Send(0, 100, 1);
  at.Send(1, 600, 2);  // the deadline fires first
  CHECK(at.matches == std::vector<Match>{{600, {1}}});
}

TEST_CASE("a leading absence waits from the start and fires once without every") {
  Harness h;
  PatternNodeSpec& b = h.AddNode(PatternNodeKind::kAbsent, 1);
  b.is_start = true;
  b.wait_ms = 1000;
  b.next = 1;
  PatternNodeSpec& a = h.AddNode(PatternNodeKind::kStream, 0);
  a.last = true;
  h.spec.stream_nodes = {{1}, {0}};
  h.spec.startup = {0};
  h.Output(1);
  h.Start(500);
  h.Send(0, 1400, 1);  // before the deadline: nothing waits for A yet
  h.Send(0, 1600, 2);
  h.Send(0, 1700, 3);
  CHECK(h.matches == std::vector<Match>{{1600, {2}}});
}

// every e1=S -> e2=S[id > e1.id] (-> e3=S[id < e2.id]) within `within` on one
// stream; `indexed`: e2=S[id == e1.id and id >= e1.id], through an index.
struct Chain {
  bool three = false;
  bool indexed = false;
  int64_t within = 0;
  size_t cap = 1'000'000;
};

std::vector<Match> RunChain(const Chain& c, bool shortcuts, uint64_t seed, size_t* live, uint64_t* dropped) {
  Harness h;
  h.spec.stream_names = {"S"};
  h.spec.stream_schemas = {&h.schema};
  h.spec.shortcuts = shortcuts;
  PatternNodeSpec& e1 = h.AddNode(PatternNodeKind::kStream, 0);
  e1.is_start = true;
  e1.next = 1;
  e1.every = 0;
  e1.within_every = 0;
  auto later = [&](uint32_t position, CompareOp op) {
    PatternNodeSpec& n = h.AddNode(PatternNodeKind::kStream, 0);
    n.within_every = 0;
    PatternRef stored{position - 1};
    stored.type = Type::kLong;
    n.compares.push_back({op, 0, Type::kLong, stored, Type::kLong});
    if (c.indexed && position == 1) n.index = PatternIndexSpec{0, stored};
    return &n;
  };
  PatternNodeSpec* e2 = later(1, c.indexed ? CompareOp::kGe : CompareOp::kGt);
  if (c.three) {
    e2->next = 2;
    later(2, CompareOp::kLt)->last = true;
    h.spec.stream_nodes = {{2, 1, 0}};
  } else {
    e2->last = true;
    h.spec.stream_nodes = {{1, 0}};
  }
  if (c.within > 0) h.spec.within_ms = c.within;
  h.spec.max_partial_matches = c.cap;
  for (uint32_t p = 0; p < h.spec.nodes.size(); ++p) h.Output(p);
  h.Start(0);
  uint64_t rng = seed;
  int64_t ts = 0;
  for (int i = 0; i < 3000; ++i) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    ts += static_cast<int64_t>((rng >> 40) % 3);  // equal timestamps too
    // (Small ranges make both outcomes of every condition common.)
    h.Send(0, ts, static_cast<int64_t>((rng >> 33) % (c.indexed ? 4 : 9)));
  }
  *live = h.state->live();
  *dropped = h.state->dropped();
  return h.matches;
}

TEST_CASE("skipping the fresh lists where it is safe changes no match, no count") {
  for (const Chain& c : {Chain{}, Chain{.three = true}, Chain{.within = 20}, Chain{.three = true, .within = 7},
                         Chain{.cap = 5}, Chain{.three = true, .within = 30, .cap = 12}, Chain{.indexed = true},
                         Chain{.indexed = true, .within = 15, .cap = 9}}) {
    for (uint64_t seed : {1, 2, 3}) {
      CAPTURE(c.three);
      CAPTURE(c.within);
      CAPTURE(c.cap);
      CAPTURE(seed);
      size_t live[2];
      uint64_t dropped[2];
      const std::vector<Match> with = RunChain(c, true, seed, &live[0], &dropped[0]);
      const std::vector<Match> without = RunChain(c, false, seed, &live[1], &dropped[1]);
      CHECK(with.size() > 10);
      CHECK(with == without);
      CHECK(live[0] == live[1]);
      CHECK(dropped[0] == dropped[1]);
    }
  }
}

}  // namespace
}  // namespace eddy::runtime
