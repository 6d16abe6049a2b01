// How to build one query's runtime objects, planned once and built as often as
// needed: once into the app for a top-level query, once per partition key for
// the queries of a partition (LANGUAGE.md §13).
//
// Planning compiles what every instance shares (evaluators, schemas, window
// configurations, pattern automata), keeps it here, and records steps. Build
// runs them into a runtime::BuildTarget: each Make step makes one processor
// with fresh state, numbered in order (its Node); then the Wire steps, in
// order, connect them (next pointers, join peers, subscriptions, start hooks).
// A step reaches what the recipe keeps through pointers captured at planning.
//
// Evaluators inside kept specs are lent to each instance's processors
// (runtime::SharedEvaluator, see planner/spec_copies.h). A single-use recipe
// (a top-level query, built exactly once) hands the kept specs over instead,
// so that a query outside partitions runs exactly as it would without recipes.
//
// Owned by the runtime for as long as what it built runs. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/build_target.h"
#include "runtime/operator/first_arrival_tap.h"

namespace eddy::planner {

class QueryRecipe final : public runtime::InstanceFactory {
 public:
  using Node = uint32_t;

  // What the steps of one Build see.
  struct Context {
    runtime::BuildTarget& target;
    bool single_use;  // kept specs may be moved out instead of copied
    std::vector<runtime::Processor*> nodes;

    runtime::PeriodAnchor* anchor = nullptr;  // see AnchorPeriodsAtFirstArrival

    runtime::Scheduler* clock() const { return target.clock(); }
    template <typename P>
    P* node(Node n) const { return static_cast<P*>(nodes[n]); }
    // Subscribes `processor` to planned stream `stream` (resolved by the
    // target), through a FirstArrivalTap when the query has an anchor.
    void Subscribe(runtime::StreamJunction* stream, runtime::Processor* processor);
  };
  using Make = std::function<std::unique_ptr<runtime::Processor>(Context&)>;
  using Wire = std::function<void(Context&)>;

  explicit QueryRecipe(bool single_use) : single_use_(single_use) {}

  bool single_use() const { return single_use_; }

  // A step making one processor; returns its node.
  Node Add(Make make);
  // Makes node `n` with `make` instead of the step it was added with.
  void Replace(Node n, Make make) { makes_[n] = std::move(make); }
  // A step run after every processor is made, in the order added.
  void Then(Wire wire);
  // nodes[from]->set_next(nodes[to]).
  void Link(Node from, Node to);
  // Subscribes nodes[n] to planned stream `stream` (resolved by the target).
  void Subscribe(runtime::StreamJunction* stream, Node n);
  // Tells the built `anchor` (a time-based output limiter of the query) when
  // the query sees its first event, on any of its subscriptions.
  void AnchorPeriodsAtFirstArrival(std::function<runtime::PeriodAnchor*(Context&)> anchor) {
    anchor_ = std::move(anchor);
  }
  // The query as `eddy explain` shows it.
  void Describe(std::string name, std::string input, std::vector<Node> chain);

  // Keeps `value` for the steps; the pointer is stable for the recipe's life.
  template <typename T>
  T* Keep(T value) {
    auto kept = std::make_unique<Kept<T>>(std::move(value));
    T* raw = &kept->value;
    kept_.push_back(std::move(kept));
    return raw;
  }

  // REQUIRES: a single-use recipe is built once.
  void Build(runtime::BuildTarget& target) override;

 private:
  struct KeptBase {
    virtual ~KeptBase() = default;
  };
  template <typename T>
  struct Kept final : KeptBase {
    explicit Kept(T v) : value(std::move(v)) {}
    T value;
  };

  bool single_use_;
  int builds_ = 0;
  std::vector<Make> makes_;
  std::vector<Wire> wires_;
  std::function<runtime::PeriodAnchor*(Context&)> anchor_;
  std::vector<std::unique_ptr<KeptBase>> kept_;
};

}  // namespace eddy::planner
