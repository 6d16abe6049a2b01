// Deadlines come out earliest first, whether they were added in order or not.
#include <doctest/doctest.h>

#include <vector>

#include "runtime/pattern/deadline_queue.h"

namespace eddy::runtime {
namespace {

std::vector<int64_t> Drain(DeadlineQueue& q) {
  std::vector<int64_t> out;
  while (!q.empty()) {
    out.push_back(q.front().deadline);
    q.Pop();
  }
  return out;
}

TEST_CASE("in-order and out-of-order deadlines come out sorted") {
  DeadlineQueue q;
  for (int64_t d : {10, 20, 20, 15, 30, 5, 40, 35}) q.Push({d, static_cast<uint32_t>(d), 0});
  CHECK(q.size() == 8);
  CHECK(Drain(q) == std::vector<int64_t>{5, 10, 15, 20, 20, 30, 35, 40});
}

TEST_CASE("many in-order deadlines, taken as they pass") {
  DeadlineQueue q;
  int64_t next = 0;
  for (int64_t d = 0; d < 10000; ++d) {
    q.Push({d, 0, 0});
    if (d % 3 == 0) {
      CHECK(q.front().deadline == next);
      q.Pop();
      ++next;
    }
  }
  CHECK(q.size() == 10000 - 3334);
  CHECK(q.front().deadline == next);
}

TEST_CASE("sweeping removes the items of matches that are gone") {
  DeadlineQueue q;
  for (uint32_t i = 0; i < 100; ++i) q.Push({100 - static_cast<int64_t>(i % 7), i, 0});
  q.Sweep([](const DeadlineQueue::Item& x) { return x.pm % 2 == 1; });
  CHECK(q.size() == 50);
  int64_t last = -1;
  while (!q.empty()) {
    CHECK(q.front().pm % 2 == 0);
    CHECK(q.front().deadline >= last);
    last = q.front().deadline;
    q.Pop();
  }
}

}  // namespace
}  // namespace eddy::runtime
