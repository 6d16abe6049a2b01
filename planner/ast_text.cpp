#include "planner/ast_text.h"

#include <charconv>

namespace eddy::planner {
namespace {

const char* OpText(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kOr: return "or";
    case ast::BinaryOp::kAnd: return "and";
    case ast::BinaryOp::kEq: return "==";
    case ast::BinaryOp::kNe: return "!=";
    case ast::BinaryOp::kLt: return "<";
    case ast::BinaryOp::kLe: return "<=";
    case ast::BinaryOp::kGt: return ">";
    case ast::BinaryOp::kGe: return ">=";
    case ast::BinaryOp::kAdd: return "+";
    case ast::BinaryOp::kSub: return "-";
    case ast::BinaryOp::kMul: return "*";
    case ast::BinaryOp::kDiv: return "/";
    case ast::BinaryOp::kMod: return "%";
  }
  return "?";
}

template <typename T>
std::string Number(T v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string LiteralText(const ast::Literal& lit) {
  switch (lit.type) {
    case Type::kString: return "'" + std::get<std::string>(lit.value) + "'";
    case Type::kInt: return Number(std::get<int32_t>(lit.value));
    case Type::kLong:
      return Number(std::get<int64_t>(lit.value)) + (lit.is_time ? " millisec" : "L");
    case Type::kFloat: return Number(std::get<float>(lit.value)) + "f";
    case Type::kDouble: {
      std::string s = Number(std::get<double>(lit.value));
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case Type::kBool: return std::get<bool>(lit.value) ? "true" : "false";
    case Type::kObject: return "?";
  }
  return "?";
}

}  // namespace

std::string AttributeRefText(const ast::AttributeRef& ref) {
  std::string out;
  if (!ref.qualifier.empty()) {
    if (ref.inner) out += '#';
    if (ref.fault) out += '!';
    out += ref.qualifier;
    if (ref.index) {
      out += '[';
      if (ref.index->kind == ast::EventIndex::Kind::kLast) {
        out += "last";
        if (ref.index->number > 0) out += "-" + std::to_string(ref.index->number);
      } else {
        out += std::to_string(ref.index->number);
      }
      out += ']';
    }
    if (!ref.name.empty()) out += '.';
  }
  return out + ref.name;
}

std::string CallText(const ast::FunctionCall& call) {
  std::string out = call.ns.empty() ? call.name : call.ns + ":" + call.name;
  out += '(';
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (i > 0) out += ", ";
    out += ExprText(*call.args[i]);
  }
  return out + ')';
}

std::string ExprText(const ast::Expr& expr) {
  switch (expr.kind) {
    case ast::Expr::Kind::kLiteral: return LiteralText(expr.literal);
    case ast::Expr::Kind::kAttribute: return AttributeRefText(expr.attribute);
    case ast::Expr::Kind::kNot: return "not " + ExprText(*expr.lhs);
    case ast::Expr::Kind::kBinary:
      return "(" + ExprText(*expr.lhs) + " " + OpText(expr.op) + " " + ExprText(*expr.rhs) + ")";
    case ast::Expr::Kind::kIsNull: return ExprText(*expr.lhs) + " is null";
    case ast::Expr::Kind::kCall: return CallText(expr.call);
    case ast::Expr::Kind::kIn: return ExprText(*expr.lhs) + " in " + expr.table;
  }
  return "?";
}

}  // namespace eddy::planner
