#include "parser/parse.h"

#include <memory>
#include <string>

#include "SiddhiQLLexer.h"
#include "SiddhiQLParser.h"
#include "antlr4-runtime.h"
#include "parser/transformer.h"

namespace eddy::parser {

void SyntaxError(const ast::SourceSpan& span, std::string message) {
  throw CompileError(std::move(message), SourceLocation{span.line, span.column, span.length});
}

ast::SourceSpan SpanOf(const antlr4::Token* token) {
  ast::SourceSpan span;
  span.line = static_cast<uint32_t>(token->getLine());
  span.column = static_cast<uint32_t>(token->getCharPositionInLine()) + 1;
  span.offset = static_cast<uint32_t>(token->getStartIndex());
  span.length = static_cast<uint32_t>(token->getStopIndex() - token->getStartIndex() + 1);
  return span;
}

ast::SourceSpan SpanOf(antlr4::ParserRuleContext* ctx) {
  ast::SourceSpan span = SpanOf(ctx->getStart());
  antlr4::Token* stop = ctx->getStop();
  if (stop != nullptr && stop->getStopIndex() >= ctx->getStart()->getStartIndex()) {
    span.length = static_cast<uint32_t>(stop->getStopIndex() - ctx->getStart()->getStartIndex() + 1);
  }
  return span;
}

namespace {

std::string Describe(const antlr4::Token* token) {
  if (token->getType() == antlr4::Token::EOF) return "the end of the app";
  return "'" + token->getText() + "'";
}

// When a '(' or '[' before `offending` (in the same statement) is still open and
// `offending` cannot be inside it, says which one: "the '[' at 2:7 is not closed".
std::string UnclosedBracket(antlr4::TokenStream& tokens, antlr4::Token* offending) {
  const std::string text = offending->getText();
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kClauseWords[] = {"select", "insert", "from", "group", "having", "order", "output",
                                       "define", "delete", "update", "return", ";"};
  bool clause = offending->getType() == antlr4::Token::EOF;
  for (const char* w : kClauseWords) clause = clause || lower == w;
  if (!clause) return "";
  std::vector<antlr4::Token*> open;
  for (size_t i = 0; i < offending->getTokenIndex(); ++i) {
    antlr4::Token* t = tokens.get(i);
    const std::string s = t->getText();
    if (s == ";") open.clear();
    else if (s == "(" || s == "[") open.push_back(t);
    else if ((s == ")" || s == "]") && !open.empty()) open.pop_back();
  }
  if (open.empty()) return "";
  const antlr4::Token* t = open.back();
  return "the '" + t->getText() + "' at " + std::to_string(t->getLine()) + ":" +
         std::to_string(t->getCharPositionInLine() + 1) + " is not closed (a '" +
         (t->getText() == "(" ? ")" : "]") + "' is missing)";
}

// Turns ANTLR's first syntax error into a message a user understands, thrown as
// a CompileError.
class ErrorListener final : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& antlr_message, std::exception_ptr) override {
    SourceLocation where{static_cast<uint32_t>(line), static_cast<uint32_t>(column) + 1, 1};
    if (offending == nullptr) throw CompileError("syntax error: " + antlr_message, where);
    if (offending->getType() != antlr4::Token::EOF) {
      where.length = static_cast<uint32_t>(offending->getStopIndex() - offending->getStartIndex() + 1);
    }
    throw CompileError(Explain(dynamic_cast<antlr4::Parser*>(recognizer), offending), where);
  }

