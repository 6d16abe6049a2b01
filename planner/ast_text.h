// SiddhiQL text of AST pieces, for `eddy explain` and error messages.
#pragma once

#include <string>

#include "parser/ast/ast.h"

namespace eddy::planner {

std::string ExprText(const ast::Expr& expr);
std::string AttributeRefText(const ast::AttributeRef& ref);
std::string CallText(const ast::FunctionCall& call);

}  // namespace eddy::planner
