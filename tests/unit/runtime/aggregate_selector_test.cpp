#include "runtime/operator/aggregate_selector.h"

#include <doctest/doctest.h>

#include <vector>

namespace eddy::runtime {
namespace {

// Reads one chunk attribute in place (the planner's attribute evaluator, minimal).
class SlotRead final : public Evaluator {
 public:
  SlotRead(uint32_t slot, Type type) : Evaluator(type), slot_(slot) {}
  ColumnView Eval(const EvalFrame& f) override {
    return {f.chunk->slots() + slot_, f.chunk->null_flags() + slot_, f.chunk->arity(),
            f.chunk->arity()};
  }

 private:
  uint32_t slot_;
};

// Reads extra column i (aggregate results).
class ExtraRead final : public Evaluator {
 public:
  ExtraRead(uint32_t i, Type type) : Evaluator(type), i_(i) {}
  ColumnView Eval(const EvalFrame& f) override { return f.extra[i_]; }

 private:
  uint32_t i_;
};

struct Capture final : Processor {
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    for (uint32_t r : rows) {
      std::vector<Value> row;
      for (uint32_t i = 0; i < chunk.arity(); ++i) row.push_back(chunk.view(r).value(i));
      out.push_back(row);
    }
  }
  std::string Describe() const override { return "capture"; }
  std::vector<std::vector<Value>> out;
};

struct Fixture {
  Schema input{{{"sym", Type::kString}, {"v", Type::kInt}}};
  Schema output;
  Schema keys;
  Scheduler clock;
  Capture capture;
  std::unique_ptr<AggregateSelector> selector;  // destroyed before the schemas

  // select [sym,] sum(v) as s [group by sym]
  void Build(bool group_by, bool emit_expired) {
    std::vector<Attribute> out_attrs;
    AggregateSelectorSpec spec;
    if (group_by) {
      out_attrs.push_back({"sym", Type::kString});
      spec.select.columns.push_back(std::make_unique<SlotRead>(0, Type::kString));
      spec.group_keys.push_back(std::make_unique<SlotRead>(0, Type::kString));
      keys = Schema({{"sym", Type::kString}});
      spec.key_schema = &keys;
    }
    out_attrs.push_back({"s", Type::kLong});
    spec.select.columns.push_back(std::make_unique<ExtraRead>(0, Type::kLong));
    output = Schema(out_attrs);
    spec.select.output_schema = &output;
    spec.select.emit_expired = emit_expired;
    AggregateSpec sum;
    const Type int_type = Type::kInt;
    sum.column = MakeAggregate("sum", std::span<const Type>(&int_type, 1), ExpiryOrder::kOldestFirst);
    sum.args.push_back(std::make_unique<SlotRead>(1, Type::kInt));
    spec.aggregates.push_back(std::move(sum));
    selector = std::make_unique<AggregateSelector>(std::move(spec), &clock);
    selector->set_next(&capture);
  }

  void Send(std::vector<std::tuple<EventKind, const char*, int>> rows) {
    EventChunk chunk(&input);
    for (auto& [kind, sym, v] : rows) {
      const uint32_t r = chunk.Append(0, kind);
      if (kind == EventKind::kReset) continue;
      StrRep* s = StrRep::Make(sym);
      chunk.AdoptSlot(r, 0, Slot{.str = s}, false);
      chunk.SetSlot(r, 1, Slot{.i32 = v}, false);
    }
    selector->Process(chunk, std::span<const uint32_t>(IdentityRows(chunk.size()), chunk.size()));
  }
};

constexpr EventKind C = EventKind::kCurrent;
constexpr EventKind E = EventKind::kExpired;
constexpr EventKind R = EventKind::kReset;

TEST_CASE("sliding sum emits the last row of each chunk (LANGUAGE.md §6 trace)") {
  Fixture f;
  f.Build(/*group_by=*/false, /*emit_expired=*/true);
  f.Send({{C, "a", 1}});
  f.Send({{C, "a", 2}});
  f.Send({{E, "a", 1}, {C, "a", 3}});
  REQUIRE(f.capture.out.size() == 3);
  CHECK(f.capture.out[0][0] == Value::Long(1));
  CHECK(f.capture.out[1][0] == Value::Long(3));
  CHECK(f.capture.out[2][0] == Value::Long(5));
}

TEST_CASE("a RESET clears the running values; an empty sum is null") {
  Fixture f;
  f.Build(false, false);
  f.Send({{C, "a", 10}, {C, "a", 20}});
  f.Send({{R, "", 0}, {C, "a", 5}});
  REQUIRE(f.capture.out.size() == 2);
  CHECK(f.capture.out[0][0] == Value::Long(30));
  CHECK(f.capture.out[1][0] == Value::Long(5));
  f.Send({{E, "a", 5}});  // expired only, not emitted (current events only)
  CHECK(f.capture.out.size() == 2);
}

TEST_CASE("group by emits each group's last row, in order of first appearance") {
  Fixture f;
  f.Build(true, false);
  f.Send({{C, "b", 1}, {C, "a", 2}, {C, "b", 3}});
  REQUIRE(f.capture.out.size() == 2);
  CHECK(f.capture.out[0][0] == Value::String("b"));
  CHECK(f.capture.out[0][1] == Value::Long(4));
  CHECK(f.capture.out[1][0] == Value::String("a"));
  CHECK(f.capture.out[1][1] == Value::Long(2));
}

TEST_CASE("a group that empties starts afresh") {
  Fixture f;
  f.Build(true, true);
  f.Send({{C, "a", 7}});
  f.Send({{E, "a", 7}});
  f.Send({{C, "a", 1}});
  REQUIRE(f.capture.out.size() == 3);
  CHECK(f.capture.out[1][1].is_null());
  CHECK(f.capture.out[2][1] == Value::Long(1));
}

TEST_CASE("sliding max retracts oldest-first in O(1)") {
  const Type t = Type::kInt;
  auto max = MakeAggregate("max", std::span<const Type>(&t, 1), ExpiryOrder::kOldestFirst);
  Schema schema({{"v", Type::kInt}});
  EventChunk chunk(&schema);
  // window of 2 over 5, 3, 4: [5], [5,3], expire 5 -> [3,4]
  for (auto [kind, v] : std::vector<std::pair<EventKind, int>>{{C, 5}, {C, 3}, {E, 5}, {C, 4}}) {
    chunk.SetSlot(chunk.Append(0, kind), 0, Slot{.i32 = v}, false);
  }
  SlotRead read(0, Type::kInt);
  EvalFrame frame{&chunk, chunk.size(), {}, 0};
  ColumnView arg = read.Eval(frame);
  Column out(Type::kInt);
  out.Reset(chunk.size());
  max->Process(chunk, std::span<const uint32_t>(IdentityRows(4), 4), GroupAssignment{},
               std::span<const ColumnView>(&arg, 1), out);
  CHECK(out.data()[0].i32 == 5);
  CHECK(out.data()[1].i32 == 5);
  CHECK(out.data()[2].i32 == 3);
  CHECK(out.data()[3].i32 == 4);
}

}  // namespace
}  // namespace eddy::runtime
