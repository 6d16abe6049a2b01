#include "planner/query_recipe.h"

#include <cassert>

namespace eddy::planner {

QueryRecipe::Node QueryRecipe::Add(Make make) {
  makes_.push_back(std::move(make));
  return static_cast<Node>(makes_.size() - 1);
}

void QueryRecipe::Then(Wire wire) { wires_.push_back(std::move(wire)); }

void QueryRecipe::Link(Node from, Node to) {
  Then([from, to](Context& c) { c.nodes[from]->set_next(c.nodes[to]); });
}

void QueryRecipe::Context::Subscribe(runtime::StreamJunction* stream, runtime::Processor* processor) {
  if (anchor != nullptr) {
    auto tap = std::make_unique<runtime::FirstArrivalTap>(anchor);
    tap->set_next(processor);
    processor = target.AddProcessor(std::move(tap));
  }
  target.Resolve(stream)->Subscribe(processor);
}

void QueryRecipe::Subscribe(runtime::StreamJunction* stream, Node n) {
  Then([stream, n](Context& c) { c.Subscribe(stream, c.nodes[n]); });
}

void QueryRecipe::Describe(std::string name, std::string input, std::vector<Node> chain) {
  Then([name = std::move(name), input = std::move(input), chain = std::move(chain)](Context& c) {
    runtime::QueryDescription description{name, input, {}};
    for (Node n : chain) description.chain.push_back(c.nodes[n]);
    c.target.Describe(std::move(description));
  });
}

void QueryRecipe::Build(runtime::BuildTarget& target) {
  assert(!single_use_ || builds_ == 0);
  ++builds_;
  Context context{target, single_use_, {}};
  context.nodes.reserve(makes_.size());
  for (const Make& make : makes_) context.nodes.push_back(target.AddProcessor(make(context)));
  if (anchor_) context.anchor = anchor_(context);
  for (const Wire& wire : wires_) wire(context);
}

}  // namespace eddy::planner
