#include "planner/pattern_scope.h"

#include <algorithm>

#include "planner/ast_text.h"

namespace eddy::planner {
namespace {

using runtime::PatternRef;

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string close = ClosestName(name, candidates);
  return close.empty() ? "" : " (did you mean '" + close + "'?)";
}

void Pick(const ast::AttributeRef& ref, PatternRef& out) {
  if (!ref.index) return;
  if (ref.index->kind == ast::EventIndex::Kind::kNumber) {
    out.pick = PatternRef::Pick::kIndex;
  } else {
    out.pick = PatternRef::Pick::kFromLast;
  }
  out.index = ref.index->number;
}

}  // namespace

uint32_t PatternScope::Column(const PatternRef& ref) const {
  auto it = std::find(refs_->begin(), refs_->end(), ref);
  if (it != refs_->end()) return static_cast<uint32_t>(it - refs_->begin());
  refs_->push_back(ref);
  return static_cast<uint32_t>(refs_->size() - 1);
}

int32_t PatternScope::FindReference(std::string_view name) const {
  for (size_t p = 0; p < positions_->size(); ++p) {
    if (!(*positions_)[p].ref.empty() && (*positions_)[p].ref == name) return static_cast<int32_t>(p);
  }
  return -1;
}

std::string PatternScope::ReferenceList() const {
  std::string out;
  for (const PatternPosition& p : *positions_) {
    if (p.ref.empty() || out.find("'" + p.ref + "'") != std::string::npos) continue;
    out += (out.empty() ? "'" : ", '") + p.ref + "'";
  }
  return out.empty() ? "no event references" : "event references " + out;
}

int32_t PatternScope::FindQualifier(const ast::AttributeRef& ref, const ast::SourceSpan& span) const {
  const std::string& q = ref.qualifier;
  if (!ref.inner && !ref.fault) {
    if (const int32_t r = FindReference(q); r >= 0) return r;
  }
  std::vector<int32_t> by_stream;
  for (size_t p = 0; p < positions_->size(); ++p) {
    if ((*positions_)[p].stream == q) by_stream.push_back(static_cast<int32_t>(p));
  }
  if (mode_ != Mode::kSelect && (*positions_)[static_cast<size_t>(own_)].stream == q) return own_;
  if (by_stream.size() == 1) return by_stream[0];
  if (by_stream.size() > 1) {
    Fail(span, "'" + AttributeRefText(ref) + "': stream '" + q +
                   "' is read by several states of this pattern; name the state (e1=" + q +
                   "...) and write e1." + ref.name);
  }
  std::vector<std::string> names;
  for (const PatternPosition& p : *positions_) {
    if (!p.ref.empty()) names.push_back(p.ref);
    names.push_back(p.stream);
  }
  Fail(span, "unknown event reference or stream '" + q + "' in '" + AttributeRefText(ref) + "' (this pattern has " +
                 ReferenceList() + ")" + DidYouMean(q, names));
}

ResolvedAttribute PatternScope::Resolve(const ast::AttributeRef& ref, const ast::SourceSpan& span) const {
  if (!ref.qualifier.empty()) return ResolveIn(FindQualifier(ref, span), ref, span);
  if (!ref.index && !ref.name.empty()) {
    // `e1 is null`: whether state e1 matched.
    if (const int32_t r = FindReference(ref.name); r >= 0) {
      needs_match_ = true;
      if (mode_ != Mode::kSelect && r == own_) {
        // In its own condition a state's event is the arriving one: never null
        // (its timestamp column stands for it).
        return {ResolvedAttribute::Where::kExtra, (*positions_)[static_cast<size_t>(r)].schema->arity(), Type::kLong};
      }
      PatternRef bound{static_cast<uint32_t>(r)};
      bound.what = PatternRef::What::kBound;
      bound.type = Type::kBool;
      if ((*positions_)[static_cast<size_t>(r)].counted) bound.pick = PatternRef::Pick::kFromLast;
      return {ResolvedAttribute::Where::kChunk, Column(bound), Type::kBool};
    }
  }
  if (mode_ != Mode::kSelect) return ResolveIn(own_, ref, span);
  // select: a plain name must belong to exactly one state's stream.
  int32_t found = -1;
  std::vector<std::string> all;
  for (size_t p = 0; p < positions_->size(); ++p) {
    const PatternPosition& pos = (*positions_)[p];
    if (pos.schema->Find(ref.name) >= 0) {
      if (found >= 0) {
        const PatternPosition& first = (*positions_)[static_cast<size_t>(found)];
        const std::string a = first.ref.empty() ? first.stream : first.ref;
        const std::string b = pos.ref.empty() ? pos.stream : pos.ref;
        Fail(span, "attribute '" + ref.name + "' is ambiguous: several states of the pattern have it; qualify it, e.g. '" +
                       a + "." + ref.name + "' or '" + b + "." + ref.name + "'");
      }
      found = static_cast<int32_t>(p);
    }
    for (const auto& a : pos.schema->attributes()) all.push_back(a.name);
  }
  if (found < 0) {
    Fail(span, "no attribute '" + ref.name + "' in the pattern's streams" + DidYouMean(ref.name, all));
  }
  return ResolveIn(found, ref, span);
}

