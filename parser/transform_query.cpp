#include <string>
#include <type_traits>
#include <variant>

#include "parser/transformer.h"

namespace eddy::parser {
namespace {

ast::ExprPtr AttributeExpr(Transformer& t, P::AttributeReferenceContext& ref) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::Expr::Kind::kAttribute;
  e->span = SpanOf(&ref);
  e->attribute = t.TransformAttributeRef(ref);
  return e;
}

}  // namespace

// ---------------------------------------------------------------- inputs

void Transformer::TransformSource(P::SourceContext& ctx, ast::StreamInput& input) {
  input.stream = TransformName(*ctx.name());
  input.stream_span = SpanOf(&ctx);
  const std::string first = ctx.getStart()->getText();
  input.inner = first == "#";
  input.fault = first == "!";
}

ast::StreamHandler Transformer::TransformHandler(P::StreamHandlerContext& ctx) {
  ast::StreamHandler handler;
  handler.span = SpanOf(&ctx);
  if (P::FilterContext* filter = ctx.filter()) {
    handler.kind = ast::StreamHandler::Kind::kFilter;
    handler.filter = TransformExpression(*filter->expression());
    return handler;
  }
  P::StreamFunctionContext* fn = ctx.streamFunction();
  handler.kind = ast::StreamHandler::Kind::kFunction;
  handler.call.span = SpanOf(fn);
  std::vector<P::NameContext*> names = fn->functionName()->name();
  handler.call.name = TransformName(*names.back());
  if (names.size() == 2) handler.call.ns = TransformName(*names[0]);
  for (P::ExpressionContext* arg : fn->expression()) handler.call.args.push_back(TransformExpression(*arg));
  return handler;
}

ast::StreamHandler Transformer::TransformWindow(P::WindowHandlerContext& ctx) {
  ast::StreamHandler handler;
  handler.kind = ast::StreamHandler::Kind::kWindow;
  handler.span = SpanOf(&ctx);
  handler.call.span = SpanOf(&ctx);
  std::vector<P::NameContext*> names = ctx.functionName()->name();
  handler.call.name = TransformName(*names.back());
  if (names.size() == 2) handler.call.ns = TransformName(*names[0]);
  for (P::ExpressionContext* arg : ctx.expression()) handler.call.args.push_back(TransformExpression(*arg));
  return handler;
}

ast::StreamInput Transformer::TransformStandard(P::StandardStreamContext& ctx) {
  ast::StreamInput input;
  input.span = SpanOf(&ctx);
  TransformSource(*ctx.source(), input);
  // Handlers in text order, the window among them.
  for (antlr4::tree::ParseTree* child : ctx.children) {
    if (auto* handler = dynamic_cast<P::StreamHandlerContext*>(child)) {
      input.handlers.push_back(TransformHandler(*handler));
    } else if (auto* window = dynamic_cast<P::WindowHandlerContext*>(child)) {
      input.handlers.push_back(TransformWindow(*window));
    }
  }
  return input;
}

ast::StreamInput Transformer::TransformAnonymous(P::AnonymousStreamContext& ctx) {
  ast::StreamInput input;
  input.span = SpanOf(&ctx);
  input.stream_span = input.span;
  auto query = std::make_unique<ast::Query>();
  query->span = SpanOf(&ctx);
  query->input = TransformInput(*ctx.queryInput());
  query->selector = TransformSelector(ctx.querySection());
  if (ctx.outputRate() != nullptr) query->rate = TransformRate(*ctx.outputRate());
  query->action.kind = ast::OutputAction::Kind::kReturn;
  query->action.span = SpanOf(ctx.RETURN()->getSymbol());
  if (ctx.eventType() != nullptr) {
    query->action.event_type = TransformEventType(*ctx.eventType());
    query->action.event_type_given = true;
  }
  input.anonymous = std::move(query);
  return input;
}

