// Patterns and sequences (LANGUAGE.md §11-12): the pattern tree becomes a
// PatternSpec automaton (runtime/pattern/pattern_spec.h), each state's condition
// is split into what the arriving event alone decides (evaluated per chunk) and
// what needs the partial match (evaluated per candidate), and an equality with an
// earlier state becomes a hash index. The select clause reads the match through a
// PatternScope; the operator is built once it is compiled.
#include <algorithm>
#include <charconv>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "planner/pattern_scope.h"
#include "runtime/expr/factory.h"
#include "runtime/pattern/pattern_matcher.h"

namespace eddy::planner {
namespace {

using runtime::PatternNodeKind;
using runtime::PatternNodeSpec;
using runtime::PatternRef;
using runtime::PatternSpec;
using Kind = ast::PatternNode::Kind;

// What planning a pattern query shares between its steps.
struct PatternPlan {
  std::unique_ptr<PatternSpec> spec = std::make_unique<PatternSpec>();
  std::vector<PatternPosition> positions;
  std::vector<const ast::PatternNode*> states;  // per node: its AST
  std::vector<uint32_t> stage;                  // per node: place in the chain (logical sides share one)
  std::vector<runtime::StreamJunction*> junctions;  // per input stream
};

struct Built {
  uint32_t first = 0;               // where a partial match enters
  uint32_t term = 0;                // sequences: the node that resets/promotes the term
  std::vector<uint32_t> lasts;      // where it leaves
  std::vector<uint32_t> nodes;
};

// Lowers the pattern tree into nodes and transitions, numbering positions as the
// reference engine does (the second operand of and/or first).
class Lowering {
 public:
  using Resolve = std::function<runtime::StreamJunction*(const ast::StreamInput&)>;
  Lowering(PatternPlan& plan, bool sequence, Resolve resolve)
      : plan_(plan), spec_(*plan.spec), sequence_(sequence), resolve_(std::move(resolve)) {}

  Built Build(const ast::PatternNode& n, bool is_start) {
    switch (n.kind) {
      case Kind::kStream:
      case Kind::kAbsent: {
        if (n.kind == Kind::kAbsent && !n.for_ms) {
          Fail(n.span, "'not " + n.input.stream + "' needs 'for <time>' unless it is combined with a state by "
                       "'and' (not " + n.input.stream + "[...] and e2=...)");
        }
        const uint32_t id = NewNode(n, n.kind == Kind::kAbsent ? PatternNodeKind::kAbsent
                                       : n.counted                ? PatternNodeKind::kCount
                                                                  : PatternNodeKind::kStream,
                                    is_start, next_stage_++);
        if (n.kind == Kind::kAbsent) spec_.startup.push_back(id);
        return {id, id, {id}, {id}};
      }
      case Kind::kAnd:
      case Kind::kOr: return BuildLogical(n, is_start);
      case Kind::kFollowedBy:
      case Kind::kNext: {
        Built chain = Build(*n.children[0], is_start);
        if (sequence_) spec_.terms.push_back(chain.term);
        for (size_t i = 1; i < n.children.size(); ++i) {
          Built b = Build(*n.children[i], false);
          if (sequence_) spec_.terms.push_back(b.term);
          for (uint32_t l : chain.lasts) {
            PatternNodeSpec& last = spec_.nodes[l];
            last.next = static_cast<int32_t>(b.first);
            // A leading <0:n> state of a sequence starts over when the next one decides.
            if (sequence_ && last.kind == PatternNodeKind::kCount && last.is_start && last.min_count == 0) {
              spec_.nodes[b.first].callback = static_cast<int32_t>(l);
            }
          }
          chain.lasts = b.lasts;
          chain.nodes.insert(chain.nodes.end(), b.nodes.begin(), b.nodes.end());
        }
        return chain;
      }
      case Kind::kEvery: {
        Built inner = Build(*n.children[0], is_start);
        for (uint32_t l : inner.lasts) spec_.nodes[l].every = static_cast<int32_t>(inner.first);
        // An enclosing `every` takes over (it is built after this one returns).
        for (uint32_t x : inner.nodes) spec_.nodes[x].within_every = static_cast<int32_t>(inner.first);
        return inner;
      }
    }
    Fail(n.span, "unsupported pattern element");
  }