ResolvedAttribute PatternScope::ResolveIn(int32_t position, const ast::AttributeRef& ref,
                                         const ast::SourceSpan& span) const {
  const PatternPosition& pos = (*positions_)[static_cast<size_t>(position)];
  const std::string name = pos.ref.empty() ? pos.stream : pos.ref;
  const bool own = mode_ != Mode::kSelect && position == own_;
  if (ref.index && !pos.counted) {
    Fail(span, "'" + AttributeRefText(ref) + "': " + name +
                   " is not a counting state; an index like [0] or [last] needs a count such as <1:5>, + or *");
  }
  if (!ref.index && pos.counted && !own) {
    const std::string attr = ref.name.empty() ? "x" : ref.name;
    Fail(span, "'" + AttributeRefText(ref) + "': " + name + " collects several events; pick one, e.g. '" + name +
                   "[0]." + attr + "' or '" + name + "[last]." + attr + "' (a list of all of them is not supported yet)");
  }
  PatternRef value{static_cast<uint32_t>(position)};
  Pick(ref, value);
  if (ref.name.empty()) {  // `e1[0] is null`
    needs_match_ = true;
    value.what = PatternRef::What::kBound;
    value.type = Type::kBool;
    return {ResolvedAttribute::Where::kChunk, Column(value), Type::kBool};
  }
  const int32_t slot = pos.schema->Find(ref.name);
  if (slot < 0) {
    std::vector<std::string> names;
    for (const auto& a : pos.schema->attributes()) names.push_back(a.name);
    Fail(span, "no attribute '" + ref.name + "' in stream '" + pos.stream + "'" +
                   (pos.ref.empty() ? "" : " (" + pos.ref + ")") + DidYouMean(ref.name, names));
  }
  const Type type = pos.schema->type(static_cast<uint32_t>(slot));
  if (own && !ref.index) {
    // The arriving event.
    if (mode_ == Mode::kLocalCondition) return {ResolvedAttribute::Where::kChunk, static_cast<uint32_t>(slot), type};
    return {ResolvedAttribute::Where::kExtra, static_cast<uint32_t>(slot), type};
  }
  needs_match_ = true;
  value.attribute = static_cast<uint32_t>(slot);
  value.type = type;
  return {ResolvedAttribute::Where::kChunk, Column(value), type};
}

std::optional<ResolvedAttribute> PatternScope::ResolveEventTimestamp(std::string_view name) const {
  const int32_t r = FindReference(name);
  if (r < 0) return std::nullopt;
  const PatternPosition& pos = (*positions_)[static_cast<size_t>(r)];
  needs_match_ = true;
  if (mode_ != Mode::kSelect && r == own_) {
    return ResolvedAttribute{ResolvedAttribute::Where::kExtra, pos.schema->arity(), Type::kLong};
  }
  PatternRef ts{static_cast<uint32_t>(r)};
  ts.what = PatternRef::What::kTimestamp;
  ts.type = Type::kLong;
  if (pos.counted) ts.pick = PatternRef::Pick::kFromLast;
  return ResolvedAttribute{ResolvedAttribute::Where::kChunk, Column(ts), Type::kLong};
}

}  // namespace eddy::planner