ast::StreamInput Transformer::TransformJoinSource(P::JoinSourceContext& ctx) {
  ast::StreamInput input;
  if (ctx.anonymousStream() != nullptr) {
    input = TransformAnonymous(*ctx.anonymousStream());
  } else {
    TransformSource(*ctx.source(), input);
    for (P::StreamHandlerContext* handler : ctx.streamHandler()) {
      input.handlers.push_back(TransformHandler(*handler));
    }
    if (ctx.windowHandler() != nullptr) input.handlers.push_back(TransformWindow(*ctx.windowHandler()));
  }
  input.span = SpanOf(&ctx);
  if (ctx.name() != nullptr) input.alias = TransformName(*ctx.name());
  return input;
}

ast::Input Transformer::TransformInput(P::QueryInputContext& ctx) {
  if (ctx.standardStream() != nullptr) return TransformStandard(*ctx.standardStream());
  if (ctx.anonymousStream() != nullptr) return TransformAnonymous(*ctx.anonymousStream());
  if (ctx.patternInput() != nullptr) return TransformPattern(*ctx.patternInput());
  if (ctx.sequenceInput() != nullptr) return TransformSequence(*ctx.sequenceInput());

  P::JoinInputContext& j = *ctx.joinInput();
  ast::JoinInput join;
  join.span = SpanOf(&j);
  std::vector<P::JoinSourceContext*> sides = j.joinSource();
  join.left = TransformJoinSource(*sides[0]);
  join.right = TransformJoinSource(*sides[1]);
  // UNIDIRECTIONAL may follow either side: decide by position.
  for (antlr4::tree::TerminalNode* uni : j.UNIDIRECTIONAL()) {
    if (uni->getSymbol()->getTokenIndex() < j.joinType()->getStart()->getTokenIndex()) {
      join.left.unidirectional = true;
    } else {
      join.right.unidirectional = true;
    }
  }
  P::JoinTypeContext& type = *j.joinType();
  if (type.LEFT() != nullptr) {
    join.type = ast::JoinType::kLeftOuter;
  } else if (type.RIGHT() != nullptr) {
    join.type = ast::JoinType::kRightOuter;
  } else if (type.FULL() != nullptr) {
    join.type = ast::JoinType::kFullOuter;
  } else if (type.OUTER() != nullptr) {
    SyntaxError(SpanOf(&type), "'outer join' needs a side: write 'left outer join', 'right outer join' or "
                               "'full outer join'");
  }
  if (j.ON() != nullptr) join.on = TransformExpression(*j.expression(0));
  if (j.WITHIN() != nullptr) {
    std::vector<P::ExpressionContext*> exprs = j.expression();
    size_t next = j.ON() != nullptr ? 1 : 0;
    join.within = TransformExpression(*exprs[next++]);
    if (exprs.size() - next == 2) join.within_end = TransformExpression(*exprs[next++]);
    join.per = TransformExpression(*exprs[next]);
  }
  return join;
}

// ---------------------------------------------------------------- patterns

void Transformer::TransformCount(P::CountRangeContext& ctx, ast::PatternNode& node) {
  node.counted = true;
  std::vector<antlr4::tree::TerminalNode*> ints = ctx.INT_LITERAL();
  const bool has_colon = ctx.children.size() > 1;
  auto value = [](antlr4::tree::TerminalNode* n) { return std::atoi(n->getText().c_str()); };
  if (!has_colon) {
    node.min_count = node.max_count = value(ints[0]);
  } else if (ints.size() == 2) {
    node.min_count = value(ints[0]);
    node.max_count = value(ints[1]);
  } else if (ctx.getStart()->getText() == ":") {
    node.min_count = 0;
    node.max_count = value(ints[0]);
  } else {
    node.min_count = value(ints[0]);
    node.max_count = -1;
  }
  if (node.max_count >= 0 && node.max_count < node.min_count) {
    SyntaxError(SpanOf(&ctx), "count range <" + ctx.getText() + ">: the maximum is below the minimum");
  }
}

