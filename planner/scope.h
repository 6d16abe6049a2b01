// Name scopes for the expression compiler: what `x`, `S.x` and `alias.x` mean in
// a query's filters and select clause.
#pragma once

#include <string>
#include <vector>

#include "planner/expr_compiler.h"
#include "runtime/event_chunk.h"

namespace eddy::planner {

// The attribute names of `schema`, in order (for "did you mean" suggestions).
std::vector<std::string> AttributeNames(const runtime::Schema& schema);

// One input of a query: a stream read under its id (or an alias), whose attributes
// start at `offset` in the frame.
struct ScopeInput {
  std::string id;     // stream name as written (without # or !)
  std::string alias;  // `as alias`, or empty
  bool inner = false;
  bool fault = false;
  const runtime::Schema* schema = nullptr;
  uint32_t offset = 0;
};

// Single-stream queries and join sides: unqualified names must be unique across
// the inputs; qualified names pick an input by id or alias.
class InputScope : public Scope {
 public:
  explicit InputScope(std::vector<ScopeInput> inputs) : inputs_(std::move(inputs)) {}
  ResolvedAttribute Resolve(const ast::AttributeRef& ref,
                            const ast::SourceSpan& span) const override;

 private:
  std::vector<ScopeInput> inputs_;
};

// having: output attribute names first (as extra columns base, base+1, ...), then
// the input.
class OutputScope : public Scope {
 public:
  OutputScope(const runtime::Schema* output, uint32_t base, const Scope* input)
      : output_(output), base_(base), input_(input) {}
  ResolvedAttribute Resolve(const ast::AttributeRef& ref,
                            const ast::SourceSpan& span) const override;

 private:
  const runtime::Schema* output_;
  uint32_t base_;
  const Scope* input_;
};

}  // namespace eddy::planner
