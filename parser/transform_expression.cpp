#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "parser/transformer.h"

namespace eddy::parser {
namespace {

ast::ExprPtr MakeBinary(ast::BinaryOp op, ast::ExprPtr lhs, ast::ExprPtr rhs) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::Expr::Kind::kBinary;
  e->op = op;
  e->span.line = lhs->span.line;
  e->span.column = lhs->span.column;
  e->span.offset = lhs->span.offset;
  e->span.length = rhs->span.offset + rhs->span.length - lhs->span.offset;
  e->lhs = std::move(lhs);
  e->rhs = std::move(rhs);
  return e;
}

ast::BinaryOp OpOf(const std::string& text) {
  if (text == "==") return ast::BinaryOp::kEq;
  if (text == "!=") return ast::BinaryOp::kNe;
  if (text == "<") return ast::BinaryOp::kLt;
  if (text == "<=") return ast::BinaryOp::kLe;
  if (text == ">") return ast::BinaryOp::kGt;
  if (text == ">=") return ast::BinaryOp::kGe;
  if (text == "+") return ast::BinaryOp::kAdd;
  if (text == "-") return ast::BinaryOp::kSub;
  if (text == "*") return ast::BinaryOp::kMul;
  if (text == "/") return ast::BinaryOp::kDiv;
  return ast::BinaryOp::kMod;
}

// Left-associative chain `a op b op c` over a rule's children: operands are rule
// contexts, operators terminal nodes.
template <typename Operand, typename Fn>
ast::ExprPtr FoldChain(antlr4::ParserRuleContext& ctx, Fn transform) {
  ast::ExprPtr result;
  std::string pending_op;
  for (antlr4::tree::ParseTree* child : ctx.children) {
    if (auto* operand = dynamic_cast<Operand*>(child)) {
      ast::ExprPtr next = transform(*operand);
      result = result ? MakeBinary(OpOf(pending_op), std::move(result), std::move(next)) : std::move(next);
    } else {
      pending_op = child->getText();
      for (char& c : pending_op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return result;
}

}  // namespace

ast::ExprPtr Transformer::TransformExpression(P::ExpressionContext& ctx) {
  return TransformOr(*ctx.orExpression());
}

ast::ExprPtr Transformer::TransformOr(P::OrExpressionContext& ctx) {
  ast::ExprPtr result;
  for (P::AndExpressionContext* operand : ctx.andExpression()) {
    ast::ExprPtr next = TransformAnd(*operand);
    result = result ? MakeBinary(ast::BinaryOp::kOr, std::move(result), std::move(next)) : std::move(next);
  }
  return result;
}

ast::ExprPtr Transformer::TransformAnd(P::AndExpressionContext& ctx) {
  ast::ExprPtr result;
  for (P::InExpressionContext* operand : ctx.inExpression()) {
    ast::ExprPtr next = TransformIn(*operand);
    result = result ? MakeBinary(ast::BinaryOp::kAnd, std::move(result), std::move(next)) : std::move(next);
  }
  return result;
}

ast::ExprPtr Transformer::TransformIn(P::InExpressionContext& ctx) {
  ast::ExprPtr operand = TransformEquality(*ctx.equalityExpression());
  if (ctx.IN() == nullptr) return operand;
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::Expr::Kind::kIn;
  e->span = SpanOf(&ctx);
  e->lhs = std::move(operand);
  e->table = TransformName(*ctx.name());
  return e;
}

ast::ExprPtr Transformer::TransformEquality(P::EqualityExpressionContext& ctx) {
  return FoldChain<P::RelationalExpressionContext>(ctx, [this](auto& c) { return TransformRelational(c); });
}

ast::ExprPtr Transformer::TransformRelational(P::RelationalExpressionContext& ctx) {
  return FoldChain<P::AdditiveExpressionContext>(ctx, [this](auto& c) { return TransformAdditive(c); });
}

ast::ExprPtr Transformer::TransformAdditive(P::AdditiveExpressionContext& ctx) {
  return FoldChain<P::MultiplicativeExpressionContext>(ctx,
                                                       [this](auto& c) { return TransformMultiplicative(c); });
}

ast::ExprPtr Transformer::TransformMultiplicative(P::MultiplicativeExpressionContext& ctx) {
  return FoldChain<P::NotExpressionContext>(ctx, [this](auto& c) { return TransformNot(c); });
}

ast::ExprPtr Transformer::TransformNot(P::NotExpressionContext& ctx) {
  if (ctx.NOT() == nullptr) return TransformPrimary(*ctx.primaryExpression());
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::Expr::Kind::kNot;
  e->span = SpanOf(&ctx);
  e->lhs = TransformNot(*ctx.notExpression());
  return e;
}

ast::ExprPtr Transformer::TransformPrimary(P::PrimaryExpressionContext& ctx) {
  auto wrap_is_null = [&](ast::ExprPtr operand) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kIsNull;
    e->span = SpanOf(&ctx);
    e->lhs = std::move(operand);
    return e;
  };
  if (auto* paren = dynamic_cast<P::ParenthesizedContext*>(&ctx)) {
    ast::ExprPtr inner = TransformExpression(*paren->expression());
    return inner;
  }
  if (auto* call = dynamic_cast<P::CallExpressionContext*>(&ctx)) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kCall;
    e->call = TransformCall(*call->functionCall());
    e->span = e->call.span;
    return call->IS() ? wrap_is_null(std::move(e)) : std::move(e);
  }
  if (auto* event = dynamic_cast<P::EventIsNullContext*>(&ctx)) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kAttribute;
    e->span = SpanOf(event->eventReference());
    e->attribute.qualifier = TransformName(*event->eventReference()->name());
    e->attribute.index = TransformEventIndex(*event->eventReference()->eventIndex());
    return wrap_is_null(std::move(e));
  }
  if (auto* attr = dynamic_cast<P::AttributeExpressionContext*>(&ctx)) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kAttribute;
    e->span = SpanOf(attr->attributeReference());
    e->attribute = TransformAttributeRef(*attr->attributeReference());
    return attr->IS() ? wrap_is_null(std::move(e)) : std::move(e);
  }
  auto* constant = dynamic_cast<P::ConstantExpressionContext*>(&ctx);
  return TransformConstant(*constant->constant());
}