std::unique_ptr<ast::PatternNode> Transformer::TransformBasic(P::BasicStateContext& ctx) {
  auto node = std::make_unique<ast::PatternNode>();
  node->kind = ast::PatternNode::Kind::kStream;
  node->span = SpanOf(&ctx);
  if (ctx.name() != nullptr) node->ref = TransformName(*ctx.name());
  TransformSource(*ctx.source(), node->input);
  node->input.span = node->span;
  for (P::StreamHandlerContext* handler : ctx.streamHandler()) {
    node->input.handlers.push_back(TransformHandler(*handler));
  }
  return node;
}

std::unique_ptr<ast::PatternNode> Transformer::TransformAbsent(P::AbsentStateContext& ctx) {
  auto node = std::make_unique<ast::PatternNode>();
  node->kind = ast::PatternNode::Kind::kAbsent;
  node->span = SpanOf(&ctx);
  TransformSource(*ctx.source(), node->input);
  node->input.span = node->span;
  for (P::StreamHandlerContext* handler : ctx.streamHandler()) {
    node->input.handlers.push_back(TransformHandler(*handler));
  }
  if (ctx.timeValue() != nullptr) node->for_ms = TransformTime(*ctx.timeValue());
  return node;
}

std::unique_ptr<ast::PatternNode> Transformer::TransformLogical(P::LogicalStateContext& ctx) {
  auto node = std::make_unique<ast::PatternNode>();
  node->kind = ctx.AND() != nullptr ? ast::PatternNode::Kind::kAnd : ast::PatternNode::Kind::kOr;
  node->span = SpanOf(&ctx);
  for (antlr4::tree::ParseTree* child : ctx.children) {
    if (auto* basic = dynamic_cast<P::BasicStateContext*>(child)) {
      node->children.push_back(TransformBasic(*basic));
    } else if (auto* absent = dynamic_cast<P::AbsentStateContext*>(child)) {
      node->children.push_back(TransformAbsent(*absent));
    }
  }
  return node;
}

std::unique_ptr<ast::PatternNode> Transformer::TransformState(P::PatternStateContext& ctx) {
  if (ctx.logicalState() != nullptr) return TransformLogical(*ctx.logicalState());
  if (ctx.absentState() != nullptr) return TransformAbsent(*ctx.absentState());
  if (ctx.basicState() != nullptr) return TransformBasic(*ctx.basicState());
  P::CountingStateContext& counting = *ctx.countingState();
  std::unique_ptr<ast::PatternNode> node = TransformBasic(*counting.basicState());
  node->span = SpanOf(&counting);
  TransformCount(*counting.countRange(), *node);
  return node;
}

std::unique_ptr<ast::PatternNode> Transformer::TransformTerm(P::PatternTermContext& ctx) {
  std::unique_ptr<ast::PatternNode> inner =
      ctx.patternChain() != nullptr ? TransformChain(*ctx.patternChain()) : TransformState(*ctx.patternState());
  if (ctx.WITHIN() != nullptr) inner->within_ms = TransformTime(*ctx.timeValue());
  if (ctx.EVERY() == nullptr) return inner;
  auto every = std::make_unique<ast::PatternNode>();
  every->kind = ast::PatternNode::Kind::kEvery;
  every->span = SpanOf(&ctx);
  every->children.push_back(std::move(inner));
  return every;
}

std::unique_ptr<ast::PatternNode> Transformer::TransformChain(P::PatternChainContext& ctx) {
  std::vector<P::PatternTermContext*> terms = ctx.patternTerm();
  if (terms.size() == 1) return TransformTerm(*terms[0]);
  auto chain = std::make_unique<ast::PatternNode>();
  chain->kind = ast::PatternNode::Kind::kFollowedBy;
  chain->span = SpanOf(&ctx);
  for (P::PatternTermContext* term : terms) chain->children.push_back(TransformTerm(*term));
  return chain;
}

