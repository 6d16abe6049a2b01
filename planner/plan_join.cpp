// Planning of joins (LANGUAGE.md §10): `from A[#handlers][#window.w(...)] [as a]
// [unidirectional] <join type> B... [on <condition>]`.
//
// Each side is planned like a single input (filters, stream functions, its
// window) and ends in a runtime::JoinSide; a side without a window gets a
// length-0 batch window (it holds nothing and emits each event as CURRENT,
// EXPIRED, RESET), a named-window side searches the named window. Both sides
// hand their joined rows, in the schema [left attributes | right attributes], to
// one JoinOutput, after which PlanQuery plans the selector as for any input.
// A table side is searched in place (Table is a RowSource) and never triggers;
// an aggregation side (the right one) never triggers either: the stream side
// probes an AggregationReader with each event (`within ... per ...`).
#include <optional>
#include <utility>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "planner/spec_copies.h"
#include "runtime/join/join_links.h"
#include "runtime/join/join_side.h"
#include "runtime/table/table.h"
#include "runtime/window/window.h"

namespace eddy::planner {
namespace {

struct SidePlan {
  const ast::StreamInput* input = nullptr;
  PlannedInput planned;
  bool is_static = false;     // a table or aggregation: searched, never triggers
  runtime::Table* table = nullptr;  // a table side's rows (the planner may add an index)
  bool is_aggregation = false;
  runtime::AggregationStore* aggregation = nullptr;  // the right side's buckets (a left one is rejected)
  bool named_window = false;  // reads a `define window`
  // What the side holds (searched by the other): its own window (a node of the
  // query) or a named window.
  std::optional<QueryRecipe::Node> contents;
  const runtime::Window* named_contents = nullptr;
  bool searchable = false;  // the contents can be searched
  bool fifo = false;  // contents is the side's own FIFO window, every event of which reaches the side
};

std::string SideName(const ast::StreamInput& input, const PlannedInput& planned) {
  if (!input.alias.empty()) return input.alias;
  return input.anonymous ? planned.description : input.stream;
}

// `l.x == r.y` among the top-level conjuncts of `on`, with l on the left side
// and r on the right, of types that hash alike: the slots (in each side's own
// schema) of the first such pair.
std::optional<std::pair<uint32_t, uint32_t>> FindEquiKey(const ast::Expr& on, const Scope& scope,
                                                         const runtime::Schema& joined, uint32_t left_arity) {
  if (on.kind != ast::Expr::Kind::kBinary) return std::nullopt;
  if (on.op == ast::BinaryOp::kAnd) {
    if (auto key = FindEquiKey(*on.lhs, scope, joined, left_arity)) return key;
    return FindEquiKey(*on.rhs, scope, joined, left_arity);
  }
  if (on.op != ast::BinaryOp::kEq || on.lhs->kind != ast::Expr::Kind::kAttribute ||
      on.rhs->kind != ast::Expr::Kind::kAttribute) {
    return std::nullopt;
  }
  const ResolvedAttribute a = scope.Resolve(on.lhs->attribute, on.lhs->span);
  const ResolvedAttribute b = scope.Resolve(on.rhs->attribute, on.rhs->span);
  if (a.where != ResolvedAttribute::Where::kChunk || b.where != ResolvedAttribute::Where::kChunk) {
    return std::nullopt;
  }
  const bool a_left = a.index < left_arity;
  const bool b_left = b.index < left_arity;
  if (a_left == b_left) return std::nullopt;
  const ResolvedAttribute& l = a_left ? a : b;
  const ResolvedAttribute& r = a_left ? b : a;
  if (!runtime::FifoKeyIndex::KeysMeet(l.type, r.type) || joined.type(l.index) != l.type) return std::nullopt;
  return std::make_pair(l.index, r.index - left_arity);
}

std::string_view JoinTypeText(ast::JoinType type) {
  switch (type) {
    case ast::JoinType::kInner: return "join";
    case ast::JoinType::kLeftOuter: return "left outer join";
    case ast::JoinType::kRightOuter: return "right outer join";
    case ast::JoinType::kFullOuter: return "full outer join";
  }
  return "join";
}

}  // namespace

PlannedInput AppPlanner::PlanJoin(const ast::JoinInput& join, const ast::Selector& select,
                                  const std::string& query) {
  if (join.left.unidirectional && join.right.unidirectional) {
    Fail(join.span, "only one side of a join may be unidirectional");
  }
  SidePlan sides[2];
  for (int i = 0; i < 2; ++i) {
    const ast::StreamInput& input = i == 0 ? join.left : join.right;
    SidePlan& side = sides[i];
    side.input = &input;
    const DefinitionInfo* def =
        input.anonymous || input.inner || input.fault ? nullptr : Find(input.stream);
    if (def != nullptr && (def->kind == DefinitionKind::kTable || def->kind == DefinitionKind::kAggregation)) {
      // Checked with the rest of the query, then rejected.
      side.is_static = true;
      side.is_aggregation = def->kind == DefinitionKind::kAggregation;
      const std::string what = std::string(KindName(def->kind)) + " '" + input.stream + "'";
      if (def->schema == nullptr) Fail(input.stream_span, "joining " + what + " is not supported yet");
      side.planned.schema = def->schema;
      side.planned.description = input.stream;
      side.planned.scope_inputs.push_back({input.stream, input.alias, false, false, def->schema, 0});
      if (!input.handlers.empty()) {
        Fail(input.handlers.front().span, what + " cannot take filters, stream functions or windows in a join");
      }
      if (def->kind == DefinitionKind::kTable) {
        side.table = def->table;
      } else if (i == 0) {
        if (!deferred_) {
          deferred_ = CompileError("joining " + what + " as the left side of a join is not supported yet; "
                                   "put the stream on the left",
                                   ToLocation(input.stream_span));
        }
      } else {
        side.aggregation = def->aggregation;
        if (join.type == ast::JoinType::kRightOuter || join.type == ast::JoinType::kFullOuter) {
          Fail(join.span, "an aggregation side cannot be outer: it never triggers (use 'join' or 'left outer join')");
        }
      }
      continue;
    }
    side.planned = PlanStreamInput(input);
    if (!input.alias.empty()) side.planned.description += " as " + input.alias;
    side.named_window = def != nullptr && def->kind == DefinitionKind::kWindow;
    const ast::StreamHandler* window_handler = nullptr;
    for (const ast::StreamHandler& handler : input.handlers) {
      if (handler.kind == ast::StreamHandler::Kind::kWindow) window_handler = &handler;
    }
    std::vector<runtime::RowRun> probe;
    if (side.named_window) {
      side.named_contents = def->window;
      side.searchable = def->window->AppendContents(probe);
      // The other side searches the window's own rows: they must be this side's rows.
      if (side.planned.schema->arity() != def->schema->arity() && !deferred_) {
        deferred_ = CompileError("stream functions that add attributes on named window '" + input.stream +
                                     "' in a join are not supported yet",
                                 ToLocation(input.span));
      }
    } else if (window_handler == nullptr) {
      // Holds nothing; each event triggers, expires at once and resets the aggregates.
      runtime::WindowConfig none;
      none.kind = runtime::WindowConfig::Kind::kLengthBatch;
      none.length = 0;
      none.text = "lengthBatch(0) (no window: holds nothing)";
      side.contents = Append(side.planned, [none, schema = side.planned.schema](QueryRecipe::Context& c) {
        return runtime::MakeWindow(none, schema, c.clock());
      });
      side.searchable = true;
    } else if (side.planned.last_window) {
      side.contents = side.planned.last_window;
      side.searchable = side.planned.last_window_searchable;
      side.fifo = side.planned.expired_in_arrival_order;
    }
    if (!side.searchable && !deferred_) {
      const ast::SourceSpan& span = window_handler != nullptr ? window_handler->span : input.stream_span;
      const std::string window = window_handler != nullptr ? window_handler->call.name : input.stream;
      deferred_ = CompileError("joining window '" + window + "' is not supported yet", ToLocation(span));
    }
  }
  if (sides[0].is_static && sides[1].is_static) {
    Fail(join.span, "a join needs at least one stream or window side: '" + join.left.stream + "' and '" +
                        join.right.stream + "' are both tables or aggregations");
  }
  if ((join.within || join.per) && !sides[0].is_aggregation && !sides[1].is_aggregation) {
    Fail(join.within ? join.within->span : join.per->span,
         "'within' and 'per' apply to joins with an aggregation, and neither side of this join is one");
  }
  std::optional<runtime::AggregationReaderSpec> aggregation_read;
  if (sides[1].aggregation != nullptr) {
    ScopeInput probe = sides[0].planned.scope_inputs.back();
    probe.schema = sides[0].planned.schema;
    probe.offset = 0;
    aggregation_read = PlanAggregationRead(join, *sides[1].aggregation, probe);
  }

  // The joined schema and its names: each side by its id or alias.
  std::vector<ScopeInput> inputs;
  std::vector<runtime::Attribute> attrs;
  for (SidePlan& side : sides) {
    ScopeInput input = side.planned.scope_inputs.back();
    input.schema = side.planned.schema;
    input.offset = static_cast<uint32_t>(attrs.size());
    inputs.push_back(input);
    for (const runtime::Attribute& a : side.planned.schema->attributes()) attrs.push_back(a);
  }
  const uint32_t left_arity = sides[0].planned.schema->arity();
  if (select.star) {
    for (size_t i = 0; i < left_arity; ++i) {
      const std::string& name = attrs[i].name;
      if (sides[1].planned.schema->Find(name) < 0) continue;
      Fail(select.span, "'select *' over this join would output '" + name + "' twice (both '" +
                            SideName(join.left, sides[0].planned) + "' and '" +
                            SideName(join.right, sides[1].planned) +
                            "' have it); list the attributes, renaming one with 'as'");
    }
  }
  PlannedInput planned;
  planned.schema = runtime_->OwnSchema(runtime::Schema(std::move(attrs)));
  planned.scope_inputs = inputs;
  planned.expiry = runtime::ExpiryOrder::kAny;  // joined EXPIRED rows retract in no particular order
  planned.description = sides[0].planned.description + " " + std::string(JoinTypeText(join.type)) + " " +
                        sides[1].planned.description;
  InputScope scope(inputs);
  runtime::EvaluatorPtr conditions[2];
  std::optional<std::pair<uint32_t, uint32_t>> key;
  if (join.on) {
    for (runtime::EvaluatorPtr& condition : conditions) {
      condition = CompileCondition(*join.on, ExprContext{&scope}, "a join condition");
    }
    key = FindEquiKey(*join.on, scope, *planned.schema, left_arity);
    planned.description += " on " + ExprText(*join.on);
  }
  if (join.within && join.per) {
    planned.description += " within " + ExprText(*join.within) +
                           (join.within_end ? ", " + ExprText(*join.within_end) : "") + " per " + ExprText(*join.per);
  }
  const bool same_named_window = sides[0].named_window && sides[1].named_window &&
                                 sides[0].planned.source == sides[1].planned.source;
  if (same_named_window && join.right.unidirectional) {
    Fail(join.span, "a join of named window '" + join.left.stream +
                        "' with itself is triggered by its left side only; put 'unidirectional' there or drop it");
  }
  if (deferred_) return planned;

  // ---- runtime
  using Node = QueryRecipe::Node;
  using Context = QueryRecipe::Context;
  const Node output = recipe_->Add([](Context&) { return std::make_unique<runtime::JoinOutput>(); });
  Node join_sides[2];
  for (int i = 0; i < 2; ++i) {
    const bool left = i == 0;
    const ast::StreamInput& input = left ? join.left : join.right;
    const ast::StreamInput& other = left ? join.right : join.left;
    runtime::JoinSideSpec spec;
    spec.joined = planned.schema;
    spec.left = left;
    spec.triggers = !other.unidirectional;
    spec.outer = join.type == ast::JoinType::kFullOuter ||
                 join.type == (left ? ast::JoinType::kLeftOuter : ast::JoinType::kRightOuter);
    spec.condition = std::move(conditions[i]);
    spec.description = std::string("Join ") + (left ? "left" : "right") + " side '" +
                       SideName(input, sides[i].planned) +
                       "'" + (spec.triggers ? "" : " (fills only)") + (spec.outer ? ", outer" : "");
    runtime::JoinSideSpec* kept = recipe_->Keep(std::move(spec));
    join_sides[i] = recipe_->Add([kept, own = sides[i].planned.schema, other = sides[1 - i].planned.schema](Context& c) {
      return std::make_unique<runtime::JoinSide>(
          TakeSpec(c, kept, [](const runtime::JoinSideSpec& s) { return CopySpec(s); }), own, other, c.clock());
    });
    recipe_->Link(join_sides[i], output);
  }
  if (aggregation_read) {
    using Reader = std::unique_ptr<runtime::AggregationReader>;
    Reader* reader = recipe_->Keep(std::make_unique<runtime::AggregationReader>(
        std::move(*aggregation_read), runtime::RefusalLog(options_.log_sink, query), &runtime_->scheduler()));
    recipe_->Then([side = join_sides[0], reader](Context& c) {
      c.node<runtime::JoinSide>(side)->ProbeRowsOf(reader->get());
    });
  }
  for (int i = 0; i < 2; ++i) {
    const runtime::RowSource* fixed = sides[i].table != nullptr
                                          ? static_cast<const runtime::RowSource*>(sides[i].table)
                                          : sides[i].named_contents;
    recipe_->Then([side = join_sides[i], peer = join_sides[1 - i], own = sides[i].contents, fixed](Context& c) {
      c.node<runtime::JoinSide>(side)->Connect(own ? c.node<runtime::Window>(*own) : fixed,
                                               c.node<runtime::JoinSide>(peer));
    });
    PlannedInput& chain = sides[i].planned;
    if (chain.tail) {
      recipe_->Link(*chain.tail, join_sides[i]);
    } else {
      chain.head = join_sides[i];
    }
    chain.tail = join_sides[i];
    chain.chain.push_back(join_sides[i]);
  }
  if (key) {
    // Index a FIFO side on its key attribute when the other side probes it; a
    // table side is indexed on it (from now on) and looked up.
    const uint32_t slots[2] = {key->first, key->second};
    for (int i = 0; i < 2; ++i) {
      if (sides[i].table == nullptr) continue;
      runtime::Table* table = sides[i].table;
      table->AddIndex(slots[i]);
      recipe_->Then([peer = join_sides[1 - i], peer_slot = slots[1 - i], table, slot = slots[i]](Context& c) {
        c.node<runtime::JoinSide>(peer)->ProbeTableWith(peer_slot, table, slot);
      });
    }
    for (int i = 0; i < 2; ++i) {
      const ast::StreamInput& other = i == 0 ? join.right : join.left;
      if (!sides[i].fifo || other.unidirectional) continue;
      recipe_->Then([side = join_sides[i], peer = join_sides[1 - i], slot = slots[i], peer_slot = slots[1 - i],
                     type = sides[i].planned.schema->type(slots[i])](Context& c) {
        c.node<runtime::JoinSide>(side)->EnableIndex(slot, type);
        c.node<runtime::JoinSide>(peer)->ProbeIndexWith(peer_slot);
      });
    }
  }

  // ---- subscriptions
  runtime::StreamJunction* left_source = sides[0].planned.source;
  runtime::StreamJunction* right_source = sides[1].planned.source;
  const Node left_head = *sides[0].planned.head;
  const Node right_head = *sides[1].planned.head;
  if (sides[0].is_static || sides[1].is_static) {
    // A table is only searched: the stream side alone triggers.
    const int stream = sides[0].is_static ? 1 : 0;
    recipe_->Subscribe(sides[stream].planned.source, *sides[stream].planned.head);
  } else if (same_named_window) {
    // One reader of the window: its events trigger the left side only, as in the
    // reference engine; the right side is searched.
    recipe_->Subscribe(left_source, left_head);
  } else if (left_source == right_source) {
    const Node fanout = recipe_->Add([left_head, right_head](Context& c) {
      return std::make_unique<runtime::JoinFanout>(c.nodes[left_head], c.nodes[right_head]);
    });
    recipe_->Subscribe(left_source, fanout);
  } else {
    recipe_->Subscribe(left_source, left_head);
    recipe_->Subscribe(right_source, right_head);
  }
  for (SidePlan& side : sides) {
    planned.chain.insert(planned.chain.end(), side.planned.chain.begin(), side.planned.chain.end());
  }
  planned.chain.push_back(output);
  planned.head = planned.tail = output;
  planned.current_only_output = [this, left = join_sides[0], right = join_sides[1]] {
    recipe_->Then([left, right](Context& c) {
      c.node<runtime::JoinSide>(left)->set_current_triggers_only();
      c.node<runtime::JoinSide>(right)->set_current_triggers_only();
    });
  };
  return planned;
}

}  // namespace eddy::planner