ast::ExprPtr Transformer::TransformConstant(P::ConstantContext& ctx) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::Expr::Kind::kLiteral;
  e->span = SpanOf(&ctx);
  ast::Literal& lit = e->literal;
  if (ctx.timeValue() != nullptr) {
    lit.type = Type::kLong;
    lit.value = TransformTime(*ctx.timeValue());
    lit.is_time = true;
    return e;
  }
  if (ctx.stringLiteral() != nullptr) {
    lit.type = Type::kString;
    lit.value = TransformString(*ctx.stringLiteral());
    return e;
  }
  if (ctx.TRUE() != nullptr || ctx.FALSE() != nullptr) {
    lit.type = Type::kBool;
    lit.value = ctx.TRUE() != nullptr;
    return e;
  }
  // A signed number: the sign belongs to the literal.
  std::string text = ctx.getText();
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.erase(0, 1);
  }
  const std::string sign = negative ? "-" : "";
  if (ctx.INT_LITERAL() != nullptr) {
    const std::string digits = sign + text;
    errno = 0;
    const long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max()) {
      SyntaxError(e->span, "integer literal " + digits + " does not fit in int; write " + digits + "L for a long");
    }
    lit.type = Type::kInt;
    lit.value = static_cast<int32_t>(v);
  } else if (ctx.LONG_LITERAL() != nullptr) {
    const std::string digits = sign + text.substr(0, text.size() - 1);
    errno = 0;
    const long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) SyntaxError(e->span, "long literal " + digits + " is out of range");
    lit.type = Type::kLong;
    lit.value = static_cast<int64_t>(v);
  } else if (ctx.FLOAT_LITERAL() != nullptr) {
    lit.type = Type::kFloat;
    lit.value = std::strtof((sign + text.substr(0, text.size() - 1)).c_str(), nullptr);
  } else {
    if (!text.empty() && (text.back() == 'd' || text.back() == 'D')) text.pop_back();
    lit.type = Type::kDouble;
    lit.value = std::strtod((sign + text).c_str(), nullptr);
  }
  return e;
}