ast::PatternInput Transformer::TransformPattern(P::PatternInputContext& ctx) {
  ast::PatternInput pattern;
  pattern.span = SpanOf(&ctx);
  pattern.root = TransformChain(*ctx.patternChain());
  if (ctx.timeValue() != nullptr) pattern.within_ms = TransformTime(*ctx.timeValue());
  // `(A -> B) within T` as the whole pattern is the pattern's within.
  if (!pattern.within_ms && pattern.root->within_ms) {
    pattern.within_ms = pattern.root->within_ms;
    pattern.root->within_ms.reset();
  }
  return pattern;
}

ast::PatternInput Transformer::TransformSequence(P::SequenceInputContext& ctx) {
  ast::PatternInput sequence;
  sequence.sequence = true;
  sequence.span = SpanOf(&ctx);
  auto chain = std::make_unique<ast::PatternNode>();
  chain->kind = ast::PatternNode::Kind::kNext;
  chain->span = sequence.span;
  for (P::SequenceTermContext* term : ctx.sequenceTerm()) {
    std::unique_ptr<ast::PatternNode> node;
    if (term->logicalState() != nullptr) {
      node = TransformLogical(*term->logicalState());
    } else if (term->absentState() != nullptr) {
      node = TransformAbsent(*term->absentState());
    } else {
      node = TransformBasic(*term->basicState());
      node->span = SpanOf(term);
      if (term->countRange() != nullptr) {
        TransformCount(*term->countRange(), *node);
      } else if (term->children.size() > 1) {
        const std::string q = term->children.back()->getText();
        node->counted = true;
        node->min_count = q == "+" ? 1 : 0;
        node->max_count = q == "?" ? 1 : -1;
      }
    }
    chain->children.push_back(std::move(node));
  }
  if (ctx.EVERY() != nullptr) {
    // `every` applies to the first state of a sequence.
    auto every = std::make_unique<ast::PatternNode>();
    every->kind = ast::PatternNode::Kind::kEvery;
    every->span = chain->children.front()->span;
    every->children.push_back(std::move(chain->children.front()));
    chain->children.front() = std::move(every);
  }
  sequence.root = std::move(chain);
  if (ctx.timeValue() != nullptr) sequence.within_ms = TransformTime(*ctx.timeValue());
  return sequence;
}

// ---------------------------------------------------------------- selection and output

ast::Selector Transformer::TransformSelectClause(P::SelectClauseContext& ctx) {
  ast::Selector selector;
  selector.span = SpanOf(&ctx);
  selector.star = ctx.outputAttribute().empty();
  for (P::OutputAttributeContext* attr : ctx.outputAttribute()) {
    ast::OutputAttribute out;
    out.span = SpanOf(attr);
    out.expr = TransformExpression(*attr->expression());
    if (attr->AS() != nullptr) out.rename = TransformName(*attr->name());
    selector.attributes.push_back(std::move(out));
  }
  return selector;
}

ast::Selector Transformer::TransformSelector(P::QuerySectionContext* ctx) {
  if (ctx == nullptr) return ast::Selector{};
  ast::Selector selector = TransformSelectClause(*ctx->selectClause());
  selector.span = SpanOf(ctx);
  if (P::GroupByContext* group = ctx->groupBy()) {
    for (P::AttributeReferenceContext* ref : group->attributeReference()) {
      selector.group_by.push_back(AttributeExpr(*this, *ref));
    }
  }
  if (ctx->having() != nullptr) selector.having = TransformExpression(*ctx->having()->expression());
  if (P::OrderByContext* order = ctx->orderBy()) {
    for (P::OrderKeyContext* key : order->orderKey()) {
      selector.order_by.push_back(
          {TransformAttributeRef(*key->attributeReference()), key->DESC() != nullptr, SpanOf(key)});
    }
  }
  if (ctx->limit() != nullptr) selector.limit = TransformExpression(*ctx->limit()->expression());
  if (ctx->offset() != nullptr) selector.offset = TransformExpression(*ctx->offset()->expression());
  return selector;
}

