// Planning of what reads and writes tables (LANGUAGE.md §14): `cond in T` in
// filters, and the output actions insert into / delete / update / update or
// insert into a table. (Table join sides are planned in plan_join.cpp.)
//
// In `on`, `set` and `in` conditions a table's columns are written `T.col`;
// any other name means the query's output row (table actions) or the event
// being filtered (`in`).
#include <optional>
#include <utility>

#include "planner/app_planner.h"
#include "planner/ast_text.h"
#include "planner/scope.h"
#include "planner/spec_copies.h"
#include "runtime/expr/factory.h"
#include "runtime/join/fifo_key_index.h"
#include "runtime/table/in_table.h"
#include "runtime/table/table_operators.h"

namespace eddy::planner {
namespace {

// `T.col`, at `offset + col` of a probe frame; anything else: `Other`.
class TableColumnScope : public Scope {
 public:
  TableColumnScope(const std::string& table, const runtime::Schema* schema, uint32_t offset)
      : table_(table), schema_(schema), offset_(offset) {}

  ResolvedAttribute Resolve(const ast::AttributeRef& ref, const ast::SourceSpan& span) const override {
    if (ref.qualifier != table_ || ref.inner || ref.fault || ref.index) return Other(ref, span);
    const int32_t slot = schema_->Find(ref.name);
    if (slot < 0) {
      const std::string close = ClosestName(ref.name, AttributeNames(*schema_));
      Fail(span, "no attribute '" + ref.name + "' in table '" + table_ + "'" +
                     (close.empty() ? "" : " (did you mean '" + close + "'?)"));
    }
    return {ResolvedAttribute::Where::kChunk, offset_ + static_cast<uint32_t>(slot),
            schema_->type(static_cast<uint32_t>(slot))};
  }

 protected:
  virtual ResolvedAttribute Other(const ast::AttributeRef& ref, const ast::SourceSpan& span) const = 0;
  const std::string& table_;

 private:
  const runtime::Schema* schema_;
  uint32_t offset_;
};

// Table actions: probe [output row | table row]; plain names are the output's.
class ActionScope final : public TableColumnScope {
 public:
  ActionScope(const std::string& table, const runtime::Schema* table_schema, const runtime::Schema* output)
      : TableColumnScope(table, table_schema, output->arity()), output_(output) {}

 private:
  ResolvedAttribute Other(const ast::AttributeRef& ref, const ast::SourceSpan& span) const override {
    if (!ref.qualifier.empty() || ref.index) {
      Fail(span, "'" + AttributeRefText(ref) + "': here a plain name is an attribute of the query's output and '" +
                     table_ + ".name' a column of the table");
    }
    const int32_t slot = output_->Find(ref.name);
    if (slot < 0) {
      const std::string close = ClosestName(ref.name, AttributeNames(*output_));
      Fail(span, "no attribute '" + ref.name + "' in the query's output " + output_->ToString() +
                     (close.empty() ? "" : " (did you mean '" + close + "'?)") + "; write '" + table_ + "." +
                     ref.name + "' for the table's column");
    }
    return {ResolvedAttribute::Where::kChunk, static_cast<uint32_t>(slot), output_->type(static_cast<uint32_t>(slot))};
  }

  const runtime::Schema* output_;
};

// `cond in T`: probe [table row | the outer attributes cond reads], which
// resolve in the filter's scope and are numbered as they are met.
class InScope final : public TableColumnScope {
 public:
  InScope(const std::string& table, const runtime::Schema* table_schema, const Scope& outer)
      : TableColumnScope(table, table_schema, 0), table_arity_(table_schema->arity()), outer_(outer) {}

  // The outer attributes read, numbered as met (Resolve is const: a memo).
  mutable std::vector<uint32_t> outer_slots;
  mutable std::vector<runtime::Attribute> outer_attributes;

 private:
  ResolvedAttribute Other(const ast::AttributeRef& ref, const ast::SourceSpan& span) const override {
    const ResolvedAttribute found = outer_.Resolve(ref, span);
    if (found.where != ResolvedAttribute::Where::kChunk) {
      Fail(span, "'" + AttributeRefText(ref) + "' cannot be read inside 'in " + table_ + "' yet");
    }
    for (uint32_t k = 0; k < outer_slots.size(); ++k) {
      if (outer_slots[k] == found.index) return {ResolvedAttribute::Where::kChunk, table_arity_ + k, found.type};
    }
    outer_slots.push_back(found.index);
    outer_attributes.push_back({"_outer" + std::to_string(outer_slots.size()), found.type});
    return {ResolvedAttribute::Where::kChunk, table_arity_ + static_cast<uint32_t>(outer_slots.size() - 1), found.type};
  }