int64_t Transformer::TransformTime(P::TimeValueContext& ctx) {
  static const int64_t kUnitMillis[] = {31536000000LL, 2592000000LL, 604800000LL, 86400000LL,
                                        3600000LL,     60000LL,      1000LL,      1LL};
  int64_t total = 0;
  int previous_rank = -1;
  for (P::TimePartContext* part : ctx.timePart()) {
    const ast::SourceSpan span = SpanOf(part);
    if (part->INT_LITERAL() == nullptr) {
      SyntaxError(span, "'" + part->getText() + "': time amounts must be whole numbers, e.g. 1500 millisec");
    }
    int rank = 0;
    switch (part->timeUnit()->getStart()->getType()) {
      case P::YEARS: rank = 0; break;
      case P::MONTHS: rank = 1; break;
      case P::WEEKS: rank = 2; break;
      case P::DAYS: rank = 3; break;
      case P::HOURS: rank = 4; break;
      case P::MINUTES: rank = 5; break;
      case P::SECONDS: rank = 6; break;
      default: rank = 7; break;
    }
    if (rank <= previous_rank) {
      SyntaxError(span, "time units must decrease and appear once each, as in '1 min 30 sec'");
    }
    previous_rank = rank;
    const int64_t amount = std::strtoll(part->INT_LITERAL()->getText().c_str(), nullptr, 10);
    total += amount * kUnitMillis[rank];
  }
  return total;
}

ast::FunctionCall Transformer::TransformCall(P::FunctionCallContext& ctx) {
  ast::FunctionCall call;
  call.span = SpanOf(&ctx);
  std::vector<P::NameContext*> names = ctx.functionName()->name();
  if (names.size() == 2) {
    call.ns = TransformName(*names[0]);
    call.name = TransformName(*names[1]);
  } else {
    call.name = TransformName(*names[0]);
  }
  for (P::ExpressionContext* arg : ctx.expression()) call.args.push_back(TransformExpression(*arg));
  return call;
}

ast::AttributeRef Transformer::TransformAttributeRef(P::AttributeReferenceContext& ctx) {
  ast::AttributeRef ref;
  std::vector<P::NameContext*> names = ctx.name();
  ref.name = TransformName(*names.back());
  if (names.size() == 2) {
    ref.qualifier = TransformName(*names[0]);
    const std::string first = ctx.getStart()->getText();
    ref.inner = first == "#";
    ref.fault = first == "!";
    if (ctx.eventIndex() != nullptr) ref.index = TransformEventIndex(*ctx.eventIndex());
  }
  return ref;
}

ast::EventIndex Transformer::TransformEventIndex(P::EventIndexContext& ctx) {
  ast::EventIndex index;
  if (ctx.LAST() != nullptr) {
    index.kind = ast::EventIndex::Kind::kLast;
    index.number = ctx.INT_LITERAL() ? std::atoi(ctx.INT_LITERAL()->getText().c_str()) : 0;
  } else {
    index.kind = ast::EventIndex::Kind::kNumber;
    index.number = std::atoi(ctx.INT_LITERAL()->getText().c_str());
  }
  return index;
}

std::string Transformer::TransformName(P::NameContext& ctx) {
  std::string text = ctx.getText();
  if (ctx.QUOTED_ID() != nullptr) return text.substr(1, text.size() - 2);
  return text;
}

std::string Transformer::TransformString(P::StringLiteralContext& ctx) {
  const std::string text = ctx.getText();
  if (text.size() >= 6 && text.compare(0, 3, "\"\"\"") == 0) return text.substr(3, text.size() - 6);
  return text.substr(1, text.size() - 2);
}

}  // namespace eddy::parser
