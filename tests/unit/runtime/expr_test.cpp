// Expression semantics (LANGUAGE.md §3), compiled by the planner from text and
// evaluated over a chunk.
#include <doctest/doctest.h>

#include <limits>

#include "parser/parse.h"
#include "planner/expr_compiler.h"
#include "planner/scope.h"
#include "runtime/expr/java_format.h"

namespace eddy {
namespace {

using runtime::EventChunk;
using runtime::Schema;

struct Row {
  std::vector<Value> values;
};

// Evaluates `text` over rows of (i int, l long, f float, d double, s string, b bool).
std::vector<Value> Eval(const std::string& text, const std::vector<Row>& rows) {
  static const Schema schema({{"i", Type::kInt}, {"l", Type::kLong}, {"f", Type::kFloat},
                              {"d", Type::kDouble}, {"s", Type::kString}, {"b", Type::kBool}});
  EventChunk chunk(&schema);
  for (const Row& r : rows) {
    const uint32_t row = chunk.Append(0, EventKind::kCurrent);
    for (uint32_t a = 0; a < r.values.size(); ++a) {
      const Value& v = r.values[a];
      if (v.is_null()) continue;
      Slot s{};
      switch (schema.type(a)) {
        case Type::kInt: s.i32 = v.as_int(); break;
        case Type::kLong: s.i64 = v.as_long(); break;
        case Type::kFloat: s.f32 = v.as_float(); break;
        case Type::kDouble: s.f64 = v.as_double(); break;
        case Type::kString: s.str = StrRep::Make(v.as_string()); break;
        default: s.b = v.as_bool(); break;
      }
      chunk.AdoptSlot(row, a, s, false);
    }
  }
  planner::InputScope scope({planner::ScopeInput{"S", "", false, false, &schema, 0}});
  ast::ExprPtr expr = parser::ParseExpression(text);
  runtime::EvaluatorPtr e = planner::CompileExpr(*expr, planner::ExprContext{&scope});
  const runtime::ColumnView v = e->Eval(runtime::EvalFrame{&chunk, chunk.size(), {}, 1234});
  std::vector<Value> out;
  const Type type = e->type();
  for (uint32_t i = 0; i < chunk.size(); ++i) {
    out.push_back(EventView(0, &v.data[size_t{i} * v.stride], &v.nulls[size_t{i} * v.null_stride], &type, 1).value(0));
  }
  return out;
}

Value One(const std::string& text, Row row = {{Value::Int(7), Value::Long(3), Value::Float(1.5f),
                                               Value::Double(2.5), Value::String("abc"), Value::Bool(true)}}) {
  return Eval(text, {row})[0];
}

Row Nulls() {
  return {{Value::Null(Type::kInt), Value::Null(Type::kLong), Value::Null(Type::kFloat),
           Value::Null(Type::kDouble), Value::Null(Type::kString), Value::Null(Type::kBool)}};
}

std::string CompileError(const std::string& text) {
  try {
    One(text);
  } catch (const eddy::CompileError& e) {
    return e.message();
  }
  return "";
}

TEST_CASE("numeric promotion picks the widest type") {
  CHECK(One("i + l") == Value::Long(10));
  CHECK(One("i * f") == Value::Float(10.5f));
  CHECK(One("f + d") == Value::Double(4.0));
  CHECK(One("i / 2") == Value::Int(3));
  CHECK(One("-7 / 2") == Value::Int(-3));
  CHECK(One("-7 % 2") == Value::Int(-1));
  CHECK(One("d % 1") == Value::Double(0.5));
}

TEST_CASE("division and modulo by zero are null for every type") {
  CHECK(One("i / 0").is_null());
  CHECK(One("l % 0L").is_null());
  CHECK(One("d / 0.0").is_null());
  CHECK(One("f % 0f").is_null());
}

TEST_CASE("int and long arithmetic wrap on overflow") {
  CHECK(One("2147483647 + 1") == Value::Int(std::numeric_limits<int32_t>::min()));
  CHECK(One("-2147483648 / -1") == Value::Int(std::numeric_limits<int32_t>::min()));
  CHECK(One("9223372036854775807L + 1L") == Value::Long(std::numeric_limits<int64_t>::min()));
}

TEST_CASE("null operands give null; comparisons with null are false, != included") {
  CHECK(Eval("i + 1", {Nulls()})[0].is_null());
  CHECK(Eval("i > 1", {Nulls()})[0] == Value::Bool(false));
  CHECK(Eval("i != 1", {Nulls()})[0] == Value::Bool(false));
  CHECK(Eval("s == 'x'", {Nulls()})[0] == Value::Bool(false));
  CHECK(Eval("b and true", {Nulls()})[0] == Value::Bool(false));
  CHECK(Eval("b or true", {Nulls()})[0] == Value::Bool(true));
  CHECK(Eval("not b", {Nulls()})[0] == Value::Bool(true));
  CHECK(Eval("s is null", {Nulls()})[0] == Value::Bool(true));
}

TEST_CASE("mixed comparisons widen; a float is widened to double") {
  CHECK(One("i > 6.5") == Value::Bool(true));
  CHECK(One("l == 3") == Value::Bool(true));
  Row row = {{Value::Int(0), Value::Long(0), Value::Float(55.6f), Value::Double(0), Value::String(""), Value::Bool(true)}};
  CHECK(One("f == 55.6", row) == Value::Bool(false));
  CHECK(One("f == 55.6f", row) == Value::Bool(true));
  CHECK(One("s == 'abc'") == Value::Bool(true));
  CHECK(One("b == true") == Value::Bool(true));
}

TEST_CASE("convert follows Java's conversions") {
  CHECK(One("convert(d, 'string')") == Value::String("2.5"));
  CHECK(One("convert(1e10, 'string')") == Value::String("1.0E10"));
  CHECK(One("convert(f, 'int')") == Value::Int(1));
  CHECK(One("convert(s, 'int')").is_null());
  CHECK(One("convert('42', 'long')") == Value::Long(42));
  CHECK(One("convert(' 2.5 ', 'double')") == Value::Double(2.5));
  CHECK(One("convert('TRUE', 'bool')") == Value::Bool(true));
  CHECK(One("convert(b, 'int')") == Value::Int(1));
  CHECK(One("convert(1, 'bool')") == Value::Bool(true));
  CHECK(One("convert(2, 'bool')") == Value::Bool(false));
  CHECK(Eval("convert(d, 'string')", {Nulls()})[0].is_null());
}

TEST_CASE("coalesce, default, ifThenElse, instanceOf") {
  CHECK(Eval("coalesce(s, 'none')", {Nulls()})[0] == Value::String("none"));
  CHECK(One("default(i, 5)") == Value::Int(7));
  CHECK(Eval("default(i, 5)", {Nulls()})[0] == Value::Int(5));
  CHECK(One("ifThenElse(i > 5, 'big', 'small')") == Value::String("big"));
  CHECK(Eval("ifThenElse(b, 1, 2)", {Nulls()})[0] == Value::Int(2));
  CHECK(One("instanceOfString(s)") == Value::Bool(true));
  CHECK(One("instanceOfLong(i)") == Value::Bool(false));
  CHECK(Eval("instanceOfString(s)", {Nulls()})[0] == Value::Bool(false));
}

TEST_CASE("maximum and minimum keep Siddhi's initial values") {
  CHECK(One("maximum(i, 3, 9)") == Value::Int(9));
  CHECK(One("maximum(-1, -5)") == Value::Int(0));
  CHECK(One("maximum(-1.0, -5.0)") == Value::Double(std::numeric_limits<double>::denorm_min()));
  CHECK(One("minimum(i, 3, 9)") == Value::Int(3));
  CHECK(Eval("minimum(i, i)", {Nulls()})[0] == Value::Int(std::numeric_limits<int32_t>::max()));
}

TEST_CASE("clock, UUID and sets") {
  CHECK(One("currentTimeMillis()") == Value::Long(1234));
  CHECK(One("eventTimestamp()") == Value::Long(0));
  const Value uuid = One("UUID()");
  CHECK(uuid.as_string().size() == 36);
  CHECK(uuid.as_string()[14] == '4');
  CHECK(One("sizeOfSet(createSet(s))") == Value::Int(1));
}

TEST_CASE("type errors at compile time") {
  CHECK(CompileError("s + i").find("needs numbers") != std::string::npos);
  CHECK(CompileError("s > 'a'").find("compares numbers only") != std::string::npos);
  CHECK(CompileError("i and b").find("operands of 'and' must be bool") != std::string::npos);
  CHECK(CompileError("not d").find("must be bool") != std::string::npos);
  CHECK(CompileError("convert(s)").find("takes 2 arguments") != std::string::npos);
  CHECK(CompileError("default(d, 1)").find("default value 1 is int") != std::string::npos);
  CHECK(CompileError("coalesce(i, l)").find("one type") != std::string::npos);
  CHECK(CompileError("ifThenElse(b, 1, 'x')").find("one type") != std::string::npos);
  CHECK(CompileError("foo(i)").find("unknown function 'foo'") != std::string::npos);
  CHECK(CompileError("convrt(i, 'int')").find("did you mean 'convert'") != std::string::npos);
  CHECK(CompileError("str:concat(s, s)").find("extension function") != std::string::npos);
  CHECK(CompileError("sum(i)").find("only allowed in select and having") != std::string::npos);
  CHECK(CompileError("eventTimestamp(s)").find("event reference") != std::string::npos);
}

TEST_CASE("Java number formatting") {
  using runtime::FormatJavaDouble;
  using runtime::FormatJavaFloat;
  CHECK(FormatJavaDouble(1.0) == "1.0");
  CHECK(FormatJavaDouble(100.0) == "100.0");
  CHECK(FormatJavaDouble(9999999.0) == "9999999.0");
  CHECK(FormatJavaDouble(1e7) == "1.0E7");
  CHECK(FormatJavaDouble(1e10) == "1.0E10");
  CHECK(FormatJavaDouble(0.001) == "0.001");
  CHECK(FormatJavaDouble(1e-4) == "1.0E-4");
  CHECK(FormatJavaDouble(-2.5) == "-2.5");
  CHECK(FormatJavaDouble(-0.0) == "-0.0");
  CHECK(FormatJavaDouble(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(FormatJavaDouble(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(FormatJavaDouble(std::numeric_limits<double>::denorm_min()) == "4.9E-324");
  CHECK(FormatJavaFloat(55.6f) == "55.6");
  CHECK(FormatJavaFloat(2.0f) == "2.0");
}

}  // namespace
}  // namespace eddy
