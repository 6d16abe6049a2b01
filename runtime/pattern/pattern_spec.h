// The automaton of a pattern or sequence query (LANGUAGE.md §11-12), as the
// planner compiles it: a value description shared by every instance of the
// query's state (one PatternState per query, or per partition key).
//
// Each *stream state* of the pattern (`e1=S[f]`, a counted `e2=S[f]<2:5>`, an
// absence `not S[f] for 5 sec`, one side of a logical `and`/`or`) is one node and
// one *position*: the slot of a partial match that holds the node's event(s).
// Positions are numbered the way the reference engine numbers its states (a
// depth-first walk where the second operand of `and`/`or` comes first), because
// "clear every position from the re-armed state on" and "later states see an
// event first" are defined on that order.
//
// Transitions: `next` (hand the partial match to the following state), `every`
// (re-arm the first state of the enclosing `every` group with a copy that keeps
// the positions before it), `within_every` (re-arm that group when a partial
// match inside it expires), `partner` (the other side of a logical state).
//
// Predicates are compiled evaluators: `local` reads only the arriving event and is
// evaluated for a whole chunk at once; `correlated` reads earlier states of a
// candidate partial match, gathered into a frame (see PatternRef), except for
// plain comparisons of an event attribute with an earlier event's attribute
// (`compares`), checked on the stored events directly. `index` names
// an equality with an earlier state (`symbol == e1.symbol`) through which
// candidates are found by hash instead of by scanning.
//
// Immutable once built, except for the evaluators' scratch buffers (one thread
// at a time, like every evaluator tree).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "runtime/event_chunk.h"
#include "runtime/expr/compare_slots.h"
#include "runtime/expr/evaluator.h"
#include "runtime/expr/factory.h"

namespace eddy::runtime {

// A value read from a partial match: which position, which of its events (a
// counting state holds several) and what of it.
struct PatternRef {
  enum class Pick : uint8_t { kOnly, kIndex, kFromLast };   // e1 | e1[index] | e1[last - index]
  enum class What : uint8_t { kAttribute, kTimestamp, kBound };  // e1.x | eventTimestamp(e1) | e1 is null
  uint32_t position = 0;
  Pick pick = Pick::kOnly;
  int32_t index = 0;
  What what = What::kAttribute;
  uint32_t attribute = 0;  // kAttribute: slot in the position's stream
  Type type = Type::kLong;

  bool operator==(const PatternRef&) const = default;
};

enum class PatternNodeKind : uint8_t {
  kStream,         // e=S[f]
  kCount,          // e=S[f]<n:m>, S+, S*, S?
  kAbsent,         // not S[f] for T
  kLogical,        // one side of X and/or Y: a stream state
  kLogicalAbsent,  // one side of X and/or Y: an absence (with or without `for`)
};

enum class LogicalType : uint8_t { kNone, kAnd, kOr };

// Equality between an attribute of the arriving event and a value of an earlier
// state that is fixed while the partial match waits here.
struct PatternIndexSpec {
  uint32_t event_attribute = 0;
  PatternRef key;  // kOnly / kAttribute of a plain earlier position, same type
};

// A correlated conjunct `x OP e1.y` (either way round) between an attribute of
// the arriving event and one of the event bound at a plain (not counting)
// position: checked on the stored event per candidate, with no frame to gather.
struct PatternCompare {
  CompareOp op = CompareOp::kEq;  // arriving OP stored
  uint32_t event_attribute = 0;
  Type event_type = Type::kLong;
  PatternRef stored;              // kOnly / kAttribute
  Type as = Type::kLong;          // both sides widened to it (runtime/expr/compare_slots.h)
  SlotComparison typed = nullptr;  // where neither side widens: TypedComparison(op, as)
};

struct PatternNodeSpec {
  PatternNodeKind kind = PatternNodeKind::kStream;
  uint32_t stream = 0;     // index into PatternSpec::streams
  bool is_start = false;   // a first state of the pattern
  bool last = false;       // matching it completes the pattern
  int32_t next = -1;       // node the partial match moves to
  int32_t every = -1;      // `every` group to re-arm after this node matched
  int32_t within_every = -1;  // `every` group to re-arm when a partial match here expires
  int32_t partner = -1;    // the other side of a logical state
  int32_t callback = -1;   // sequences: a leading <0:n> state to re-arm from here
  LogicalType logical = LogicalType::kNone;
  int32_t min_count = 1;
  int32_t max_count = 1;   // kUnbounded for `<n:>`, `+`, `*`
  int64_t wait_ms = -1;    // absences: the `for` time; -1 without one

  EvaluatorPtr local;       // over the stream's chunk; null: always true
  // The other conjuncts, which need the partial match: `compares` (checked
  // first), and the rest over the frame (rows: candidates; extra: the event);
  // null: true.
  std::vector<PatternCompare> compares;
  EvaluatorPtr correlated;
  std::vector<PatternRef> frame;  // the frame's chunk columns, in order
  const Schema* frame_schema = nullptr;  // borrowed values: no reference types
  std::optional<PatternIndexSpec> index;
  std::string text;  // the state as written, for explain

  static constexpr int32_t kUnbounded = std::numeric_limits<int32_t>::max();
};

struct PatternSpec {
  bool sequence = false;
  std::optional<int64_t> within_ms;
  std::vector<std::string> stream_names;    // entry points, one per distinct stream
  std::vector<const Schema*> stream_schemas;
  std::vector<PatternNodeSpec> nodes;       // node i holds position i
  // Per stream: its nodes in the order an event is offered to them (later first).
  std::vector<std::vector<uint32_t>> stream_nodes;
  // Sequences: one node per `,`-separated term, in order; reset runs backwards,
  // promotion forwards (a logical term is represented by its second operand).
  std::vector<uint32_t> terms;
  // Absence nodes in the order their first timers are set at start.
  std::vector<uint32_t> startup;
  // Columns of the rows handed to the selector, and their schema.
  std::vector<PatternRef> output;
  const Schema* output_schema = nullptr;
  // Live partial matches kept per instance; beyond it the oldest are dropped.
  size_t max_partial_matches = 1'000'000;
  // Whether instances may skip the `fresh` lists where that changes nothing
  // (PatternState::ChooseShortcuts); tests turn it off to compare.
  bool shortcuts = true;

  bool IsCount(uint32_t position) const { return nodes[position].kind == PatternNodeKind::kCount; }
  bool IsAbsent(uint32_t node) const {
    return nodes[node].kind == PatternNodeKind::kAbsent || nodes[node].kind == PatternNodeKind::kLogicalAbsent;
  }

  // One line per node, for `eddy explain` and tests.
  std::string Describe() const;
};

}  // namespace eddy::runtime
