#include "parser/parse.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace eddy::parser {
namespace {

std::string MessageOf(const std::string& text) {
  try {
    ParseApp(text);
  } catch (const CompileError& e) {
    return e.message();
  }
  return "";
}

TEST_CASE("stream definitions, keywords as names, case-insensitive keywords") {
  ast::App app = ParseApp("DEFINE Stream S (last int, window string, `price($)` double);");
  REQUIRE(app.definitions.size() == 1);
  const auto& def = std::get<ast::StreamDef>(app.definitions[0]);
  CHECK(def.name == "S");
  REQUIRE(def.attributes.size() == 3);
  CHECK(def.attributes[0].name == "last");
  CHECK(def.attributes[1].name == "window");
  CHECK(def.attributes[2].name == "price($)");
  CHECK(def.attributes[2].type == Type::kDouble);
  CHECK(def.name_span.line == 1);
  CHECK(def.name_span.column == 15);
}

TEST_CASE("every definition kind") {
  ast::App app = ParseApp(
      "@app:name('X') @app:playback\n"
      "define stream S (a int);\n"
      "@PrimaryKey('a') define table T (a int);\n"
      "define window W (a int) time(1 min) output expired events;\n"
      "define trigger T1 at every 5 sec;\n"
      "define trigger T2 at 'start';\n"
      "define trigger T3 at '0 15 10 ? * MON-FRI';\n"
      "define function f[javascript] return double { return data[0] * {2}; };\n"
      "define aggregation Agg from S select sum(a) as total group by a aggregate by a every sec ... year;");
  REQUIRE(app.annotations.size() == 2);
  CHECK(app.annotations[0].name == "app:name");
  CHECK(app.annotations[0].elements[0].value == "X");
  REQUIRE(app.definitions.size() == 8);
  CHECK(std::get<ast::TableDef>(app.definitions[1]).annotations[0].name == "PrimaryKey");
  const auto& window = std::get<ast::WindowDef>(app.definitions[2]);
  CHECK(window.window.name == "time");
  CHECK(window.output == ast::EventType::kExpired);
  CHECK(std::get<ast::TriggerDef>(app.definitions[3]).every_ms == 5000);
  CHECK(std::get<ast::TriggerDef>(app.definitions[4]).kind == ast::TriggerDef::Kind::kStart);
  CHECK(std::get<ast::TriggerDef>(app.definitions[5]).cron == "0 15 10 ? * MON-FRI");
  CHECK(std::get<ast::FunctionDef>(app.definitions[6]).body == " return data[0] * {2}; ");
  const auto& agg = std::get<ast::AggregationDef>(app.definitions[7]);
  CHECK(agg.range);
  CHECK(agg.durations.front() == ast::Duration::kSeconds);
  CHECK(agg.durations.back() == ast::Duration::kYears);
}

TEST_CASE("literals: numbers, strings without escapes, time") {
  ast::App app = ParseApp(
      "define stream S (a int);\n"
      "from S select 42 as i, -7 as n, 42L as l, 1.5f as f, .5 as d, 3e2 as e, 2d as dd,\n"
      "  'a\\b' as s1, \"q'uote\" as s2, \"\"\"multi\nline\"\"\" as s3, true as t, 1 min 30 sec as ms\n"
      "insert into O;");
  const auto& q = std::get<ast::Query>(app.elements[0]);
  const auto& attrs = q.selector.attributes;
  REQUIRE(attrs.size() == 12);
  CHECK(std::get<int32_t>(attrs[0].expr->literal.value) == 42);
  CHECK(std::get<int32_t>(attrs[1].expr->literal.value) == -7);
  CHECK(std::get<int64_t>(attrs[2].expr->literal.value) == 42);
  CHECK(std::get<float>(attrs[3].expr->literal.value) == 1.5f);
  CHECK(std::get<double>(attrs[4].expr->literal.value) == 0.5);
  CHECK(std::get<double>(attrs[5].expr->literal.value) == 300.0);
  CHECK(attrs[6].expr->literal.type == Type::kDouble);
  CHECK(std::get<std::string>(attrs[7].expr->literal.value) == "a\\b");
  CHECK(std::get<std::string>(attrs[8].expr->literal.value) == "q'uote");
  CHECK(std::get<std::string>(attrs[9].expr->literal.value) == "multi\nline");
  CHECK(std::get<bool>(attrs[10].expr->literal.value));
  CHECK(std::get<int64_t>(attrs[11].expr->literal.value) == 90000);
  CHECK(attrs[11].expr->literal.is_time);
}

TEST_CASE("expression precedence") {
  ast::App app = ParseApp("define stream S (a int, b int, c bool);\nfrom S[a + b * 2 > 3 and not c or c] select a insert into O;");
  const auto& input = std::get<ast::StreamInput>(std::get<ast::Query>(app.elements[0]).input);
  const ast::Expr& e = *input.handlers[0].filter;
  REQUIRE(e.kind == ast::Expr::Kind::kBinary);
  CHECK(e.op == ast::BinaryOp::kOr);
  CHECK(e.lhs->op == ast::BinaryOp::kAnd);
  CHECK(e.lhs->lhs->op == ast::BinaryOp::kGt);
  CHECK(e.lhs->lhs->lhs->op == ast::BinaryOp::kAdd);
  CHECK(e.lhs->lhs->lhs->rhs->op == ast::BinaryOp::kMul);
  CHECK(e.lhs->rhs->kind == ast::Expr::Kind::kNot);
}

TEST_CASE("inputs: handlers, windows, joins, anonymous queries") {
  ast::App app = ParseApp(
      "define stream S (a int); define stream T (a int);\n"
      "from S[a > 1]#window.length(5)#[a < 9]#log('x') select a insert all events into O;\n"
      "from S#window.time(1 sec) as s unidirectional left outer join T#window.length(1) as t on s.a == t.a select s.a insert into J;\n"
      "from (from S select a return) select a insert into A;");
  const auto& q1 = std::get<ast::Query>(app.elements[0]);
  const auto& in = std::get<ast::StreamInput>(q1.input);
  REQUIRE(in.handlers.size() == 4);
  CHECK(in.handlers[1].kind == ast::StreamHandler::Kind::kWindow);
  CHECK(in.handlers[1].call.name == "length");
  CHECK(in.handlers[3].call.name == "log");
  CHECK(q1.action.event_type == ast::EventType::kAll);
  const auto& join = std::get<ast::JoinInput>(std::get<ast::Query>(app.elements[1]).input);
  CHECK(join.type == ast::JoinType::kLeftOuter);
  CHECK(join.left.alias == "s");
  CHECK(join.left.unidirectional);
  CHECK(join.on != nullptr);
  const auto& anon = std::get<ast::StreamInput>(std::get<ast::Query>(app.elements[2]).input);
  REQUIRE(anon.anonymous != nullptr);
  CHECK(anon.anonymous->action.kind == ast::OutputAction::Kind::kReturn);
}

TEST_CASE("patterns and sequences") {
  ast::App app = ParseApp(
      "define stream A (p int); define stream B (p int);\n"
      "from every e1=A[p > 20]<2:5> -> e2=B[p > e1[last].p] within 10 sec select e1[0].p as f insert into O;\n"
      "from every e1=A, e2=B+, e3=A? select e1.p as x insert into Q;\n"
      "from not A[p > 1] for 5 sec and e2=B select e2.p as x insert into R;");
  const auto& p = std::get<ast::PatternInput>(std::get<ast::Query>(app.elements[0]).input);
  CHECK_FALSE(p.sequence);
  CHECK(p.within_ms == 10000);
  REQUIRE(p.root->kind == ast::PatternNode::Kind::kFollowedBy);
  const ast::PatternNode& every = *p.root->children[0];
  CHECK(every.kind == ast::PatternNode::Kind::kEvery);
  CHECK(every.children[0]->min_count == 2);
  CHECK(every.children[0]->max_count == 5);
  CHECK(every.children[0]->ref == "e1");
  const auto& s = std::get<ast::PatternInput>(std::get<ast::Query>(app.elements[1]).input);
  CHECK(s.sequence);
  CHECK(s.root->children[1]->min_count == 1);
  CHECK(s.root->children[1]->max_count == -1);
  CHECK(s.root->children[2]->max_count == 1);
  const auto& r = std::get<ast::PatternInput>(std::get<ast::Query>(app.elements[2]).input);
  CHECK(r.root->kind == ast::PatternNode::Kind::kAnd);
  CHECK(r.root->children[0]->kind == ast::PatternNode::Kind::kAbsent);
  CHECK(r.root->children[0]->for_ms == 5000);
}

TEST_CASE("selectors, rate limits, output actions, partitions") {
  ast::App app = ParseApp(
      "define stream S (a int, b string); define table T (a int, b string);\n"
      "from S select b, count() as n group by b having n > 2 order by n desc, b limit 3 offset 1 output last every 5 events insert into O;\n"
      "from S select a, b update or insert into T set T.b = b on T.a == a;\n"
      "from S delete T for expired events on T.a == a;\n"
      "partition with (b of S) begin from S select a insert into #I; from #I select a insert into P; end;\n"
      "partition with (a < 10 as 'low' or a >= 10 as 'high' of S) begin from S select a insert into P2; end;");
  const auto& q = std::get<ast::Query>(app.elements[0]);
  CHECK(q.selector.group_by.size() == 1);
  CHECK(q.selector.having != nullptr);
  REQUIRE(q.selector.order_by.size() == 2);
  CHECK(q.selector.order_by[0].descending);
  CHECK(q.rate.kind == ast::OutputRate::Kind::kEvents);
  CHECK(q.rate.which == ast::OutputRate::Which::kLast);
  CHECK(q.rate.value == 5);
  const auto& upsert = std::get<ast::Query>(app.elements[1]).action;
  CHECK(upsert.kind == ast::OutputAction::Kind::kUpdateOrInsert);
  CHECK(upsert.set.size() == 1);
  CHECK(std::get<ast::Query>(app.elements[2]).action.event_type == ast::EventType::kExpired);
  const auto& part = std::get<ast::Partition>(app.elements[3]);
  CHECK(part.queries.size() == 2);
  CHECK(part.queries[0].action.target_inner);
  const auto& range = std::get<ast::Partition>(app.elements[4]);
  CHECK(range.keys[0].ranges.size() == 2);
  CHECK(range.keys[0].ranges[1].label == "high");
}

TEST_CASE("on-demand queries") {
  ast::OnDemandQuery q = ParseOnDemandQuery("from T on T.a > 3 select a, b order by a limit 2");
  CHECK(q.source == "T");
  CHECK(q.on != nullptr);
  CHECK(q.selector.limit != nullptr);
  ast::OnDemandQuery del = ParseOnDemandQuery("delete T on T.a == 1");
  REQUIRE(del.action.has_value());
  CHECK(del.action->kind == ast::OutputAction::Kind::kDelete);
}

TEST_CASE("syntax errors say what is wrong, where") {
  CHECK(MessageOf("define stream S (a int)\nfrom S select a insert into O;").find("';' is missing") != std::string::npos);
  CHECK(MessageOf("define stream S (a int);\nfrom S select -a as x insert into O;").find("no unary minus") != std::string::npos);
  CHECK(MessageOf("define stream S (s string);\nfrom S[s == 'abc] select s insert into O;").find("unterminated string") != std::string::npos);
  CHECK(MessageOf("define stream S (a int);\nfrom S select 30 sec 1 min as t insert into O;").find("time units must decrease") != std::string::npos);
  CHECK(MessageOf("define stream S (a int);\nfrom S select 1.5 sec as t insert into O;").find("whole numbers") != std::string::npos);
  CHECK(MessageOf("define stream S (a int);\nfrom S select 99999999999 as t insert into O;").find("does not fit in int") != std::string::npos);
  CHECK(MessageOf("define stream S (a int);\nfrom S outer join S select a insert into O;").find("left outer join") != std::string::npos);
  CHECK(MessageOf("define stream S (a int);\nfrom S[a > 5 select a insert into O;").find("the '[' at 2:7 is not closed") !=
        std::string::npos);
  CHECK(MessageOf("from S select a insert into O;").find("") != std::string::npos);
  try {
    ParseApp("define stream S (a int);\nfrom S[a >] select a insert into O;");
    FAIL("expected a syntax error");
  } catch (const CompileError& e) {
    CHECK(e.location().line == 2);
    CHECK(e.location().column == 11);
  }
}

TEST_CASE("every non-error conformance app parses") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(EDDY_SOURCE_DIR) / "tests/conformance/siddhi";
  REQUIRE(fs::exists(root));
  int parsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename() != "app.siddhiql") continue;
    if (entry.path().string().find("/errors/") != std::string::npos) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    INFO(entry.path().string());
    CHECK_NOTHROW(ParseApp(text.str()));
    ++parsed;
  }
  CHECK(parsed == 183);
}

}  // namespace
}  // namespace eddy::parser
