// Eddy's abstract syntax tree for SiddhiQL apps: plain data, produced by the parser
// (parser/parse.h) and consumed by the planner. Nothing here depends on ANTLR.
//
// Every node carries the SourceSpan of the text it came from, so that any later
// error can point at it. Names keep the case the user wrote (identifiers are
// case-sensitive); keywords are already resolved into enums.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "eddy/value.h"

namespace eddy::ast {

// 1-based line and column of the first character; offset/length in bytes.
struct SourceSpan {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t offset = 0;
  uint32_t length = 0;
};

// ---------------------------------------------------------------- annotations

// `key='value'` or a bare `'value'` (key empty).
struct AnnotationElement {
  std::string key;  // as written, e.g. "buffer.size"; empty for a bare value
  std::string value;
  SourceSpan span;
};

// `@name(...)`; app annotations `@app:name(...)` have name "app:name".
struct Annotation {
  std::string name;
  std::vector<AnnotationElement> elements;
  std::vector<Annotation> nested;  // e.g. @map inside @source
  SourceSpan span;
};

// ---------------------------------------------------------------- expressions

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A literal constant. Time literals (`1 min 30 sec`) are long milliseconds with
// is_time set. There is no null literal in SiddhiQL.
struct Literal {
  Type type = Type::kInt;
  std::variant<std::string, int32_t, int64_t, float, double, bool> value;
  bool is_time = false;
};

// Index into a counting pattern state: e1[2], e1[last], e1[last-1].
struct EventIndex {
  enum class Kind { kNumber, kLast };
  Kind kind = Kind::kNumber;
  int32_t number = 0;  // kNumber: the index; kLast: how many before last (last-1 → 1)
};

// `x`, `S.x`, `alias.x`, `#Inner.x`, `!Fault.x`, `e1.x`, `e1[0].x`.
// `e1 is null` and `e1[0] is null` refer to a whole event: name is then empty for
// the indexed form, and for `e1 is null` the reference arrives as a plain name "e1"
// (only the planner knows whether e1 is an event reference).
struct AttributeRef {
  std::string qualifier;  // stream id, alias or event reference; empty if none
  bool inner = false;     // qualifier written as #Name
  bool fault = false;     // qualifier written as !Name
  std::optional<EventIndex> index;
  std::string name;
};

enum class BinaryOp { kOr, kAnd, kEq, kNe, kLt, kLe, kGt, kGe, kAdd, kSub, kMul, kDiv, kMod };

// `ns:name(args)` or `name(args)`; `count(*)`-style star argument is not SiddhiQL,
// but stream functions and windows share this shape.
struct FunctionCall {
  std::string ns;  // empty for built-ins
  std::string name;
  std::vector<ExprPtr> args;
  SourceSpan span;
};

struct Expr {
  enum class Kind {
    kLiteral,    // literal
    kAttribute,  // attribute
    kNot,        // not operand
    kBinary,     // lhs op rhs
    kIsNull,     // operand is null
    kCall,       // call
    kIn,         // operand in table
  };
  Kind kind = Kind::kLiteral;
  SourceSpan span;