 private:
  Built BuildLogical(const ast::PatternNode& n, bool is_start) {
    const ast::PatternNode* one = n.children[0].get();
    const ast::PatternNode* two = n.children[1].get();
    const bool is_and = n.kind == Kind::kAnd;
    const char* op = is_and ? "and" : "or";
    if (one->kind == Kind::kAbsent && two->kind == Kind::kAbsent && (!one->for_ms || !two->for_ms)) {
      Fail(n.span, std::string("two absences combined by '") + op + "' both need 'for <time>'");
    }
    for (const ast::PatternNode* side : {one, two}) {
      if (side->kind == Kind::kAbsent && !side->for_ms && !is_and) {
        Fail(side->span, "'not " + side->input.stream + "' without 'for <time>' can only be combined with 'and'");
      }
    }
    // `e=S and not T for t` means `not T for t and e=S`: the timed absence is the
    // operand a partial match enters through.
    if (one->kind == Kind::kStream && two->kind == Kind::kAbsent && two->for_ms) std::swap(one, two);
    const uint32_t stage = next_stage_++;
    auto kind = [](const ast::PatternNode* side) {
      return side->kind == Kind::kAbsent ? PatternNodeKind::kLogicalAbsent : PatternNodeKind::kLogical;
    };
    const uint32_t second = NewNode(*two, kind(two), is_start, stage);
    const uint32_t first = NewNode(*one, kind(one), is_start, stage);
    for (auto [a, b] : {std::pair{first, second}, std::pair{second, first}}) {
      spec_.nodes[a].partner = static_cast<int32_t>(b);
      spec_.nodes[a].logical = is_and ? runtime::LogicalType::kAnd : runtime::LogicalType::kOr;
    }
    for (uint32_t id : {first, second}) {
      if (spec_.nodes[id].kind == PatternNodeKind::kLogicalAbsent) spec_.startup.push_back(id);
    }
    return {first, second, {second, first}, {second, first}};
  }

  uint32_t NewNode(const ast::PatternNode& n, PatternNodeKind kind, bool is_start, uint32_t stage) {
    runtime::StreamJunction* junction = resolve_(n.input);
    uint32_t stream = 0;
    while (stream < plan_.junctions.size() && plan_.junctions[stream] != junction) ++stream;
    if (stream == plan_.junctions.size()) {
      plan_.junctions.push_back(junction);
      spec_.stream_names.push_back(junction->name());
      spec_.stream_schemas.push_back(&junction->schema());
    }
    for (const ast::StreamHandler& h : n.input.handlers) {
      if (h.kind == ast::StreamHandler::Kind::kWindow) Fail(h.span, "a pattern state cannot have a window");
      if (h.kind == ast::StreamHandler::Kind::kFunction) {
        Fail(h.span, "stream functions in pattern states are not supported yet");
      }
    }
    PatternNodeSpec node;
    node.kind = kind;
    node.stream = stream;
    node.is_start = is_start;
    if (kind == PatternNodeKind::kCount) {
      if (n.max_count == 0) Fail(n.span, "a count must allow at least one event, e.g. <1:5> or <0:3>");
      node.min_count = n.min_count;
      node.max_count = n.max_count < 0 ? PatternNodeSpec::kUnbounded : n.max_count;
    }
    if (n.for_ms) node.wait_ms = *n.for_ms;
    node.text = StateText(n);
    spec_.nodes.push_back(std::move(node));
    plan_.positions.push_back({n.ref, n.input.stream, &junction->schema(), kind == PatternNodeKind::kCount,
                               kind == PatternNodeKind::kAbsent || kind == PatternNodeKind::kLogicalAbsent});
    plan_.states.push_back(&n);
    plan_.stage.push_back(stage);
    return static_cast<uint32_t>(spec_.nodes.size() - 1);
  }

  static std::string StateText(const ast::PatternNode& n) {
    std::string text = n.kind == Kind::kAbsent ? "not " : (n.ref.empty() ? "" : n.ref + "=");
    text += n.input.stream;
    for (const ast::StreamHandler& h : n.input.handlers) {
      if (h.kind == ast::StreamHandler::Kind::kFilter) text += "[" + ExprText(*h.filter) + "]";
    }
    return text;
  }

