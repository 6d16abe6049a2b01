#include "parser/transformer.h"

namespace eddy::parser {
namespace {

ast::AnnotationElement TransformElement(Transformer& t, P::AnnotationElementContext& ctx) {
  ast::AnnotationElement element;
  element.span = SpanOf(&ctx);
  element.value = t.TransformString(*ctx.stringLiteral());
  if (P::PropertyKeyContext* key = ctx.propertyKey()) {
    if (key->stringLiteral() != nullptr) {
      element.key = t.TransformString(*key->stringLiteral());
    } else {
      element.key = key->getText();
    }
  }
  return element;
}

}  // namespace

ast::Annotation Transformer::TransformAnnotation(P::AnnotationContext& ctx) {
  ast::Annotation annotation;
  annotation.span = SpanOf(&ctx);
  annotation.name = TransformName(*ctx.name());
  for (P::AnnotationItemContext* item : ctx.annotationItem()) {
    if (item->annotation() != nullptr) {
      annotation.nested.push_back(TransformAnnotation(*item->annotation()));
    } else {
      annotation.elements.push_back(TransformElement(*this, *item->annotationElement()));
    }
  }
  return annotation;
}

ast::Annotation Transformer::TransformAppAnnotation(P::AppAnnotationContext& ctx) {
  ast::Annotation annotation;
  annotation.span = SpanOf(&ctx);
  annotation.name = "app:" + TransformName(*ctx.name());
  for (P::AnnotationElementContext* element : ctx.annotationElement()) {
    annotation.elements.push_back(TransformElement(*this, *element));
  }
  return annotation;
}

Type Transformer::TransformType(P::AttributeTypeContext& ctx) {
  switch (ctx.getStart()->getType()) {
    case P::STRING: return Type::kString;
    case P::INT: return Type::kInt;
    case P::LONG: return Type::kLong;
    case P::FLOAT: return Type::kFloat;
    case P::DOUBLE: return Type::kDouble;
    case P::BOOL: return Type::kBool;
    default: return Type::kObject;
  }
}

std::vector<ast::AttributeDef> Transformer::TransformAttributes(std::vector<P::AttributeDefContext*> defs) {
  std::vector<ast::AttributeDef> out;
  for (P::AttributeDefContext* def : defs) {
    out.push_back({TransformName(*def->name()), TransformType(*def->attributeType()), SpanOf(def)});
  }
  return out;
}

ast::Duration Transformer::TransformDuration(P::TimeUnitContext& ctx) {
  switch (ctx.getStart()->getType()) {
    case P::YEARS: return ast::Duration::kYears;
    case P::MONTHS: return ast::Duration::kMonths;
    case P::WEEKS: return ast::Duration::kWeeks;
    case P::DAYS: return ast::Duration::kDays;
    case P::HOURS: return ast::Duration::kHours;
    case P::MINUTES: return ast::Duration::kMinutes;
    case P::SECONDS: return ast::Duration::kSeconds;
    default:
      SyntaxError(SpanOf(&ctx), "aggregation durations go from sec to year; milliseconds are not supported");
  }
}

ast::Definition Transformer::TransformDefinition(P::DefinitionContext& ctx) {
  std::vector<ast::Annotation> annotations;
  for (P::AnnotationContext* a : ctx.annotation()) annotations.push_back(TransformAnnotation(*a));

  if (P::DefineStreamContext* d = ctx.defineStream()) {
    ast::StreamDef def;
    def.annotations = std::move(annotations);
    def.name = TransformName(*d->name());
    def.name_span = SpanOf(d->name());
    def.attributes = TransformAttributes(d->attributeDef());
    def.span = SpanOf(d);
    return def;
  }
  if (P::DefineTableContext* d = ctx.defineTable()) {
    ast::TableDef def;
    def.annotations = std::move(annotations);
    def.name = TransformName(*d->name());
    def.name_span = SpanOf(d->name());
    def.attributes = TransformAttributes(d->attributeDef());
    def.span = SpanOf(d);
    return def;
  }
  if (P::DefineWindowContext* d = ctx.defineWindow()) {
    ast::WindowDef def;
    def.annotations = std::move(annotations);
    def.name = TransformName(*d->name());
    def.name_span = SpanOf(d->name());
    def.attributes = TransformAttributes(d->attributeDef());
    def.window = TransformCall(*d->functionCall());
    if (d->eventType() != nullptr) def.output = TransformEventType(*d->eventType());
    def.span = SpanOf(d);
    return def;
  }
  if (P::DefineTriggerContext* d = ctx.defineTrigger()) {
    ast::TriggerDef def;
    def.name = TransformName(*d->name());
    def.name_span = SpanOf(d->name());
    def.span = SpanOf(d);
    if (d->EVERY() != nullptr) {
      def.kind = ast::TriggerDef::Kind::kEvery;
      def.every_ms = TransformTime(*d->timeValue());
    } else {
      const std::string text = TransformString(*d->stringLiteral());
      std::string lower = text;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "start") {
        def.kind = ast::TriggerDef::Kind::kStart;
      } else {
        def.kind = ast::TriggerDef::Kind::kCron;
        def.cron = text;
      }
    }
    return def;
  }
  if (P::DefineFunctionContext* d = ctx.defineFunction()) {
    ast::FunctionDef def;
    std::vector<P::NameContext*> names = d->name();
    def.name = TransformName(*names[0]);
    def.name_span = SpanOf(names[0]);
    def.language = TransformName(*names[1]);
    def.return_type = TransformType(*d->attributeType());
    const std::string body = d->SCRIPT()->getText();
    def.body = body.substr(1, body.size() - 2);
    def.span = SpanOf(d);
    return def;
  }
  P::DefineAggregationContext* d = ctx.defineAggregation();
  ast::AggregationDef def;
  def.annotations = std::move(annotations);
  def.name = TransformName(*d->name());
  def.name_span = SpanOf(d->name());
  def.span = SpanOf(d);
  def.input = TransformStandard(*d->standardStream());
  def.selector = TransformSelectClause(*d->selectClause());
  if (P::GroupByContext* group = d->groupBy()) {
    for (P::AttributeReferenceContext* ref : group->attributeReference()) {
      auto e = std::make_unique<ast::Expr>();
      e->kind = ast::Expr::Kind::kAttribute;
      e->span = SpanOf(ref);
      e->attribute = TransformAttributeRef(*ref);
      def.selector.group_by.push_back(std::move(e));
    }
  }
  if (d->attributeReference() != nullptr) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kAttribute;
    e->span = SpanOf(d->attributeReference());
    e->attribute = TransformAttributeRef(*d->attributeReference());
    def.aggregate_by = std::move(e);
  }
  P::DurationsContext* durations = d->durations();
  def.range = durations->TRIPLE_DOT() != nullptr;
  for (P::TimeUnitContext* unit : durations->timeUnit()) def.durations.push_back(TransformDuration(*unit));
  if (def.range && def.durations[0] > def.durations[1]) {
    SyntaxError(SpanOf(durations), "an aggregation range goes from the smaller duration to the larger, e.g. sec ... year");
  }
  return def;
}

}  // namespace eddy::parser