  Literal literal;
  AttributeRef attribute;
  BinaryOp op = BinaryOp::kAnd;
  ExprPtr lhs;  // kNot, kIsNull, kIn: the operand; kBinary: the left side
  ExprPtr rhs;
  FunctionCall call;
  std::string table;  // kIn
};

// ---------------------------------------------------------------- definitions

struct AttributeDef {
  std::string name;
  Type type = Type::kString;
  SourceSpan span;
};

struct StreamDef {
  std::vector<Annotation> annotations;
  std::string name;
  std::vector<AttributeDef> attributes;
  SourceSpan span;       // the whole definition
  SourceSpan name_span;  // the name only
};

struct TableDef {
  std::vector<Annotation> annotations;
  std::string name;
  std::vector<AttributeDef> attributes;
  SourceSpan span;
  SourceSpan name_span;
};

enum class EventType { kCurrent, kExpired, kAll };

struct WindowDef {
  std::vector<Annotation> annotations;
  std::string name;
  std::vector<AttributeDef> attributes;
  FunctionCall window;  // e.g. time(1 min)
  EventType output = EventType::kAll;
  SourceSpan span;
  SourceSpan name_span;
};

struct TriggerDef {
  enum class Kind { kEvery, kStart, kCron };
  std::string name;
  Kind kind = Kind::kStart;
  int64_t every_ms = 0;  // kEvery
  std::string cron;      // kCron
  SourceSpan span;
  SourceSpan name_span;
};

struct FunctionDef {
  std::string name;
  std::string language;
  Type return_type = Type::kObject;
  std::string body;  // text between the outer braces
  SourceSpan span;
  SourceSpan name_span;
};

// A calendar granularity of incremental aggregation.
enum class Duration { kSeconds, kMinutes, kHours, kDays, kWeeks, kMonths, kYears };

struct OutputAttribute;
struct Selector;

// ---------------------------------------------------------------- inputs

// One stage after the stream name: `[cond]`, `#fn(...)`, `#window.fn(...)`.
struct StreamHandler {
  enum class Kind { kFilter, kFunction, kWindow };
  Kind kind = Kind::kFilter;
  ExprPtr filter;     // kFilter
  FunctionCall call;  // kFunction, kWindow
  SourceSpan span;
};

struct Query;

// A stream (or trigger, named window, table, aggregation, #inner, !fault) with its
// handlers, or an anonymous inner query `(from ... return)`.
struct StreamInput {
  std::string stream;
  bool inner = false;  // #Name
  bool fault = false;  // !Name
  std::vector<StreamHandler> handlers;
  std::string alias;  // `as alias` (joins)
  bool unidirectional = false;
  std::unique_ptr<Query> anonymous;  // set for `from (from ... return)`; stream empty
  SourceSpan span;
  SourceSpan stream_span;
};

enum class JoinType { kInner, kLeftOuter, kRightOuter, kFullOuter };

struct JoinInput {
  StreamInput left;
  StreamInput right;
  JoinType type = JoinType::kInner;
  ExprPtr on;
  ExprPtr within;      // aggregation joins: `within a` or `within a, b`
  ExprPtr within_end;  // second bound, or null
  ExprPtr per;
  SourceSpan span;
};

// A node of a pattern or sequence. The tree mirrors the text:
//   A -> B -> C          kFollowedBy{A, B, C}  (sequences: kNext{A, B, C})
//   every X              kEvery{X}
//   e=S[f]               kStream
//   e=S[f]<2:5>, S+ ...  kStream with min_count/max_count
//   X and Y, X or Y      kAnd / kOr {X, Y}
//   not S[f] for 5 sec   kAbsent (stream, for_ms); `not S[f]` without `for` has no for_ms
struct PatternNode {
  enum class Kind { kStream, kAbsent, kFollowedBy, kNext, kEvery, kAnd, kOr };
  Kind kind = Kind::kStream;
  SourceSpan span;

  // kStream and kAbsent
  std::string ref;  // `e1=` (empty if none)
  StreamInput input;
  bool counted = false;     // written with <n:m>, +, * or ?
  int32_t min_count = 1;
  int32_t max_count = 1;    // -1: unbounded
  std::optional<int64_t> for_ms;  // kAbsent: `for <time>`
  std::optional<int64_t> within_ms;  // `(...) within <time>` on a sub-pattern

