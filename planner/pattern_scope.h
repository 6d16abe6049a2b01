// Names in a pattern or sequence query (LANGUAGE.md §11-12): event references
// `e1.x`, `e1[0].x`, `e1[last-1].x`, `e1 is null`, `eventTimestamp(e1)`, a state's
// stream name `S.x`, and plain attribute names.
//
// Every value of a partial match that an expression reads becomes a PatternRef,
// numbered as a column of a chunk the runtime fills: the rows handed to the
// selector (kSelect), or the frame a state's condition is evaluated on
// (kCondition). In a state's own condition, plain names and the state's own
// reference (`e2.x` inside e2's filter) are the arriving event instead: extra
// columns 0..arity-1, and `arity` for its timestamp. A counting state's own
// indexed references (`e2[last].x` inside e2's filter) read the events it
// collected before the arriving one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "planner/expr_compiler.h"
#include "runtime/event_chunk.h"
#include "runtime/pattern/pattern_spec.h"

namespace eddy::planner {

// One stream state of the pattern, in position order.
struct PatternPosition {
  std::string ref;     // `e1`, or empty
  std::string stream;  // as written
  const runtime::Schema* schema = nullptr;
  bool counted = false;
  bool absent = false;
};

class PatternScope final : public Scope {
 public:
  enum class Mode { kSelect, kCondition, kLocalCondition };

  // kSelect: own = -1. kCondition / kLocalCondition: own = the state whose
  // condition is compiled; kLocalCondition resolves only the arriving event's
  // attributes, as chunk slots (conditions evaluated on the stream's chunk).
  // `refs` collects the columns (not used by kLocalCondition).
  PatternScope(const std::vector<PatternPosition>* positions, Mode mode, int32_t own,
               std::vector<runtime::PatternRef>* refs)
      : positions_(positions), mode_(mode), own_(own), refs_(refs) {}

  ResolvedAttribute Resolve(const ast::AttributeRef& ref, const ast::SourceSpan& span) const override;
  std::optional<ResolvedAttribute> ResolveEventTimestamp(std::string_view name) const override;

  // Whether anything but the arriving event's own attributes was resolved (the
  // condition then needs the partial match).
  bool needs_match() const { return needs_match_; }

  // The column of a value (added if new).
  uint32_t Column(const runtime::PatternRef& ref) const;

 private:
  // The position `qualifier` names, or -1 (Fail if it names none).
  int32_t FindQualifier(const ast::AttributeRef& ref, const ast::SourceSpan& span) const;
  int32_t FindReference(std::string_view name) const;
  std::string ReferenceList() const;
  ResolvedAttribute ResolveIn(int32_t position, const ast::AttributeRef& ref, const ast::SourceSpan& span) const;

  const std::vector<PatternPosition>* positions_;
  Mode mode_;
  int32_t own_;
  std::vector<runtime::PatternRef>* refs_;
  mutable bool needs_match_ = false;
};

}  // namespace eddy::planner
