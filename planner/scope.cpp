#include "planner/scope.h"

#include "planner/ast_text.h"

namespace eddy::planner {
std::vector<std::string> AttributeNames(const runtime::Schema& schema) {
  std::vector<std::string> names;
  for (const auto& a : schema.attributes()) names.push_back(a.name);
  return names;
}

namespace {

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string close = ClosestName(name, candidates);
  return close.empty() ? "" : " (did you mean '" + close + "'?)";
}

}  // namespace

ResolvedAttribute InputScope::Resolve(const ast::AttributeRef& ref,
                                      const ast::SourceSpan& span) const {
  if (ref.index || ref.name.empty()) {
    Fail(span, "'" + AttributeRefText(ref) +
                   "': indexed event references like e1[0] are only valid in patterns");
  }
  if (!ref.qualifier.empty()) {
    for (const ScopeInput& input : inputs_) {
      const bool by_alias = !input.alias.empty() && input.alias == ref.qualifier &&
                            !ref.inner && !ref.fault;
      const bool by_id = input.alias.empty() && input.id == ref.qualifier &&
                         input.inner == ref.inner && input.fault == ref.fault;
      // A join side with an alias may still be named by its stream id.
      const bool by_id_aliased = !input.alias.empty() && input.id == ref.qualifier &&
                                 input.inner == ref.inner && input.fault == ref.fault;
      if (!by_alias && !by_id && !by_id_aliased) continue;
      const int32_t slot = input.schema->Find(ref.name);
      if (slot < 0) {
        Fail(span, "no attribute '" + ref.name + "' in stream '" + input.id + "'" +
                       DidYouMean(ref.name, AttributeNames(*input.schema)));
      }
      return {ResolvedAttribute::Where::kChunk, input.offset + static_cast<uint32_t>(slot),
              input.schema->type(static_cast<uint32_t>(slot))};
    }
    std::vector<std::string> ids;
    for (const ScopeInput& input : inputs_) ids.push_back(input.alias.empty() ? input.id : input.alias);
    std::string reading;
    for (size_t i = 0; i < ids.size(); ++i) reading += (i ? "', '" : "") + ids[i];
    Fail(span, "unknown stream or alias '" + ref.qualifier + "' in '" + AttributeRefText(ref) +
                   "' (this query reads '" + reading + "')" + DidYouMean(ref.qualifier, ids));
  }

  const ScopeInput* found = nullptr;
  int32_t found_slot = -1;
  std::vector<std::string> all_names;
  for (const ScopeInput& input : inputs_) {
    const int32_t slot = input.schema->Find(ref.name);
    if (slot >= 0) {
      if (found != nullptr) {
        Fail(span, "attribute '" + ref.name + "' is ambiguous: both '" +
                       (found->alias.empty() ? found->id : found->alias) + "' and '" +
                       (input.alias.empty() ? input.id : input.alias) +
                       "' have it; qualify it, e.g. '" +
                       (found->alias.empty() ? found->id : found->alias) + "." + ref.name + "'");
      }
      found = &input;
      found_slot = slot;
    }
    for (const auto& a : input.schema->attributes()) all_names.push_back(a.name);
  }
  if (found == nullptr) {
    std::string where = inputs_.size() == 1 ? "stream '" + inputs_[0].id + "'" : "the query's inputs";
    Fail(span, "no attribute '" + ref.name + "' in " + where + DidYouMean(ref.name, all_names));
  }
  return {ResolvedAttribute::Where::kChunk, found->offset + static_cast<uint32_t>(found_slot),
          found->schema->type(static_cast<uint32_t>(found_slot))};
}

ResolvedAttribute OutputScope::Resolve(const ast::AttributeRef& ref,
                                       const ast::SourceSpan& span) const {
  if (ref.qualifier.empty() && !ref.index) {
    const int32_t slot = output_->Find(ref.name);
    if (slot >= 0) {
      return {ResolvedAttribute::Where::kExtra, base_ + static_cast<uint32_t>(slot),
              output_->type(static_cast<uint32_t>(slot))};
    }
  }
  return input_->Resolve(ref, span);
}

}  // namespace eddy::planner