ast::OutputRate Transformer::TransformRate(P::OutputRateContext& ctx) {
  ast::OutputRate rate;
  rate.span = SpanOf(&ctx);
  if (ctx.SNAPSHOT() != nullptr) {
    rate.kind = ast::OutputRate::Kind::kSnapshot;
  } else if (ctx.EVENTS() != nullptr) {
    rate.kind = ast::OutputRate::Kind::kEvents;
  } else {
    rate.kind = ast::OutputRate::Kind::kTime;
  }
  if (ctx.FIRST() != nullptr) rate.which = ast::OutputRate::Which::kFirst;
  if (ctx.LAST() != nullptr) rate.which = ast::OutputRate::Which::kLast;
  if (ctx.timeValue() != nullptr) {
    rate.value = TransformTime(*ctx.timeValue());
  } else {
    rate.value = std::atoll(ctx.INT_LITERAL()->getText().c_str());
  }
  return rate;
}

ast::EventType Transformer::TransformEventType(P::EventTypeContext& ctx) {
  if (ctx.EXPIRED() != nullptr) return ast::EventType::kExpired;
  if (ctx.ALL() != nullptr) return ast::EventType::kAll;
  return ast::EventType::kCurrent;
}

std::vector<ast::SetAssignment> Transformer::TransformSet(P::SetClauseContext* ctx) {
  std::vector<ast::SetAssignment> out;
  if (ctx == nullptr) return out;
  for (P::SetAssignmentContext* a : ctx->setAssignment()) {
    out.push_back({TransformAttributeRef(*a->attributeReference()), TransformExpression(*a->expression()),
                   SpanOf(a)});
  }
  return out;
}

ast::OutputAction Transformer::TransformOutput(P::QueryOutputContext& ctx) {
  ast::OutputAction action;
  action.span = SpanOf(&ctx);
  if (ctx.eventType() != nullptr) {
    action.event_type = TransformEventType(*ctx.eventType());
    action.event_type_given = true;
  }
  if (ctx.RETURN() != nullptr) {
    action.kind = ast::OutputAction::Kind::kReturn;
    return action;
  }
  if (ctx.source() != nullptr) {
    action.kind = ast::OutputAction::Kind::kInsert;
    ast::StreamInput target;
    TransformSource(*ctx.source(), target);
    action.target = target.stream;
    action.target_inner = target.inner;
    action.target_fault = target.fault;
    action.target_span = target.stream_span;
    return action;
  }
  action.target = TransformName(*ctx.name());
  action.target_span = SpanOf(ctx.name());
  if (ctx.DELETE() != nullptr) {
    action.kind = ast::OutputAction::Kind::kDelete;
  } else if (ctx.INSERT() != nullptr) {
    action.kind = ast::OutputAction::Kind::kUpdateOrInsert;
  } else {
    action.kind = ast::OutputAction::Kind::kUpdate;
  }
  action.set = TransformSet(ctx.setClause());
  if (ctx.expression() != nullptr) action.on = TransformExpression(*ctx.expression());
  return action;
}

ast::Query Transformer::TransformQuery(P::QueryContext& ctx) {
  ast::Query query;
  query.span = SpanOf(&ctx);
  for (P::AnnotationContext* a : ctx.annotation()) query.annotations.push_back(TransformAnnotation(*a));
  query.input = TransformInput(*ctx.queryInput());
  query.selector = TransformSelector(ctx.querySection());
  if (ctx.outputRate() != nullptr) query.rate = TransformRate(*ctx.outputRate());
  query.action = TransformOutput(*ctx.queryOutput());
  if (query.rate.kind == ast::OutputRate::Kind::kSnapshot && !query.action.event_type_given) {
    query.action.event_type = ast::EventType::kAll;  // snapshot's default (§5)
  }
  return query;
}

