// The `within` deadlines of partial matches, earliest first.
//
// Matches usually start in time order, so their deadlines arrive sorted: those
// go to a FIFO (O(1) to add and to take). A deadline earlier than the last one
// (events out of order) goes to a heap instead. Entries of matches that are gone
// are skipped when they come up, or swept out in bulk by Sweep.
// Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace eddy::runtime {

class DeadlineQueue {
 public:
  struct Item {
    int64_t deadline;
    uint32_t pm;
    uint32_t generation;
    bool operator>(const Item& o) const { return deadline > o.deadline; }
  };

  bool empty() const { return head_ == fifo_.size() && heap_.empty(); }
  size_t size() const { return fifo_.size() - head_ + heap_.size(); }
  // REQUIRES: !empty().
  const Item& front() const {
    if (head_ == fifo_.size()) return heap_.front();
    if (heap_.empty() || fifo_[head_].deadline <= heap_.front().deadline) return fifo_[head_];
    return heap_.front();
  }

  void Push(const Item& item) {
    if (head_ == fifo_.size() || item.deadline >= fifo_.back().deadline) {
      fifo_.push_back(item);
    } else {
      heap_.push_back(item);
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    }
  }

  // REQUIRES: !empty().
  void Pop() {
    if (head_ != fifo_.size() && (heap_.empty() || fifo_[head_].deadline <= heap_.front().deadline)) {
      if (++head_ > 1024 && head_ * 2 > fifo_.size()) {
        fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      return;
    }
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    heap_.pop_back();
  }

  // Removes every item `gone` says is gone.
  template <typename Gone>
  void Sweep(Gone gone) {
    fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
    std::erase_if(fifo_, gone);
    std::erase_if(heap_, gone);
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }

 private:
  std::vector<Item> fifo_;  // sorted; live from head_
  size_t head_ = 0;
  std::vector<Item> heap_;  // min-heap
};

}  // namespace eddy::runtime
