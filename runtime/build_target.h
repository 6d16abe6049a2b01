// Where a query's runtime objects are built, and the factory that builds them.
//
// The planner plans each query once into an InstanceFactory (it implements
// this interface in planner/query_recipe.h, so the runtime never sees the
// planner or the AST). A top-level query is built once, into the app; the
// queries of a partition are built once per partition key, into that key's
// PartitionInstance (runtime/partition/), each time with fresh state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/processor.h"
#include "runtime/scheduler.h"
#include "runtime/stream_junction.h"

namespace eddy::runtime {

// What `eddy explain` prints for one query.
struct QueryDescription {
  std::string name;
  std::string input;
  std::vector<const Processor*> chain;  // head first
  bool partition = false;  // a partition's routers: `input` describes its keys
};

class BuildTarget {
 public:
  virtual ~BuildTarget() = default;

  // The scheduler the built operators time themselves with (a partition
  // instance's own timer group).
  virtual Scheduler* clock() = 0;
  // Takes ownership of `processor` and returns it.
  virtual Processor* AddProcessor(std::unique_ptr<Processor> processor) = 0;
  // The junction to use for `planned`, a stream as the planner saw it: a
  // partition's own streams (#inner streams, its inputs) exist once per
  // instance; any other stream is itself.
  virtual StreamJunction* Resolve(StreamJunction* planned) = 0;
  // Runs `hook` when the built objects start: at app start for the app, right
  // after it is built for a partition instance (pattern absences start waiting).
  virtual void OnStart(std::function<void(int64_t now)> hook) = 0;
  // Records a built query for `eddy explain`; a target may ignore it.
  virtual void Describe(QueryDescription description) = 0;
};

class InstanceFactory {
 public:
  virtual ~InstanceFactory() = default;
  // Builds one instance of the query into `target`.
  virtual void Build(BuildTarget& target) = 0;
};

}  // namespace eddy::runtime
