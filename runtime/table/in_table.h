// `condition in T` (LANGUAGE.md §3): for each row of a frame, true when some
// row of table T makes `condition` hold. Never null.
//
// `condition` is compiled over a probe schema [T's attributes | the outer
// attributes it reads], `outer_slots` naming those in the frame's chunk; each
// frame row is paired with every table row in one reused probe chunk and the
// condition evaluated once over it. Cost: frame rows x table rows; with `key`
// (the condition has `T.key_column == key`, `key` over the frame, and the
// table indexes key_column) only the rows with that key are paired.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/expr/evaluator.h"
#include "runtime/table/table.h"

namespace eddy::runtime {

EvaluatorPtr MakeInTable(const Table* table, EvaluatorPtr condition, const Schema* probe,
                         std::vector<uint32_t> outer_slots, int32_t key_column = -1, EvaluatorPtr key = nullptr);

}  // namespace eddy::runtime