  std::vector<std::unique_ptr<PatternNode>> children;
};

struct PatternInput {
  bool sequence = false;  // `,` contiguity instead of `->`
  std::unique_ptr<PatternNode> root;
  std::optional<int64_t> within_ms;
  SourceSpan span;
};

using Input = std::variant<StreamInput, JoinInput, PatternInput>;

// ---------------------------------------------------------------- queries

// `expr as name`, or a bare attribute reference (rename empty).
struct OutputAttribute {
  ExprPtr expr;
  std::string rename;
  SourceSpan span;
};

struct OrderKey {
  AttributeRef attribute;
  bool descending = false;
  SourceSpan span;
};

struct Selector {
  bool star = true;  // `select *` or no select clause
  std::vector<OutputAttribute> attributes;
  std::vector<ExprPtr> group_by;  // attribute references
  ExprPtr having;
  std::vector<OrderKey> order_by;
  ExprPtr limit;
  ExprPtr offset;
  SourceSpan span;
};

struct OutputRate {
  enum class Kind { kNone, kEvents, kTime, kSnapshot };
  enum class Which { kAll, kFirst, kLast };
  Kind kind = Kind::kNone;
  Which which = Which::kAll;
  int64_t value = 0;  // events, or milliseconds
  SourceSpan span;
};

struct SetAssignment {
  AttributeRef column;
  ExprPtr value;
  SourceSpan span;
};

struct OutputAction {
  enum class Kind { kInsert, kDelete, kUpdate, kUpdateOrInsert, kReturn };
  Kind kind = Kind::kInsert;
  std::string target;  // stream / table / window; empty for kReturn
  bool target_inner = false;  // insert into #Inner
  bool target_fault = false;  // insert into !Fault
  EventType event_type = EventType::kCurrent;
  bool event_type_given = false;  // false: the default applies (§5)
  std::vector<SetAssignment> set;
  ExprPtr on;
  SourceSpan span;
  SourceSpan target_span;
};

struct Query {
  std::vector<Annotation> annotations;
  Input input;
  Selector selector;
  OutputRate rate;
  OutputAction action;
  SourceSpan span;
};

// `define aggregation Name from S select ... group by ... aggregate [by attr] every ...`
struct AggregationDef {
  std::vector<Annotation> annotations;
  std::string name;
  StreamInput input;
  Selector selector;  // select list and group by
  ExprPtr aggregate_by;  // attribute reference, or null (event timestamp)
  bool range = false;    // `a ... b` (all between) instead of a list
  std::vector<Duration> durations;  // range: {first, last}
  SourceSpan span;
  SourceSpan name_span;
};

// ---------------------------------------------------------------- partitions

struct RangeCase {
  ExprPtr condition;
  std::string label;
  SourceSpan span;
};

// `expr of Stream` (value partition) or `c1 as 'a' or c2 as 'b' of Stream` (range).
struct PartitionKey {
  std::string stream;
  ExprPtr value;                  // value partition
  std::vector<RangeCase> ranges;  // range partition
  SourceSpan span;
  SourceSpan stream_span;
};

struct Partition {
  std::vector<Annotation> annotations;
  std::vector<PartitionKey> keys;
  std::vector<Query> queries;
  SourceSpan span;
};

// ---------------------------------------------------------------- app

using Definition =
    std::variant<StreamDef, TableDef, WindowDef, TriggerDef, FunctionDef, AggregationDef>;
using ExecutionElement = std::variant<Query, Partition>;

struct App {
  std::vector<Annotation> annotations;  // @app:...
  std::vector<Definition> definitions;  // in source order
  std::vector<ExecutionElement> elements;  // queries and partitions, in source order
};

// ---------------------------------------------------------------- on-demand queries

// Queries run against tables, named windows and aggregations outside the event
// flow (LANGUAGE.md §14):
//   from T [on c] [within a[, b] per p] select ... [group by/having/order/limit/offset]
//   select ... insert into T | delete T ... | update T ... | update or insert into T ...
//   delete T on c
struct OnDemandQuery {
  std::string source;  // the `from` target; empty for the select-only forms
  SourceSpan source_span;
  ExprPtr on;
  ExprPtr within;
  ExprPtr within_end;
  ExprPtr per;
  bool has_selector = false;
  Selector selector;
  std::optional<OutputAction> action;  // insert/delete/update/update or insert
  SourceSpan span;
};

}  // namespace eddy::ast