 private:
  static std::string Explain(antlr4::Parser* parser, antlr4::Token* offending) {
    const size_t type = offending->getType();
    const std::string text = offending->getText();
    if (type == grammar::SiddhiQLLexer::UNTERMINATED_STRING) {
      return "unterminated string literal: a string ends with the quote it starts with, on the same line "
             "(use \"\"\"...\"\"\" for text over several lines)";
    }
    if (type == grammar::SiddhiQLLexer::UNEXPECTED_CHAR) {
      return "unexpected character '" + text + "'";
    }
    antlr4::TokenStream* tokens = parser != nullptr ? parser->getTokenStream() : nullptr;
    // `-price`: the '-' was taken as the sign of a number that never came.
    if (tokens != nullptr && offending == tokens->LT(1) && tokens->LT(-1) != nullptr &&
        tokens->LT(-1)->getText() == "-" && type != antlr4::Token::EOF) {
      return "'-" + text + "': SiddhiQL has no unary minus; write (0 - " + text + ")";
    }
    if (text == "-" && tokens != nullptr) {
      const antlr4::Token* next = tokens->LT(2);
      if (next != nullptr && offending == tokens->LT(1) && next->getType() != antlr4::Token::EOF &&
          next->getType() != grammar::SiddhiQLLexer::INT_LITERAL &&
          next->getType() != grammar::SiddhiQLLexer::DOUBLE_LITERAL) {
        return "'-" + next->getText() + "': SiddhiQL has no unary minus; write (0 - " + next->getText() + ")";
      }
    }
    if (tokens != nullptr) {
      if (std::string unclosed = UnclosedBracket(*tokens, offending); !unclosed.empty()) {
        return "unexpected " + Describe(offending) + ": " + unclosed;
      }
    }
    std::vector<std::string> expected;
    if (parser != nullptr) {
      const antlr4::dfa::Vocabulary& vocabulary = parser->getVocabulary();
      for (size_t t : parser->getExpectedTokens().toList()) {
        std::string name = vocabulary.getDisplayName(t);
        if (name.empty() || name == "ID" || name == "QUOTED_ID") continue;
        if (name[0] != '\'') {
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (name.find("literal") != std::string::npos) {
            name = "a " + name.substr(0, name.find('_')) + " literal";
          } else {
            name = "'" + name + "'";
          }
        }
        expected.push_back(name);
      }
    }
    const bool expects_semicolon =
        std::find(expected.begin(), expected.end(), "';'") != expected.end();
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (expects_semicolon && (lower == "from" || lower == "define" || lower == "@" || lower == "partition")) {
      return "unexpected '" + text + "': a ';' is missing before it";
    }
    std::string message = "unexpected " + Describe(offending);
    if (!expected.empty() && expected.size() <= 6) {
      message += "; expected ";
      for (size_t i = 0; i < expected.size(); ++i) {
        if (i > 0) message += i + 1 == expected.size() ? " or " : ", ";
        message += expected[i];
      }
    }
    return message;
  }
};

// Runs the lexer and parser with our listener on `text`.
struct ParseRun {
  explicit ParseRun(std::string_view text)
      : input(std::string(text)), lexer(&input), tokens(&lexer), parser(&tokens) {
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
  }
  antlr4::ANTLRInputStream input;
  grammar::SiddhiQLLexer lexer;
  antlr4::CommonTokenStream tokens;
  grammar::SiddhiQLParser parser;
  ErrorListener listener;
};

}  // namespace

ast::App ParseApp(std::string_view text) {
  ParseRun run(text);
  P::ParseContext* tree = run.parser.parse();
  Transformer t;
  ast::App app;
  for (P::AppAnnotationContext* a : tree->appAnnotation()) app.annotations.push_back(t.TransformAppAnnotation(*a));
  bool seen_execution = false;
  for (P::AppElementContext* element : tree->appElement()) {
    if (P::DefinitionContext* def = element->definition()) {
      if (seen_execution) {
        SyntaxError(SpanOf(def), "definitions must come before the first query or partition");
      }
      app.definitions.push_back(t.TransformDefinition(*def));
    } else if (P::QueryContext* query = element->query()) {
      seen_execution = true;
      app.elements.emplace_back(t.TransformQuery(*query));
    } else {
      seen_execution = true;
      app.elements.emplace_back(t.TransformPartition(*element->partition()));
    }
  }
  if (app.definitions.empty()) {
    SyntaxError(ast::SourceSpan{1, 1, 0, 1}, "an app needs at least one definition (define stream ...)");
  }
  return app;
}

ast::OnDemandQuery ParseOnDemandQuery(std::string_view text) {
  ParseRun run(text);
  Transformer t;
  return t.TransformOnDemand(*run.parser.parseOnDemandQuery()->onDemandQuery());
}

ast::ExprPtr ParseExpression(std::string_view text) {
  ParseRun run(text);
  Transformer t;
  return t.TransformExpression(*run.parser.parseExpression()->expression());
}

}  // namespace eddy::parser