  PatternPlan& plan_;
  PatternSpec& spec_;
  bool sequence_;
  Resolve resolve_;
  uint32_t next_stage_ = 0;
};

void Conjuncts(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
  if (e.kind == ast::Expr::Kind::kBinary && e.op == ast::BinaryOp::kAnd) {
    Conjuncts(*e.lhs, out);
    Conjuncts(*e.rhs, out);
    return;
  }
  out.push_back(&e);
}

runtime::EvaluatorPtr AndAll(std::vector<runtime::EvaluatorPtr> parts) {
  if (parts.empty()) return nullptr;
  runtime::EvaluatorPtr out = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) out = runtime::MakeAnd(std::move(out), std::move(parts[i]));
  return out;
}

bool Indexable(Type t) { return t == Type::kString || t == Type::kInt || t == Type::kLong || t == Type::kBool; }

// `x OP y` between an attribute of the arriving event and a value of the
// partial match, either way round: the attribute, the value and the operator as
// read from the event's side (`e1.x > x` is `x < e1.x`).
struct EventAgainstMatch {
  ResolvedAttribute event;
  PatternRef stored;
  ast::BinaryOp op;
};

ast::BinaryOp MirroredOp(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kLt: return ast::BinaryOp::kGt;
    case ast::BinaryOp::kLe: return ast::BinaryOp::kGe;
    case ast::BinaryOp::kGt: return ast::BinaryOp::kLt;
    case ast::BinaryOp::kGe: return ast::BinaryOp::kLe;
    default: return op;
  }
}

std::optional<EventAgainstMatch> SplitComparison(const ast::Expr& c, const std::vector<PatternPosition>& positions,
                                                 uint32_t n) {
  if (c.kind != ast::Expr::Kind::kBinary || !TypeComparison(c.op, Type::kLong, Type::kLong)) return std::nullopt;
  const uint32_t arity = positions[n].schema->arity();
  for (const bool event_left : {true, false}) {
    const ast::Expr& mine = event_left ? *c.lhs : *c.rhs;
    const ast::Expr& theirs = event_left ? *c.rhs : *c.lhs;
    if (mine.kind != ast::Expr::Kind::kAttribute || theirs.kind != ast::Expr::Kind::kAttribute) continue;
    std::vector<PatternRef> refs;
    PatternScope probe(&positions, PatternScope::Mode::kCondition, static_cast<int32_t>(n), &refs);
    const ResolvedAttribute a = probe.Resolve(mine.attribute, mine.span);
    const ResolvedAttribute b = probe.Resolve(theirs.attribute, theirs.span);
    if (a.where != ResolvedAttribute::Where::kExtra || a.index >= arity) continue;
    if (b.where != ResolvedAttribute::Where::kChunk) continue;
    return EventAgainstMatch{a, refs[b.index], event_left ? c.op : MirroredOp(c.op)};
  }
  return std::nullopt;
}

// Collects the within of sub-patterns: `(A -> B) within T` in a pattern.
void NestedWithins(const ast::PatternNode& n, std::vector<const ast::PatternNode*>& out) {
  if (n.within_ms) out.push_back(&n);
  for (const auto& child : n.children) NestedWithins(*child, out);
}

}  // namespace

