#include "planner/expr_compiler.h"

#include <algorithm>
#include <cctype>

#include "planner/ast_text.h"
#include "runtime/expr/factory.h"

namespace eddy::planner {

SourceLocation ToLocation(const ast::SourceSpan& span) {
  return SourceLocation{span.line, span.column, span.length};
}

void Fail(const ast::SourceSpan& span, std::string message) {
  throw CompileError(std::move(message), ToLocation(span));
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Quote(const ast::Expr& e) { return "'" + ExprText(e) + "'"; }

std::string TypeText(Type t) { return std::string(TypeName(t)); }

int NumericRank(Type t) {
  switch (t) {
    case Type::kInt: return 0;
    case Type::kLong: return 1;
    case Type::kFloat: return 2;
    default: return 3;
  }
}

Type Wider(Type a, Type b) { return NumericRank(a) >= NumericRank(b) ? a : b; }

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

struct AggregateInfo {
  const char* name;
  int min_args;
  int max_args;
};

// Aggregate functions of LANGUAGE.md §8 (lower-case canonical names).
const AggregateInfo kAggregates[] = {
    {"count", 0, 1},       {"sum", 1, 1},         {"avg", 1, 1},    {"min", 1, 1},
    {"max", 1, 1},         {"minforever", 1, 1},  {"maxforever", 1, 1}, {"distinctcount", 1, 1},
    {"stddev", 1, 1},      {"and", 1, 1},         {"or", 1, 1},     {"unionset", 1, 1},
};

const char* const kFunctions[] = {"cast", "convert", "coalesce", "default", "ifThenElse",
                                  "instanceOfBoolean", "instanceOfDouble", "instanceOfFloat",
                                  "instanceOfInteger", "instanceOfLong", "instanceOfString",
                                  "maximum", "minimum", "UUID", "currentTimeMillis",
                                  "eventTimestamp", "createSet", "sizeOfSet",
                                  "count", "sum", "avg", "min", "max", "minForever", "maxForever",
                                  "distinctCount", "stdDev", "and", "or", "unionSet"};

const AggregateInfo* FindAggregate(std::string_view name) {
  const std::string lower = Lower(name);
  for (const AggregateInfo& a : kAggregates) {
    if (lower == a.name) return &a;
  }
  return nullptr;
}

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Compiler {
 public:
  explicit Compiler(const ExprContext& ctx) : ctx_(ctx) {}

  runtime::EvaluatorPtr Compile(const ast::Expr& e) {
    switch (e.kind) {
      case ast::Expr::Kind::kLiteral: return CompileLiteral(e.literal);
      case ast::Expr::Kind::kAttribute: return CompileAttribute(e);
      case ast::Expr::Kind::kNot: {
        runtime::EvaluatorPtr operand = Compile(*e.lhs);
        RequireBool(*e.lhs, *operand, "the operand of 'not'");
        return runtime::MakeNot(std::move(operand));
      }
      case ast::Expr::Kind::kIsNull: return runtime::MakeIsNull(Compile(*e.lhs));
      case ast::Expr::Kind::kBinary: return CompileBinary(e);
      case ast::Expr::Kind::kCall: return CompileCall(e);
      case ast::Expr::Kind::kIn:
        if (ctx_.in_table == nullptr) {
          Fail(e.span, "'in " + e.table + "' here is not supported yet: table lookups with 'in' work in stream "
                       "filters, e.g. S[symbol == " + e.table + ".symbol in " + e.table + "]");
        }
        return (*ctx_.in_table)(e, *ctx_.scope);
    }
    Fail(e.span, "unsupported expression");
  }

 private:
  static runtime::EvaluatorPtr CompileLiteral(const ast::Literal& lit) {
    switch (lit.type) {
      case Type::kString: return runtime::MakeLiteral(Value::String(std::get<std::string>(lit.value)));
      case Type::kInt: return runtime::MakeLiteral(Value::Int(std::get<int32_t>(lit.value)));
      case Type::kLong: return runtime::MakeLiteral(Value::Long(std::get<int64_t>(lit.value)));
      case Type::kFloat: return runtime::MakeLiteral(Value::Float(std::get<float>(lit.value)));
      case Type::kDouble: return runtime::MakeLiteral(Value::Double(std::get<double>(lit.value)));
      case Type::kBool: return runtime::MakeLiteral(Value::Bool(std::get<bool>(lit.value)));
      case Type::kObject: break;
    }
    return runtime::MakeLiteral(Value::Null(Type::kObject));
  }

  runtime::EvaluatorPtr CompileAttribute(const ast::Expr& e) {
    if (ctx_.scope == nullptr) Fail(e.span, Quote(e) + ": a constant is required here");
    const ResolvedAttribute r = ctx_.scope->Resolve(e.attribute, e.span);
    return r.where == ResolvedAttribute::Where::kChunk ? runtime::MakeChunkAttribute(r.index, r.type)
                                                      : runtime::MakeExtraColumn(r.index, r.type);
  }

  static void RequireBool(const ast::Expr& e, const runtime::Evaluator& ev, const std::string& what) {
    if (ev.type() != Type::kBool) {
      Fail(e.span, what + " must be bool, but " + Quote(e) + " is " + TypeText(ev.type()));
    }
  }

  runtime::EvaluatorPtr CompileBinary(const ast::Expr& e) {
    runtime::EvaluatorPtr lhs = Compile(*e.lhs);
    runtime::EvaluatorPtr rhs = Compile(*e.rhs);
    const std::string op = OpText(e.op);
    switch (e.op) {
      case ast::BinaryOp::kAnd:
      case ast::BinaryOp::kOr:
        RequireBool(*e.lhs, *lhs, "operands of '" + op + "'");
        RequireBool(*e.rhs, *rhs, "operands of '" + op + "'");
        return e.op == ast::BinaryOp::kAnd ? runtime::MakeAnd(std::move(lhs), std::move(rhs))
                                           : runtime::MakeOr(std::move(lhs), std::move(rhs));
      case ast::BinaryOp::kEq:
      case ast::BinaryOp::kNe:
      case ast::BinaryOp::kLt:
      case ast::BinaryOp::kLe:
      case ast::BinaryOp::kGt:
      case ast::BinaryOp::kGe: return CompileComparison(e, std::move(lhs), std::move(rhs));
      default: {
        for (auto [side, ev] : {std::pair{e.lhs.get(), lhs.get()}, std::pair{e.rhs.get(), rhs.get()}}) {
          if (!IsNumeric(ev->type())) {
            Fail(side->span, "'" + op + "' needs numbers, but " + Quote(*side) + " is " + TypeText(ev->type()) +
                                 (ev->type() == Type::kString ? " (there is no string '+'; str:concat is an extension)"
                                                              : ""));
          }
        }
        const Type t = Wider(lhs->type(), rhs->type());
        runtime::ArithmeticOp aop = runtime::ArithmeticOp::kAdd;
        if (e.op == ast::BinaryOp::kSub) aop = runtime::ArithmeticOp::kSub;
        if (e.op == ast::BinaryOp::kMul) aop = runtime::ArithmeticOp::kMul;
        if (e.op == ast::BinaryOp::kDiv) aop = runtime::ArithmeticOp::kDiv;
        if (e.op == ast::BinaryOp::kMod) aop = runtime::ArithmeticOp::kMod;
        return runtime::MakeArithmetic(aop, runtime::MakeWiden(std::move(lhs), t),
                                       runtime::MakeWiden(std::move(rhs), t));
      }
    }
  }

  runtime::EvaluatorPtr CompileComparison(const ast::Expr& e, runtime::EvaluatorPtr lhs,
                                          runtime::EvaluatorPtr rhs) {
    const Type a = lhs->type();
    const Type b = rhs->type();
    if (const std::optional<ComparisonTyping> typing = TypeComparison(e.op, a, b)) {
      return runtime::MakeComparison(typing->op, runtime::MakeWiden(std::move(lhs), typing->as),
                                     runtime::MakeWiden(std::move(rhs), typing->as));
    }
    const bool equality = e.op == ast::BinaryOp::kEq || e.op == ast::BinaryOp::kNe;
    const std::string text = OpText(e.op);
    if (!equality && (a == Type::kString || b == Type::kString)) {
      Fail(e.span, "'" + text + "' compares numbers only; strings can be compared with == and !=");
    }
    Fail(e.span, "cannot compare " + Quote(*e.lhs) + " (" + TypeText(a) + ") with " + Quote(*e.rhs) + " (" +
                     TypeText(b) + ") using '" + text + "'");
  }

  std::vector<runtime::EvaluatorPtr> CompileArgs(const ast::FunctionCall& call) {
    std::vector<runtime::EvaluatorPtr> args;
    for (const ast::ExprPtr& arg : call.args) args.push_back(Compile(*arg));
    return args;
  }

  static void RequireArity(const ast::FunctionCall& call, size_t min, size_t max, const std::string& shape) {
    const size_t n = call.args.size();
    if (n < min || n > max) {
      Fail(call.span, call.name + "() takes " + shape + ", got " + Plural(n, "argument"));
    }
  }

  static Type ConstantType(const ast::Expr& arg, const std::string& fn) {
    if (arg.kind != ast::Expr::Kind::kLiteral || arg.literal.type != Type::kString) {
      Fail(arg.span, fn + "(): the type must be a string constant such as 'double'");
    }
    const std::string& name = std::get<std::string>(arg.literal.value);
    std::optional<Type> t = ParseTypeName(name);
    if (!t || *t == Type::kObject) {
      Fail(arg.span, fn + "(): unknown type '" + name + "' (use int, long, float, double, string or bool)");
    }
    return *t;
  }

  void RequireSameType(const ast::FunctionCall& call, const std::vector<runtime::EvaluatorPtr>& args,
                       size_t first) {
    for (size_t i = first + 1; i < args.size(); ++i) {
      if (args[i]->type() != args[first]->type()) {
        Fail(call.args[i]->span, call.name + "(): all arguments must have one type, but " + Quote(*call.args[i]) +
                                     " is " + TypeText(args[i]->type()) + " and " + Quote(*call.args[first]) +
                                     " is " + TypeText(args[first]->type()));
      }
    }
  }

  runtime::EvaluatorPtr CompileCall(const ast::Expr& e) {
    const ast::FunctionCall& call = e.call;
    if (!call.ns.empty()) {
      Fail(call.span, "extension function '" + call.ns + ":" + call.name + "' is not supported");
    }
    if (const AggregateInfo* info = FindAggregate(call.name)) return CompileAggregate(call, *info);
    const std::string name = Lower(call.name);

    if (name == "convert" || name == "cast") {
      RequireArity(call, 2, 2, "2 arguments (value, 'type')");
      runtime::EvaluatorPtr value = Compile(*call.args[0]);
      const Type target = ConstantType(*call.args[1], call.name);
      if (name == "cast") return runtime::MakeCast(std::move(value), target);
      if (value->type() == Type::kObject && target != Type::kString) {
        Fail(call.args[0]->span, "convert(): an object converts only to 'string'");
      }
      return runtime::MakeConvert(std::move(value), target);
    }
    if (name == "coalesce") {
      if (call.args.empty()) Fail(call.span, "coalesce() needs at least one argument");
      std::vector<runtime::EvaluatorPtr> args = CompileArgs(call);
      RequireSameType(call, args, 0);
      return runtime::MakeCoalesce(std::move(args));
    }
    if (name == "default") {
      RequireArity(call, 2, 2, "2 arguments (value, default)");
      std::vector<runtime::EvaluatorPtr> args = CompileArgs(call);
      if (args[0]->type() != args[1]->type()) {
        Fail(call.args[1]->span, "default(): the default value " + ExprText(*call.args[1]) + " is " +
                                     TypeText(args[1]->type()) + " but " + Quote(*call.args[0]) + " is " +
                                     TypeText(args[0]->type()));
      }
      return runtime::MakeCoalesce(std::move(args));
    }
    if (name == "ifthenelse") {
      RequireArity(call, 3, 3, "3 arguments (condition, then, else)");
      std::vector<runtime::EvaluatorPtr> args = CompileArgs(call);
      RequireBool(*call.args[0], *args[0], "the condition of ifThenElse()");
      if (args[1]->type() != args[2]->type()) {
        Fail(call.span, "ifThenElse(): both branches must have one type, but " + Quote(*call.args[1]) + " is " +
                            TypeText(args[1]->type()) + " and " + Quote(*call.args[2]) + " is " +
                            TypeText(args[2]->type()));
      }
      return runtime::MakeIfThenElse(std::move(args[0]), std::move(args[1]), std::move(args[2]));
    }
    if (name.rfind("instanceof", 0) == 0) {
      static const std::pair<const char*, Type> kTests[] = {
          {"instanceofboolean", Type::kBool}, {"instanceofdouble", Type::kDouble},
          {"instanceoffloat", Type::kFloat},  {"instanceofinteger", Type::kInt},
          {"instanceoflong", Type::kLong},    {"instanceofstring", Type::kString}};
      for (const auto& [fn, type] : kTests) {
        if (name == fn) {
          RequireArity(call, 1, 1, "1 argument");
          return runtime::MakeInstanceOf(Compile(*call.args[0]), type);
        }
      }
    }
    if (name == "maximum" || name == "minimum") {
      if (call.args.empty()) Fail(call.span, call.name + "() needs at least one argument");
      std::vector<runtime::EvaluatorPtr> args = CompileArgs(call);
      for (size_t i = 0; i < args.size(); ++i) {
        if (!IsNumeric(args[i]->type())) {
          Fail(call.args[i]->span, call.name + "() takes numbers, but " + Quote(*call.args[i]) + " is " +
                                       TypeText(args[i]->type()));
        }
      }
      RequireSameType(call, args, 0);
      return name == "maximum" ? runtime::MakeMaximum(std::move(args)) : runtime::MakeMinimum(std::move(args));
    }
    if (name == "uuid") {
      RequireArity(call, 0, 0, "no arguments");
      return runtime::MakeUuid();
    }
    if (name == "currenttimemillis") {
      RequireArity(call, 0, 0, "no arguments");
      return runtime::MakeCurrentTimeMillis();
    }
    if (name == "eventtimestamp") {
      RequireArity(call, 0, 1, "no arguments, or an event reference");
      if (call.args.empty()) return runtime::MakeEventTimestamp();
      const ast::Expr& arg = *call.args[0];
      if (ctx_.scope != nullptr && arg.kind == ast::Expr::Kind::kAttribute && arg.attribute.qualifier.empty()) {
        if (std::optional<ResolvedAttribute> r = ctx_.scope->ResolveEventTimestamp(arg.attribute.name)) {
          return r->where == ResolvedAttribute::Where::kChunk ? runtime::MakeChunkAttribute(r->index, Type::kLong)
                                                             : runtime::MakeExtraColumn(r->index, Type::kLong);
        }
      }
      const bool reference = arg.kind == ast::Expr::Kind::kAttribute &&
                             (arg.attribute.name.empty() || arg.attribute.qualifier.empty());
      if (reference && ctx_.scope != nullptr) {
        // A plain name that resolves to an attribute is not an event reference.
        bool is_attribute = true;
        try {
          ctx_.scope->Resolve(arg.attribute, arg.span);
        } catch (const CompileError&) {
          is_attribute = false;
        }
        if (!is_attribute) Fail(arg.span, "eventTimestamp(" + ExprText(arg) + ") is not supported yet");
      }
      Fail(arg.span, "eventTimestamp() takes an event reference like e1, not " + Quote(arg));
    }
    if (name == "createset") {
      RequireArity(call, 1, 1, "1 argument");
      runtime::EvaluatorPtr v = Compile(*call.args[0]);
      if (v->type() == Type::kObject) Fail(call.args[0]->span, "createSet() takes a string, number or bool");
      return runtime::MakeCreateSet(std::move(v));
    }
    if (name == "sizeofset") {
      RequireArity(call, 1, 1, "1 argument");
      runtime::EvaluatorPtr v = Compile(*call.args[0]);
      if (v->type() != Type::kObject) Fail(call.args[0]->span, "sizeOfSet() takes a set (object)");
      return runtime::MakeSizeOfSet(std::move(v));
    }
    std::vector<std::string> known(std::begin(kFunctions), std::end(kFunctions));
    const std::string close = ClosestName(call.name, known);
    Fail(call.span, "unknown function '" + call.name + "'" + (close.empty() ? "" : " (did you mean '" + close + "'?)"));
  }

  runtime::EvaluatorPtr CompileAggregate(const ast::FunctionCall& call, const AggregateInfo& info) {
    const size_t n = call.args.size();
    if (n < static_cast<size_t>(info.min_args) || n > static_cast<size_t>(info.max_args)) {
      const std::string expected = info.min_args == info.max_args
                                       ? Plural(static_cast<size_t>(info.min_args), "argument")
                                       : "0 or 1 arguments";
      Fail(call.span, call.name + "() takes " + expected + ", got " + std::to_string(n));
    }
    const AggregateSink* sink = ctx_.aggregates;
    // Aggregates do not nest: their arguments see no aggregates.
    ExprContext inner = ctx_;
    inner.aggregates = nullptr;
    if (ctx_.aggregate_scope != nullptr) inner.scope = ctx_.aggregate_scope;
    Compiler arg_compiler(inner);
    std::vector<runtime::EvaluatorPtr> args;
    for (const ast::ExprPtr& arg : call.args) args.push_back(arg_compiler.Compile(*arg));
    const std::string name = info.name;
    Type result = Type::kLong;
    if (name == "count" || name == "distinctcount") {
      result = Type::kLong;
    } else if (name == "and" || name == "or") {
      if (args[0]->type() != Type::kBool) {
        Fail(call.args[0]->span, call.name + "() takes a bool, but " + Quote(*call.args[0]) + " is " +
                                     TypeText(args[0]->type()));
      }
      result = Type::kBool;
    } else if (name == "unionset") {
      if (args[0]->type() != Type::kObject) Fail(call.args[0]->span, "unionSet() takes sets made by createSet()");
      result = Type::kObject;
    } else {
      if (!IsNumeric(args[0]->type())) {
        Fail(call.args[0]->span, call.name + "() takes a number, but " + Quote(*call.args[0]) + " is " +
                                     TypeText(args[0]->type()));
      }
      const Type in = args[0]->type();
      if (name == "sum") result = (in == Type::kInt || in == Type::kLong) ? Type::kLong : Type::kDouble;
      else if (name == "avg" || name == "stddev") result = Type::kDouble;
      else result = in;
    }
    if (sink == nullptr) {
      Fail(call.span, "aggregate function '" + call.name + "' is only allowed in select and having");
    }
    const uint32_t index = (*sink)(AggregateCall{name, std::move(args), result, call.span});
    return runtime::MakeExtraColumn(index, result);
  }

  const ExprContext& ctx_;
};

bool HasAttributes(const ast::Expr& e) {
  if (e.kind == ast::Expr::Kind::kAttribute) return true;
  if (e.kind == ast::Expr::Kind::kCall) {
    const std::string name = Lower(e.call.name);
    if (name == "uuid" || name == "currenttimemillis" || name == "eventtimestamp") return true;
    if (FindAggregate(e.call.name) != nullptr) return true;
    for (const auto& arg : e.call.args) {
      if (HasAttributes(*arg)) return true;
    }
    return false;
  }
  return (e.lhs && HasAttributes(*e.lhs)) || (e.rhs && HasAttributes(*e.rhs));
}

}  // namespace

std::optional<ComparisonTyping> TypeComparison(ast::BinaryOp op, Type a, Type b) {
  runtime::CompareOp cmp;
  switch (op) {
    case ast::BinaryOp::kEq: cmp = runtime::CompareOp::kEq; break;
    case ast::BinaryOp::kNe: cmp = runtime::CompareOp::kNe; break;
    case ast::BinaryOp::kLt: cmp = runtime::CompareOp::kLt; break;
    case ast::BinaryOp::kLe: cmp = runtime::CompareOp::kLe; break;
    case ast::BinaryOp::kGt: cmp = runtime::CompareOp::kGt; break;
    case ast::BinaryOp::kGe: cmp = runtime::CompareOp::kGe; break;
    default: return std::nullopt;
  }
  if (IsNumeric(a) && IsNumeric(b)) {
    // Mixed comparisons widen; a float meeting another type is widened to double.
    Type t = Wider(a, b);
    if (a != b && t == Type::kFloat) t = Type::kDouble;
    return ComparisonTyping{cmp, t};
  }
  const bool equality = cmp == runtime::CompareOp::kEq || cmp == runtime::CompareOp::kNe;
  if (equality && a == b && (a == Type::kString || a == Type::kBool)) return ComparisonTyping{cmp, a};
  return std::nullopt;
}

runtime::EvaluatorPtr CompileExpr(const ast::Expr& expr, const ExprContext& ctx) {
  return Compiler(ctx).Compile(expr);
}

runtime::EvaluatorPtr CompileCondition(const ast::Expr& expr, const ExprContext& ctx, std::string_view what) {
  runtime::EvaluatorPtr e = CompileExpr(expr, ctx);
  if (e->type() != Type::kBool) {
    Fail(expr.span, std::string(what) + " must be bool, but " + Quote(expr) + " is " + TypeText(e->type()));
  }
  return e;
}

std::optional<Value> EvaluateConstant(const ast::Expr& expr) {
  if (HasAttributes(expr)) return std::nullopt;
  runtime::EvaluatorPtr e = CompileExpr(expr, ExprContext{});
  runtime::Schema empty;
  runtime::EventChunk chunk(&empty);
  chunk.Append(0, EventKind::kCurrent);
  const runtime::ColumnView v = e->Eval(runtime::EvalFrame{&chunk, 1, {}, 0});
  const Type type = e->type();
  return EventView(0, &v.data[0], &v.nulls[0], &type, 1).value(0);
}

bool IsAggregateFunction(std::string_view ns, std::string_view name) {
  return ns.empty() && FindAggregate(name) != nullptr;
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string target = Lower(name);
  std::string best;
  size_t best_distance = 3;
  for (const std::string& candidate : candidates) {
    const std::string c = Lower(candidate);
    // Levenshtein distance, two rows.
    std::vector<size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= target.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (target[i - 1] == c[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    const size_t d = prev[c.size()];
    if (d < best_distance && d < std::max<size_t>(target.size(), 2)) {
      best_distance = d;
      best = candidate;
    }
  }
  return best == name ? "" : best;
}

}  // namespace eddy::planner
