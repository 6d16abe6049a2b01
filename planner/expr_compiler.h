// Compiles ast::Expr into typed runtime evaluators (runtime/expr/evaluator.h).
//
// Name resolution is delegated to a Scope supplied by the caller (a single stream,
// a join, a pattern, a selector's output), so this file knows only expression
// rules: Siddhi's numeric promotion (int < long < float < double), operand type
// checks, built-in functions (LANGUAGE.md §3) and aggregate functions (§8).
//
// Every error is a CompileError pointing at the offending sub-expression, worded
// for users: "operands of 'and' must be bool, but 'volume' is long".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eddy/error.h"
#include "parser/ast/ast.h"
#include "runtime/expr/evaluator.h"
#include "runtime/expr/factory.h"

namespace eddy::planner {

// Converts an AST span into the public error location.
SourceLocation ToLocation(const ast::SourceSpan& span);
[[noreturn]] void Fail(const ast::SourceSpan& span, std::string message);

// Where an attribute reference lives once resolved.
struct ResolvedAttribute {
  enum class Where { kChunk, kExtra };
  Where where = Where::kChunk;
  uint32_t index = 0;  // chunk slot, or index into EvalFrame::extra
  Type type = Type::kString;
};

class Scope {
 public:
  virtual ~Scope() = default;
  // Resolves `ref` (span: the reference's text). Throws CompileError naming the
  // problem: unknown stream/alias, unknown attribute (with "did you mean"),
  // ambiguous unqualified name.
  virtual ResolvedAttribute Resolve(const ast::AttributeRef& ref,
                                    const ast::SourceSpan& span) const = 0;
  // The timestamp of event reference `name` (eventTimestamp(e1)), where the scope
  // has such references.
  virtual std::optional<ResolvedAttribute> ResolveEventTimestamp(std::string_view name) const {
    return std::nullopt;
  }
};

// Receives aggregate function calls met while compiling a selector expression
// (`sum(price) * 2`). The compiler validates name, arity and argument types first;
// the sink returns the extra-column index that will hold the running value.
struct AggregateCall {
  std::string name;  // canonical lower-case-insensitive name as in the catalog, e.g. "sum"
  std::vector<runtime::EvaluatorPtr> args;
  Type result_type;
  ast::SourceSpan span;
};
using AggregateSink = std::function<uint32_t(AggregateCall call)>;

// Compiles `cond in T` (the kIn expression) where the rest resolves in `outer`.
using InTableCompiler = std::function<runtime::EvaluatorPtr(const ast::Expr& in, const Scope& outer)>;

struct ExprContext {
  const Scope* scope = nullptr;
  // Non-null where aggregate functions are allowed (select, having); elsewhere
  // an aggregate call is an error saying where aggregates may appear.
  const AggregateSink* aggregates = nullptr;
  // Where aggregate arguments resolve, when not in `scope` (expression windows).
  const Scope* aggregate_scope = nullptr;
  // Non-null where `cond in T` is allowed (stream filters).
  const InTableCompiler* in_table = nullptr;
};

runtime::EvaluatorPtr CompileExpr(const ast::Expr& expr, const ExprContext& ctx);

// Compiles a condition (filter, having, on): like CompileExpr, but the result must
// be bool ("filter condition must be bool, but 'price' is float").
runtime::EvaluatorPtr CompileCondition(const ast::Expr& expr, const ExprContext& ctx,
                                       std::string_view what);

// How `a OP b` is compared: the runtime operator and the type both sides are
// widened to (numbers: the wider, a float meeting another type as double;
// strings and bools: themselves, for == and != only). nullopt: op compares
// nothing, or not these types.
struct ComparisonTyping {
  runtime::CompareOp op;
  Type as;
};
std::optional<ComparisonTyping> TypeComparison(ast::BinaryOp op, Type a, Type b);

// Evaluates a constant expression at plan time (window parameters, limit):
// nullopt when it depends on attributes. Throws CompileError on type errors.
std::optional<Value> EvaluateConstant(const ast::Expr& expr);

// Whether `name` (with namespace `ns`) is an aggregate function; used to decide
// whether a selector aggregates.
bool IsAggregateFunction(std::string_view ns, std::string_view name);

// Closest candidate within edit distance 2 (case-insensitive), or empty: used for
// "did you mean" suggestions everywhere in the planner.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace eddy::planner
