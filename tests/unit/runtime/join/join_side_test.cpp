// JoinSide driven directly over two length windows: what each triggering event
// hands on (one chunk per trigger, joined layout, kind and timestamp of the
// trigger), outer padding, RESET pass-through, unidirectional sides, and the
// key index giving the same rows as a scan.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "runtime/expr/factory.h"
#include "runtime/join/join_side.h"

namespace eddy::runtime {
namespace {

// L (k int, v int) and R (k int, w int), joined as (L.k, v, R.k, w).
struct Capture final : Processor {
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    std::string text;
    for (uint32_t r : rows) {
      const EventKind k = chunk.kind(r);
      text += k == EventKind::kCurrent ? "C" : k == EventKind::kExpired ? "E" : "R";
      if (k != EventKind::kReset) {
        for (uint32_t a = 0; a < 4; ++a) {
          text += ' ';
          text += chunk.nulls(r)[a] ? std::string("-") : std::to_string(chunk.row(r)[a].i32);
        }
      }
      text += '@';
      text += std::to_string(chunk.timestamp(r));
      text += ';';
    }
    chunks.push_back(text);
  }
  std::string Describe() const override { return "capture"; }
  std::vector<std::string> chunks;
};

struct Join {
  Schema left_schema{{{"k", Type::kInt}, {"v", Type::kInt}}};
  Schema right_schema{{{"k", Type::kInt}, {"w", Type::kInt}}};
  Schema joined{{{"k", Type::kInt}, {"v", Type::kInt}, {"k", Type::kInt}, {"w", Type::kInt}}};
  Scheduler clock;
  Capture capture;
  std::unique_ptr<Window> windows[2];
  std::unique_ptr<JoinSide> sides[2];

  struct Options {
    int64_t length = 2;
    bool equi = true;  // on L.k == R.k, else no condition
    bool left_outer = false;
    bool right_outer = false;
    bool left_triggers = true;
    bool right_triggers = true;
    bool index = false;
  };

  explicit Join(Options o) {
    WindowConfig config;
    config.kind = WindowConfig::Kind::kLength;
    config.length = o.length;
    windows[0] = MakeWindow(config, &left_schema, &clock);
    windows[1] = MakeWindow(config, &right_schema, &clock);
    for (int i = 0; i < 2; ++i) {
      JoinSideSpec spec;
      spec.joined = &joined;
      spec.left = i == 0;
      spec.triggers = i == 0 ? o.left_triggers : o.right_triggers;
      spec.outer = i == 0 ? o.left_outer : o.right_outer;
      if (o.equi) {
        spec.condition = MakeComparison(CompareOp::kEq, MakeChunkAttribute(0, Type::kInt),
                                        MakeChunkAttribute(2, Type::kInt));
      }
      sides[i] = std::make_unique<JoinSide>(std::move(spec), i == 0 ? &left_schema : &right_schema,
                                            i == 0 ? &right_schema : &left_schema, &clock);
      windows[i]->set_next(sides[i].get());
      sides[i]->set_next(&capture);
    }
    for (int i = 0; i < 2; ++i) {
      sides[i]->Connect(windows[i].get(), sides[1 - i].get());
      if (o.index) {
        sides[i]->EnableIndex(0, Type::kInt);
        sides[i]->ProbeIndexWith(0);
      }
    }
  }
  void Send(int side, int64_t ts, int k, int value, bool null_key = false) {
    clock.AdvanceTo(ts);
    EventChunk chunk(side == 0 ? &left_schema : &right_schema);
    const uint32_t r = chunk.Append(ts, EventKind::kCurrent);
    chunk.SetSlot(r, 0, Slot{.i32 = k}, null_key);
    chunk.SetSlot(r, 1, Slot{.i32 = value}, false);
    windows[side]->Process(chunk, std::span<const uint32_t>(IdentityRows(1), 1));
  }
};

TEST_CASE("each trigger hands on its matches as one chunk, with its kind and timestamp") {
  Join j({});
  j.Send(0, 1000, 1, 10);
  CHECK(j.capture.chunks.empty());  // nothing on the right yet
  j.Send(1, 1001, 1, 20);
  j.Send(1, 1002, 1, 21);
  j.Send(0, 1003, 1, 11);  // left now holds 10, 11
  j.Send(0, 1004, 2, 12);  // 10 leaves: its EXPIRED matches, then 12 finds nothing
  CHECK(j.capture.chunks == std::vector<std::string>{
                                "C 1 10 1 20@1001;",
                                "C 1 10 1 21@1002;",
                                "C 1 11 1 20@1003;C 1 11 1 21@1003;",
                                "E 1 10 1 20@1004;E 1 10 1 21@1004;",
                            });
}

TEST_CASE("outer sides pad unmatched triggers with nulls; inner sides drop them") {
  Join j({.left_outer = true});
  j.Send(0, 1000, 1, 10);
  j.Send(1, 1001, 2, 20);  // the right side is inner: no row
  j.Send(0, 1002, 2, 11);
  CHECK(j.capture.chunks == std::vector<std::string>{"C 1 10 - -@1000;", "C 2 11 2 20@1002;"});
}

TEST_CASE("a cross join pairs every held row; a unidirectional peer only fills") {
  Join j({.equi = false, .right_triggers = false});
  j.Send(1, 1000, 1, 20);
  j.Send(1, 1001, 2, 21);
  j.Send(0, 1002, 9, 10);
  CHECK(j.capture.chunks == std::vector<std::string>{"C 9 10 1 20@1002;C 9 10 2 21@1002;"});
}

TEST_CASE("RESET rows go on as one-row chunks; TIMER rows are ignored") {
  Join j({});
  EventChunk chunk(&j.left_schema);
  chunk.Append(1000, EventKind::kReset);
  chunk.Append(1000, EventKind::kTimer);
  j.sides[0]->Process(chunk, std::span<const uint32_t>(IdentityRows(2), 2));
  CHECK(j.capture.chunks == std::vector<std::string>{"R@1000;"});
}

TEST_CASE("null keys never match, even with the index") {
  for (bool index : {false, true}) {
    Join j({.index = index});
    j.Send(1, 1000, 0, 20, /*null_key=*/true);
    j.Send(0, 1001, 0, 10, /*null_key=*/true);
    j.Send(0, 1002, 0, 11);
    CHECK(j.capture.chunks.empty());
  }
}

TEST_CASE("the key index hands on exactly what a scan does") {
  Join scan({.length = 50, .left_outer = true, .right_outer = true});
  Join indexed({.length = 50, .left_outer = true, .right_outer = true, .index = true});
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    const int side = static_cast<int>(rng() % 2);
    const int k = static_cast<int>(rng() % 13);
    const bool null_key = rng() % 20 == 0;
    scan.Send(side, 1000 + i, k, i, null_key);
    indexed.Send(side, 1000 + i, k, i, null_key);
  }
  CHECK(scan.capture.chunks.size() > 5000);
  CHECK(scan.capture.chunks == indexed.capture.chunks);
}

}  // namespace
}  // namespace eddy::runtime