PlannedInput AppPlanner::PlanPattern(const ast::PatternInput& pattern, const ast::Query& query,
                                     const std::string& name) {
  CheckPattern(*pattern.root);
  auto plan = std::make_shared<PatternPlan>();
  PatternSpec& spec = *plan->spec;
  spec.sequence = pattern.sequence;
  spec.within_ms = pattern.within_ms;
  std::vector<const ast::PatternNode*> withins;
  NestedWithins(*pattern.root, withins);
  if (!withins.empty()) {
    if (spec.within_ms || withins.size() > 1) {
      Fail(withins.back()->span, "'within' on a part of a pattern is not supported yet; give the whole pattern "
                                 "one 'within' at its end");
    }
    spec.within_ms = withins[0]->within_ms;  // the pattern's only `within`
  }
  if (spec.within_ms && *spec.within_ms <= 0) Fail(pattern.span, "'within' must be a positive time");

  spec.max_partial_matches = options_.max_partial_matches;
  if (const ast::Annotation* info = FindAnnotation(query.annotations, "info")) {
    if (const ast::AnnotationElement* e = FindElement(*info, "max.partial.matches")) {
      uint64_t n = 0;
      const auto [end, ec] = std::from_chars(e->value.data(), e->value.data() + e->value.size(), n);
      if (ec != std::errc() || end != e->value.data() + e->value.size() || n == 0) {
        Fail(e->span, "max.partial.matches must be a positive whole number, got '" + e->value + "'");
      }
      spec.max_partial_matches = static_cast<size_t>(n);
    }
  }

  Lowering lowering(*plan, pattern.sequence, [this](const ast::StreamInput& input) {
    return ResolveSourceStream(input);
  });
  const Built root = lowering.Build(*pattern.root, true);
  for (uint32_t l : root.lasts) spec.nodes[l].last = true;
  spec.stream_nodes.resize(spec.stream_names.size());
  for (uint32_t n = static_cast<uint32_t>(spec.nodes.size()); n-- > 0;) {
    spec.stream_nodes[spec.nodes[n].stream].push_back(n);  // later states first
  }

  // Each state's condition: conjuncts on the event alone are local, the others
  // need the partial match; an equality with a fixed earlier value is the index.
  for (uint32_t n = 0; n < spec.nodes.size(); ++n) {
    PatternNodeSpec& node = spec.nodes[n];
    const ast::PatternNode& state = *plan->states[n];
    std::vector<const ast::Expr*> conjuncts;
    for (const ast::StreamHandler& h : state.input.handlers) {
      if (h.kind == ast::StreamHandler::Kind::kFilter) Conjuncts(*h.filter, conjuncts);
    }
    std::vector<runtime::EvaluatorPtr> local;
    std::vector<const ast::Expr*> correlated;
    for (const ast::Expr* c : conjuncts) {
      PatternScope scope(&plan->positions, PatternScope::Mode::kCondition, static_cast<int32_t>(n), &node.frame);
      CompileCondition(*c, ExprContext{&scope}, "a pattern condition");
      if (!scope.needs_match()) {
        PatternScope own(&plan->positions, PatternScope::Mode::kLocalCondition, static_cast<int32_t>(n), nullptr);
        local.push_back(CompileCondition(*c, ExprContext{&own}, "a pattern condition"));
        continue;
      }
      if (const std::optional<EventAgainstMatch> split = SplitComparison(*c, plan->positions, n)) {
        const PatternRef& stored = split->stored;
        const bool plain = stored.what == PatternRef::What::kAttribute && stored.pick == PatternRef::Pick::kOnly;
        const PatternNodeKind source = spec.nodes[stored.position].kind;
        // `attr == e1.attr`, e1 earlier and fixed: the index (it finds exactly the
        // matches with an equal key).
        if (!node.index && !spec.sequence && node.kind == PatternNodeKind::kStream && split->op == ast::BinaryOp::kEq &&
            plain && (source == PatternNodeKind::kStream || source == PatternNodeKind::kLogical) &&
            plan->stage[stored.position] < plan->stage[n] && split->event.type == stored.type &&
            Indexable(stored.type)) {
          node.index = runtime::PatternIndexSpec{split->event.index, stored};
          continue;
        }
        // Any other comparison with a plain position's attribute: read on the
        // stored event (an unbound position reads as null, as in the frame).
        if (plain && source != PatternNodeKind::kCount) {
          const ComparisonTyping typing = *TypeComparison(split->op, split->event.type, stored.type);
          node.compares.push_back({typing.op, split->event.index, split->event.type, stored, typing.as});
          if (split->event.type == typing.as && stored.type == typing.as) {
            node.compares.back().typed = runtime::TypedComparison(typing.op, typing.as);
          }
          continue;
        }
      }
      correlated.push_back(c);
    }
    node.local = AndAll(std::move(local));
    // The frame holds only what the remaining conditions read.
    node.frame.clear();
    std::vector<runtime::EvaluatorPtr> parts;
    for (const ast::Expr* c : correlated) {
      PatternScope scope(&plan->positions, PatternScope::Mode::kCondition, static_cast<int32_t>(n), &node.frame);
      parts.push_back(CompileCondition(*c, ExprContext{&scope}, "a pattern condition"));
    }
    node.correlated = AndAll(std::move(parts));
    if (node.correlated) {
      std::vector<runtime::Attribute> columns;
      for (size_t i = 0; i < node.frame.size(); ++i) {
        // The frame borrows the match's values: no reference-counted types.
        const Type t = node.frame[i].type;
        columns.push_back({"c" + std::to_string(i), t == Type::kString || t == Type::kObject ? Type::kLong : t});
      }
      node.frame_schema = runtime_->OwnSchema(runtime::Schema(std::move(columns)));
    } else {
      node.frame.clear();
    }
  }

  PlannedInput planned;
  planned.description = std::string(spec.sequence ? "sequence" : "pattern") + " over ";
  for (size_t i = 0; i < spec.stream_names.size(); ++i) planned.description += (i ? ", " : "") + spec.stream_names[i];
  planned.scope = std::make_unique<PatternScope>(&plan->positions, PatternScope::Mode::kSelect, -1, &spec.output);
  if (query.selector.star) {
    const auto& scope = static_cast<const PatternScope&>(*planned.scope);
    for (uint32_t p = 0; p < plan->positions.size(); ++p) {
      const PatternPosition& pos = plan->positions[p];
      if (pos.counted) {
        Fail(query.selector.span, "'select *' with a counting state (" + (pos.ref.empty() ? pos.stream : pos.ref) +
                                      ") is not supported yet; list the attributes, e.g. " +
                                      (pos.ref.empty() ? "e" : pos.ref) + "[0].x");
      }
      for (uint32_t a = 0; a < pos.schema->arity(); ++a) {
        const runtime::Attribute& attr = pos.schema->attribute(a);
        for (const auto& [seen, r] : planned.star) {
          if (seen.name == attr.name) {
            Fail(query.selector.span, "'select *' would output '" + attr.name +
                                          "' twice (several states of the pattern have it); list the attributes "
                                          "with 'as' names instead");
          }
        }
        PatternRef ref{p};
        ref.attribute = a;
        ref.type = attr.type;
        planned.star.push_back({attr, {ResolvedAttribute::Where::kChunk, scope.Column(ref), attr.type}});
      }
    }
  }
  planned.adopt_output_schema = [plan](const runtime::Schema* output) {
    const PatternSpec& spec = *plan->spec;
    if (output->arity() != spec.output.size()) return false;
    for (uint32_t i = 0; i < output->arity(); ++i) {
      if (output->type(i) != spec.output[i].type) return false;
    }
    plan->spec->output_schema = output;
    return true;
  };
  planned.finish = [this, plan, name](PlannedInput& in) {
    PatternSpec& spec = *plan->spec;
    if (spec.output_schema == nullptr) {
      std::vector<runtime::Attribute> columns;
      for (size_t i = 0; i < spec.output.size(); ++i) columns.push_back({"c" + std::to_string(i), spec.output[i].type});
      spec.output_schema = runtime_->OwnSchema(runtime::Schema(std::move(columns)));
    }
    // The automaton is shared by the query's instances; each has its own state.
    const PatternSpec* shared = recipe_->Keep(std::move(plan->spec))->get();
    using Context = QueryRecipe::Context;
    const QueryRecipe::Node matcher = recipe_->Add([shared, log = options_.log_sink, name](Context& c) {
      return std::make_unique<runtime::PatternMatcher>(shared, c.clock(), log, name);
    });
    recipe_->Then([matcher](Context& c) {
      auto* built = c.node<runtime::PatternMatcher>(matcher);
      c.target.OnStart([built](int64_t now) { built->Start(now); });
    });
    in.tail = matcher;
    in.chain.push_back(matcher);
    for (uint32_t i = 0; i < plan->junctions.size(); ++i) {
      recipe_->Then([stream = plan->junctions[i], matcher, i](Context& c) {
        c.Subscribe(stream, c.node<runtime::PatternMatcher>(matcher)->entry(i));
      });
    }
  };
  return planned;
}

}  // namespace eddy::planner
