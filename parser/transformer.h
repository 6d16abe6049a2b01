// Private to parser/: turns the ANTLR parse tree into Eddy's AST. One typed
// function per grammar rule, split by topic (transform_expression.cpp,
// transform_definition.cpp, transform_query.cpp). Nothing here is kept after
// parsing: the AST owns copies of every name and literal.
#pragma once

#include <string>

#include "SiddhiQLParser.h"
#include "eddy/error.h"
#include "parser/ast/ast.h"

namespace eddy::parser {

using P = grammar::SiddhiQLParser;

[[noreturn]] void SyntaxError(const ast::SourceSpan& span, std::string message);
ast::SourceSpan SpanOf(antlr4::ParserRuleContext* ctx);
ast::SourceSpan SpanOf(const antlr4::Token* token);

class Transformer {
 public:
  // expressions
  ast::ExprPtr TransformExpression(P::ExpressionContext& ctx);
  ast::ExprPtr TransformOr(P::OrExpressionContext& ctx);
  ast::ExprPtr TransformAnd(P::AndExpressionContext& ctx);
  ast::ExprPtr TransformIn(P::InExpressionContext& ctx);
  ast::ExprPtr TransformEquality(P::EqualityExpressionContext& ctx);
  ast::ExprPtr TransformRelational(P::RelationalExpressionContext& ctx);
  ast::ExprPtr TransformAdditive(P::AdditiveExpressionContext& ctx);
  ast::ExprPtr TransformMultiplicative(P::MultiplicativeExpressionContext& ctx);
  ast::ExprPtr TransformNot(P::NotExpressionContext& ctx);
  ast::ExprPtr TransformPrimary(P::PrimaryExpressionContext& ctx);
  ast::ExprPtr TransformConstant(P::ConstantContext& ctx);
  ast::FunctionCall TransformCall(P::FunctionCallContext& ctx);
  ast::AttributeRef TransformAttributeRef(P::AttributeReferenceContext& ctx);
  ast::EventIndex TransformEventIndex(P::EventIndexContext& ctx);
  int64_t TransformTime(P::TimeValueContext& ctx);
  std::string TransformName(P::NameContext& ctx);
  std::string TransformString(P::StringLiteralContext& ctx);

  // definitions and annotations
  ast::Annotation TransformAnnotation(P::AnnotationContext& ctx);
  ast::Annotation TransformAppAnnotation(P::AppAnnotationContext& ctx);
  ast::Definition TransformDefinition(P::DefinitionContext& ctx);
  std::vector<ast::AttributeDef> TransformAttributes(std::vector<P::AttributeDefContext*> defs);
  Type TransformType(P::AttributeTypeContext& ctx);
  ast::Duration TransformDuration(P::TimeUnitContext& ctx);

  // queries
  ast::Query TransformQuery(P::QueryContext& ctx);
  ast::Partition TransformPartition(P::PartitionContext& ctx);
  ast::OnDemandQuery TransformOnDemand(P::OnDemandQueryContext& ctx);
  ast::Input TransformInput(P::QueryInputContext& ctx);
  ast::StreamInput TransformStandard(P::StandardStreamContext& ctx);
  ast::StreamInput TransformAnonymous(P::AnonymousStreamContext& ctx);
  ast::StreamInput TransformJoinSource(P::JoinSourceContext& ctx);
  void TransformSource(P::SourceContext& ctx, ast::StreamInput& input);
  ast::StreamHandler TransformHandler(P::StreamHandlerContext& ctx);
  ast::StreamHandler TransformWindow(P::WindowHandlerContext& ctx);
  ast::Selector TransformSelector(P::QuerySectionContext* ctx);
  ast::Selector TransformSelectClause(P::SelectClauseContext& ctx);
  ast::OutputRate TransformRate(P::OutputRateContext& ctx);
  ast::OutputAction TransformOutput(P::QueryOutputContext& ctx);
  ast::EventType TransformEventType(P::EventTypeContext& ctx);
  std::vector<ast::SetAssignment> TransformSet(P::SetClauseContext* ctx);

  // patterns and sequences
  ast::PatternInput TransformPattern(P::PatternInputContext& ctx);
  ast::PatternInput TransformSequence(P::SequenceInputContext& ctx);
  std::unique_ptr<ast::PatternNode> TransformChain(P::PatternChainContext& ctx);
  std::unique_ptr<ast::PatternNode> TransformTerm(P::PatternTermContext& ctx);
  std::unique_ptr<ast::PatternNode> TransformState(P::PatternStateContext& ctx);
  std::unique_ptr<ast::PatternNode> TransformBasic(P::BasicStateContext& ctx);
  std::unique_ptr<ast::PatternNode> TransformAbsent(P::AbsentStateContext& ctx);
  std::unique_ptr<ast::PatternNode> TransformLogical(P::LogicalStateContext& ctx);
  void TransformCount(P::CountRangeContext& ctx, ast::PatternNode& node);
};

}  // namespace eddy::parser