  uint32_t table_arity_;
  const Scope& outer_;
};

// Whether `e` reads a column of `table` (`table.col`).
bool ReadsTable(const ast::Expr& e, const std::string& table) {
  if (e.kind == ast::Expr::Kind::kAttribute) return e.attribute.qualifier == table;
  if (e.lhs && ReadsTable(*e.lhs, table)) return true;
  if (e.rhs && ReadsTable(*e.rhs, table)) return true;
  for (const ast::ExprPtr& arg : e.call.args) {
    if (ReadsTable(*arg, table)) return true;
  }
  return false;
}

// Among the top-level conjuncts of `on`: `table.col == e` (either way round)
// with `e` not reading the table; the column and `e`.
std::optional<std::pair<std::string, const ast::Expr*>> FindTableKey(const ast::Expr& on, const std::string& table) {
  if (on.kind != ast::Expr::Kind::kBinary) return std::nullopt;
  if (on.op == ast::BinaryOp::kAnd) {
    if (auto key = FindTableKey(*on.lhs, table)) return key;
    return FindTableKey(*on.rhs, table);
  }
  if (on.op != ast::BinaryOp::kEq) return std::nullopt;
  for (const auto& [column, other] : {std::pair{on.lhs.get(), on.rhs.get()}, std::pair{on.rhs.get(), on.lhs.get()}}) {
    if (column->kind == ast::Expr::Kind::kAttribute && column->attribute.qualifier == table &&
        !column->attribute.index && !ReadsTable(*other, table)) {
      return std::make_pair(column->attribute.name, other);
    }
  }
  return std::nullopt;
}

// The index of `column` when `key` can be looked up in an index on it (types
// that hash alike), after making sure the table keeps that index; else -1.
int32_t UsableKeyColumn(runtime::Table& table, const std::string& column, const runtime::Evaluator& key) {
  const int32_t c = table.schema().Find(column);
  if (c < 0) return -1;
  if (!runtime::FifoKeyIndex::KeysMeet(key.type(), table.schema().type(static_cast<uint32_t>(c)))) return -1;
  table.AddIndex(static_cast<uint32_t>(c));
  return c;
}

}  // namespace

const DefinitionInfo& AppPlanner::FindTable(const std::string& name, const ast::SourceSpan& span) {
  const DefinitionInfo* def = Find(name);
  if (def == nullptr || def->kind != DefinitionKind::kTable) {
    Fail(span, "'" + name + "' is not a defined table" +
                   (def != nullptr ? " (it is a " + std::string(KindName(def->kind)) + ")" : std::string()));
  }
  return *def;
}

runtime::EvaluatorPtr AppPlanner::CompileInTable(const ast::Expr& in, const Scope& outer) {
  const DefinitionInfo& def = FindTable(in.table, in.span);
  InScope scope(in.table, def.schema, outer);
  runtime::EvaluatorPtr condition = CompileCondition(*in.lhs, ExprContext{&scope}, "an 'in' condition");
  std::vector<runtime::Attribute> probe = def.schema->attributes();
  for (const runtime::Attribute& a : scope.outer_attributes) probe.push_back(a);
  int32_t key_column = -1;
  runtime::EvaluatorPtr key;
  if (auto found = FindTableKey(*in.lhs, in.table)) {
    runtime::EvaluatorPtr value = CompileExpr(*found->second, ExprContext{&outer});
    key_column = UsableKeyColumn(*def.table, found->first, *value);
    if (key_column >= 0) key = std::move(value);
  }
  return runtime::MakeInTable(def.table, std::move(condition), runtime_->OwnSchema(runtime::Schema(std::move(probe))),
                              std::move(scope.outer_slots), key_column, std::move(key));
}

QueryRecipe::Make AppPlanner::PlanTableOutput(const ast::OutputAction& action, const runtime::Schema* output,
                                              const std::string& query) {
  const DefinitionInfo& def = FindTable(action.target, action.target_span);
  runtime::Table* table = def.table;
  const runtime::TableLog log = options_.log_sink;
  if (action.kind == ast::OutputAction::Kind::kInsert) {
    return [table, log, query](QueryRecipe::Context&) {
      return std::make_unique<runtime::InsertIntoTable>(table, log, query);
    };
  }
  const bool upsert = action.kind == ast::OutputAction::Kind::kUpdateOrInsert;
  if (upsert && output->ToString() != def.schema->ToString()) {
    Fail(action.target_span, "update or insert into '" + action.target + "' inserts the query's output " +
                                 output->ToString() + " as a row, but table '" + action.target + "' is " +
                                 def.schema->ToString() + "; names and types must match (use 'as' or convert())");
  }
  std::vector<runtime::Attribute> probe = output->attributes();
  for (const runtime::Attribute& a : def.schema->attributes()) probe.push_back(a);
  runtime::TableActionSpec spec;
  spec.table = table;
  spec.probe = runtime_->OwnSchema(runtime::Schema(std::move(probe)));
  spec.kind = action.kind == ast::OutputAction::Kind::kDelete ? runtime::TableActionSpec::Kind::kDelete
              : upsert                                        ? runtime::TableActionSpec::Kind::kUpdateOrInsert
                                                              : runtime::TableActionSpec::Kind::kUpdate;
  ActionScope scope(action.target, def.schema, output);
  spec.description = std::string(action.kind == ast::OutputAction::Kind::kDelete ? "DeleteFromTable "
                                 : upsert                                        ? "UpdateOrInsertIntoTable "
                                                                                 : "UpdateTable ") +
                     action.target;
  if (action.on) {
    spec.condition = CompileCondition(*action.on, ExprContext{&scope}, "an 'on' condition");
    spec.description += " on " + ExprText(*action.on);
    // An equality with a table column: look the rows up by it instead of scanning.
    if (auto key = FindTableKey(*action.on, action.target)) {
      runtime::EvaluatorPtr value = CompileExpr(*key->second, ExprContext{&scope});
      spec.key_column = UsableKeyColumn(*table, key->first, *value);
      if (spec.key_column >= 0) {
        spec.key = std::move(value);
        spec.description += " (looked up by " + action.target + "." + key->first + ")";
      }
    }
  }
  if (spec.kind != runtime::TableActionSpec::Kind::kDelete) {
    if (action.set.empty()) {
      // Every output attribute to the column of the same name.
      for (uint32_t i = 0; i < output->arity(); ++i) {
        const runtime::Attribute& a = output->attribute(i);
        const int32_t column = def.schema->Find(a.name);
        if (column < 0) {
          Fail(action.span, "without 'set', update copies every output attribute to the table's column of the "
                            "same name, but table '" + action.target + "' has no '" + a.name +
                                "'; write 'set " + action.target + ".column = " + a.name + "', or rename it with 'as'");
        }
        if (def.schema->type(static_cast<uint32_t>(column)) != a.type) {
          Fail(action.span, "output attribute '" + a.name + "' is " + std::string(TypeName(a.type)) + " but column '" +
                                action.target + "." + a.name + "' is " +
                                std::string(TypeName(def.schema->type(static_cast<uint32_t>(column)))) +
                                "; use convert()");
        }
        spec.set.push_back({static_cast<uint32_t>(column), runtime::MakeChunkAttribute(i, a.type)});
      }
    }
    for (const ast::SetAssignment& assignment : action.set) {
      const ast::AttributeRef& ref = assignment.column;
      if ((!ref.qualifier.empty() && ref.qualifier != action.target) || ref.index) {
        Fail(assignment.span, "'set' assigns columns of table '" + action.target + "': write '" + action.target +
                                  "." + ref.name + " = ...'");
      }
      const int32_t column = def.schema->Find(ref.name);
      if (column < 0) {
        const std::string close = ClosestName(ref.name, AttributeNames(*def.schema));
        Fail(assignment.span, "no attribute '" + ref.name + "' in table '" + action.target + "'" +
                                  (close.empty() ? "" : " (did you mean '" + close + "'?)"));
      }
      const Type type = def.schema->type(static_cast<uint32_t>(column));
      runtime::EvaluatorPtr value = CompileExpr(*assignment.value, ExprContext{&scope});
      if (value->type() != type) {
        Fail(assignment.value->span, "'" + ExprText(*assignment.value) + "' is " + std::string(TypeName(value->type())) +
                                         " but column '" + action.target + "." + ref.name + "' is " +
                                         std::string(TypeName(type)) + "; use convert()");
      }
      spec.set.push_back({static_cast<uint32_t>(column), std::move(value)});
    }
    if (!action.set.empty()) {
      spec.description += " set";
      for (const ast::SetAssignment& a : action.set) spec.description += " " + AttributeRefText(a.column) + " = " + ExprText(*a.value);
    }
  }
  runtime::TableActionSpec* kept = recipe_->Keep(std::move(spec));
  return [kept, log, query](QueryRecipe::Context& c) {
    return std::make_unique<runtime::TableAction>(
        TakeSpec(c, kept, [](const runtime::TableActionSpec& s) { return CopySpec(s); }), c.clock(), log, query);
  };
}

}  // namespace eddy::planner
