// The output actions on tables (LANGUAGE.md §14): `insert into T`, `delete T
// on ...`, `update T set ... on ...`, `update or insert into T ... on ...`.
//
// They end a query's chain, after the selector (and rate limiter): each row
// they receive is an output row of the query, handled in order. The `on`
// condition and the `set` values are compiled over a probe schema [output row
// | table row]; for each output row the action pairs it with every table row
// in one reused probe chunk and evaluates them in one call per expression.
//
// Refusals (a primary key that would repeat) are logged, the first and then
// one in kLogEvery, and counted; the table keeps its rows.
//
// Ownership: the table outlives the operators; specs are owned. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/expr/evaluator.h"
#include "runtime/processor.h"
#include "runtime/scheduler.h"
#include "runtime/table/table.h"

namespace eddy::runtime {

using TableLog = std::function<void(std::string_view priority, std::string_view line)>;

// Logs and counts refused rows of one query (or, with `kind`, of another
// named part of the app, such as an aggregation).
class RefusalLog {
 public:
  static constexpr uint64_t kLogEvery = 1000;
  RefusalLog(TableLog log, std::string query, std::string kind = "query")
      : log_(std::move(log)), query_(std::move(query)), kind_(std::move(kind)) {}
  void Refused(const std::string& what);
  // An insert of `slots` into `table` was refused: its primary key exists.
  void DuplicateKey(const Table& table, const Slot* slots, const uint8_t* nulls);
  uint64_t count() const { return count_; }

 private:
  TableLog log_;
  std::string query_;
  std::string kind_;
  uint64_t count_ = 0;
};

class InsertIntoTable final : public Processor {
 public:
  InsertIntoTable(Table* table, TableLog log, std::string query) : table_(table), refusals_(std::move(log), std::move(query)) {}
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return "InsertIntoTable " + table_->name(); }

 private:
  Table* table_;
  RefusalLog refusals_;
};

struct TableActionSpec {
  enum class Kind { kDelete, kUpdate, kUpdateOrInsert };
  struct Assignment {
    uint32_t column;      // table attribute
    EvaluatorPtr value;   // over the probe schema
  };
  Kind kind = Kind::kDelete;
  Table* table = nullptr;
  const Schema* probe = nullptr;    // [output attributes | table attributes]
  EvaluatorPtr condition;           // over the probe; null: every row matches
  // `T.key_column == key` is one of the condition's conjuncts and the table
  // indexes key_column: only the rows with that key are paired. `key` reads
  // the output row alone (evaluated over the chunk the action receives).
  int32_t key_column = -1;
  EvaluatorPtr key;
  std::vector<Assignment> set;      // update: the new values of the matched rows
  std::string description;          // for explain
};

class TableAction final : public Processor {
 public:
  TableAction(TableActionSpec spec, const Scheduler* clock, TableLog log, std::string query);
  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override;
  std::string Describe() const override { return spec_.description; }

 private:
  // Pairs output row `row` with every candidate table row in probe_ and fills
  // matched_ (slots) and matched_rows_ (their probe rows) with those the
  // condition holds for.
  void Match(const EventChunk& chunk, uint32_t row, const ColumnView* keys);
  void Update(const EventChunk& chunk, uint32_t row);

  TableActionSpec spec_;
  const Scheduler* clock_;
  RefusalLog refusals_;
  uint32_t output_arity_;
  EventChunk probe_;
  EventChunk values_;  // the matched rows' new values, in the table's schema
  std::vector<uint32_t> candidates_;  // slots, in insertion order; probe row i pairs candidates_[i]
  std::vector<uint32_t> matched_;       // slots
  std::vector<uint32_t> matched_rows_;  // matched_[i] pairs at probe_ row matched_rows_[i]
};

}  // namespace eddy::runtime
