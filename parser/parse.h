// SiddhiQL text -> ast::App. The only entry points of the parser layer; ANTLR
// types never appear outside parser/.
#pragma once

#include <string_view>

#include "eddy/error.h"
#include "parser/ast/ast.h"

namespace eddy::parser {

// Parses a whole app. Throws eddy::CompileError on the first syntax error, with a
// message a user understands ("missing ';' before 'from'", "'-price': there is no
// unary minus, write (0 - price)"), never only ANTLR's wording.
ast::App ParseApp(std::string_view text);

// Parses one on-demand query (LANGUAGE.md §14). Throws eddy::CompileError.
ast::OnDemandQuery ParseOnDemandQuery(std::string_view text);

// Parses a standalone expression, e.g. the condition string of
// #window.expression('count() <= 20'). Spans are relative to `text`. Throws
// eddy::CompileError.
ast::ExprPtr ParseExpression(std::string_view text);

}  // namespace eddy::parser
