// A state's comparisons of the arriving event with an earlier event's attribute
// (`x < e1.y`) are checked on the stored event, not through the frame and the
// general evaluators (PatternNodeSpec::compares): both must give the same
// matches, for every pair of types, every operator, either way round, with nulls.
// The general path is forced by writing the same comparison as `(x < e1.y) == true`.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "eddy/engine.h"
#include "runtime/expr/compare_slots.h"
#include "runtime/expr/factory.h"

namespace eddy {
namespace {

constexpr const char* kStream = "define stream S (k long, i int, l long, f float, d double, s string, b bool);\n";
constexpr std::array<const char*, 6> kAttributes = {"i", "l", "f", "d", "s", "b"};
constexpr std::array<Type, 6> kTypes = {Type::kInt, Type::kLong, Type::kFloat, Type::kDouble, Type::kString, Type::kBool};

// Small value ranges, so that equal values (across types too) and nulls are common.
struct Events {
  explicit Events(uint64_t seed, int n) {
    uint64_t rng = seed;
    auto next = [&rng](uint64_t range) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      return (rng >> 33) % range;
    };
    static constexpr std::array<double, 7> kReals = {-1.5, -1, 0, 0.5, 1, 2, 1e300};
    static constexpr std::array<const char*, 4> kStrings = {"", "a", "ab", "b"};
    for (int e = 0; e < n; ++e) {
      std::vector<Value> row{Value::Long(e)};
      for (Type t : kTypes) {
        if (next(7) == 0) {
          row.push_back(Value::Null(t));
          continue;
        }
        const int64_t small = static_cast<int64_t>(next(5)) - 2;
        switch (t) {
          case Type::kInt: row.push_back(Value::Int(static_cast<int32_t>(small))); break;
          case Type::kLong: row.push_back(Value::Long(next(9) == 0 ? (int64_t{1} << 53) + 1 : small)); break;
          case Type::kFloat: row.push_back(Value::Float(static_cast<float>(kReals[next(6)]))); break;
          case Type::kDouble: row.push_back(Value::Double(next(2) ? kReals[next(7)] : static_cast<double>(small))); break;
          case Type::kString: row.push_back(Value::String(kStrings[next(4)])); break;
          default: row.push_back(Value::Bool(next(2) == 0)); break;
        }
      }
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::vector<Value>> rows;
};

// The (k of e1, k of e2) pairs the query matches, and its plan.
std::pair<std::vector<std::pair<int64_t, int64_t>>, std::string> Matches(const std::string& condition,
                                                                         const Events& events) {
  auto app = App::Compile(std::string(kStream) + "from every e1=S -> e2=S[" + condition +
                              "] select e1.k as k1, e2.k as k2 insert into O;",
                          {.playback = true});
  std::vector<std::pair<int64_t, int64_t>> out;
  app->Subscribe("O", [&out](const EventBatchView& batch) {
    for (uint32_t i = 0; i < batch.size(); ++i) out.push_back({batch[i].get_long(0), batch[i].get_long(1)});
  });
  InputHandle in = app->Input("S");
  // Batches of a few events: candidates are checked one event at a time either way.
  EventBatch batch = in.NewBatch();
  for (size_t e = 0; e < events.rows.size(); ++e) {
    batch.Add(static_cast<int64_t>(e));
    for (uint32_t a = 0; a < events.rows[e].size(); ++a) batch.Set(a, events.rows[e][a]);
    if (batch.size() == 7) {
      in.Send(batch);
      batch.Clear();
    }
  }
  in.Send(batch);
  return {out, app->Explain()};
}

TEST_CASE("comparisons on the stored event match the general evaluators") {
  const Events events(11, 120);
  int compared = 0;
  for (size_t x = 0; x < kTypes.size(); ++x) {
    for (size_t y = 0; y < kTypes.size(); ++y) {
      const bool numeric = IsNumeric(kTypes[x]) && IsNumeric(kTypes[y]);
      if (!numeric && kTypes[x] != kTypes[y]) continue;
      for (const char* op : {"==", "!=", "<", "<=", ">", ">="}) {
        if (!numeric && std::string(op) != "==" && std::string(op) != "!=") continue;
        const std::string event = kAttributes[x];
        const std::string stored = std::string("e1.") + kAttributes[y];
        for (const std::string& condition : {event + " " + op + " " + stored, stored + " " + op + " " + event}) {
          CAPTURE(condition);
          const auto [fast, fast_plan] = Matches(condition, events);
          const auto [general, general_plan] = Matches("(" + condition + ") == true", events);
          // (An equality of one indexable type is the index instead.)
          REQUIRE((fast_plan.find(" compare=") != std::string::npos || fast_plan.find(" index=") != std::string::npos));
          REQUIRE(fast_plan.find(" correlated(") == std::string::npos);
          REQUIRE(general_plan.find(" correlated(") != std::string::npos);
          CHECK(fast == general);
          ++compared;
        }
      }
    }
  }
  CHECK(compared == 2 * (16 * 6 + 2 * 2));
}

TEST_CASE("comparisons on the stored event meet the index and the frame in one condition") {
  const Events events(5, 150);
  for (const char* condition : {"s == e1.s and d < e1.d", "s == e1.s and d < e1.d and i + 0 >= e1.i",
                                "e1.l != l and eventTimestamp(e1) < k", "i > e1.i and e1.f <= f"}) {
    CAPTURE(condition);
    const std::string general = std::string("(") + condition + ") == true";
    CHECK(Matches(condition, events).first == Matches(general, events).first);
  }
}

TEST_CASE("a comparison of an unbound position is false, as a null") {
  // e3 is not matched yet when e2 is tried: e2 never matches.
  auto app = App::Compile(std::string(kStream) +
                              "from e1=S -> e2=S[l == e3.l] -> e3=S select e1.k insert into O;",
                          {.playback = true});
  CHECK(app->Explain().find("compare=l==2.l") != std::string::npos);
  int matches = 0;
  app->Subscribe("O", [&matches](const EventBatchView& batch) { matches += static_cast<int>(batch.size()); });
  InputHandle in = app->Input("S");
  for (int64_t e = 0; e < 5; ++e) {
    in.Send(e, {Value::Long(e), Value::Int(1), Value::Long(1), Value::Float(1), Value::Double(1), Value::String("a"),
                Value::Bool(true)});
  }
  CHECK(matches == 0);
}

TEST_CASE("WidenSlot and CompareSlots agree with the comparison evaluators") {
  using runtime::CompareOp;
  const std::vector<Value> values = {Value::Int(-2),           Value::Int(3),        Value::Long(3),
                                     Value::Long(INT64_MAX),   Value::Float(2.5f),   Value::Float(3),
                                     Value::Double(3),         Value::Double(-0.0),  Value::Double(2.5),
                                     Value::Long((int64_t{1} << 53) + 1), Value::Double(9007199254740992.0)};
  auto slot = [](const Value& v) {
    Slot s{};
    switch (v.type()) {
      case Type::kInt: s.i32 = v.as_int(); break;
      case Type::kLong: s.i64 = v.as_long(); break;
      case Type::kFloat: s.f32 = v.as_float(); break;
      default: s.f64 = v.as_double(); break;
    }
    return s;
  };
  for (const Value& a : values) {
    for (const Value& b : values) {
      // The type both are compared as, as the planner picks it.
      Type as = static_cast<int>(a.type()) >= static_cast<int>(b.type()) ? a.type() : b.type();
      if (a.type() != b.type() && as == Type::kFloat) as = Type::kDouble;
      for (CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kLe, CompareOp::kGt,
                           CompareOp::kGe}) {
        auto general = runtime::MakeComparison(op, runtime::MakeWiden(runtime::MakeLiteral(a), as),
                                               runtime::MakeWiden(runtime::MakeLiteral(b), as));
        const bool expected = general->Eval(runtime::EvalFrame{nullptr, 1, {}, 0}).at(0).b;
        const Slot x = runtime::WidenSlot(slot(a), a.type(), as);
        const Slot y = runtime::WidenSlot(slot(b), b.type(), as);
        CAPTURE(a.ToString());
        CAPTURE(b.ToString());
        CHECK(runtime::CompareSlots(op, as, x, y) == expected);
        CHECK(runtime::CompareSlots(runtime::Mirrored(op), as, y, x) == expected);
        if (a.type() == as && b.type() == as) CHECK(runtime::TypedComparison(op, as)(x, y) == expected);
      }
    }
  }
}

}  // namespace
}  // namespace eddy