ast::Partition Transformer::TransformPartition(P::PartitionContext& ctx) {
  ast::Partition partition;
  partition.span = SpanOf(&ctx);
  for (P::AnnotationContext* a : ctx.annotation()) partition.annotations.push_back(TransformAnnotation(*a));
  for (P::PartitionKeyContext* k : ctx.partitionKey()) {
    ast::PartitionKey key;
    key.span = SpanOf(k);
    key.stream = TransformName(*k->name());
    key.stream_span = SpanOf(k->name());
    if (k->expression() != nullptr) {
      key.value = TransformExpression(*k->expression());
    } else {
      for (P::RangeCaseContext* range : k->rangeCase()) {
        key.ranges.push_back(
            {TransformExpression(*range->expression()), TransformString(*range->stringLiteral()), SpanOf(range)});
      }
    }
    partition.keys.push_back(std::move(key));
  }
  for (P::PartitionElementContext* element : ctx.partitionElement()) {
    if (P::DefinitionContext* def = element->definition()) {
      const std::string what = std::visit(
          [](const auto& d) {
            using T = std::decay_t<decltype(d)>;
            const char* kind = std::is_same_v<T, ast::StreamDef>    ? "stream"
                               : std::is_same_v<T, ast::TableDef>   ? "table"
                               : std::is_same_v<T, ast::WindowDef>  ? "window"
                               : std::is_same_v<T, ast::TriggerDef> ? "trigger"
                               : std::is_same_v<T, ast::FunctionDef> ? "function"
                                                                     : "aggregation";
            return std::string(kind) + " '" + d.name + "'";
          },
          TransformDefinition(*def));
      SyntaxError(SpanOf(def), what + " cannot be defined inside a partition; define it before the first query "
                                      "or partition (a partition holds only queries)");
    }
    partition.queries.push_back(TransformQuery(*element->query()));
  }
  if (partition.queries.empty()) {
    SyntaxError(SpanOf(ctx.END()->getSymbol()), "a partition needs at least one query between 'begin' and 'end'");
  }
  return partition;
}

ast::OnDemandQuery Transformer::TransformOnDemand(P::OnDemandQueryContext& ctx) {
  ast::OnDemandQuery query;
  query.span = SpanOf(&ctx);
  std::vector<P::NameContext*> names = ctx.name();
  if (ctx.FROM() != nullptr) {
    query.source = TransformName(*names[0]);
    query.source_span = SpanOf(names[0]);
    std::vector<P::ExpressionContext*> exprs = ctx.expression();
    size_t next = 0;
    if (ctx.ON() != nullptr) query.on = TransformExpression(*exprs[next++]);
    if (ctx.WITHIN() != nullptr) {
      query.within = TransformExpression(*exprs[next++]);
      if (exprs.size() - next == 2) query.within_end = TransformExpression(*exprs[next++]);
      query.per = TransformExpression(*exprs[next]);
    }
  }
  if (ctx.querySection() != nullptr) {
    query.has_selector = true;
    query.selector = TransformSelector(ctx.querySection());
  }
  if (P::OnDemandActionContext* a = ctx.onDemandAction()) {
    ast::OutputAction action;
    action.span = SpanOf(a);
    action.target = TransformName(*a->name());
    action.target_span = SpanOf(a->name());
    if (a->DELETE() != nullptr) {
      action.kind = ast::OutputAction::Kind::kDelete;
    } else if (a->UPDATE() != nullptr) {
      action.kind = a->INSERT() != nullptr ? ast::OutputAction::Kind::kUpdateOrInsert
                                           : ast::OutputAction::Kind::kUpdate;
    } else {
      action.kind = ast::OutputAction::Kind::kInsert;
    }
    action.set = TransformSet(a->setClause());
    if (a->expression() != nullptr) action.on = TransformExpression(*a->expression());
    query.action = std::move(action);
  }
  return query;
}

}  // namespace eddy::parser
