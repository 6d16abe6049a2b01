// A FIFO of trivially copyable values in one power-of-two ring: push at the back,
// pop at the front, no allocation once it has reached its high-water mark.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

namespace eddy::runtime {

template <typename T>
class RingBuffer {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  bool empty() const { return size_ == 0; }
  uint32_t size() const { return size_; }
  // REQUIRES: i < size(); 0 is the front.
  const T& operator[](uint32_t i) const { return items_[(head_ + i) & mask_]; }
  T& operator[](uint32_t i) { return items_[(head_ + i) & mask_]; }
  const T& front() const { return items_[head_]; }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    if (size_ == items_.size()) Grow();
    items_[(head_ + size_) & mask_] = value;
    ++size_;
  }
  // REQUIRES: !empty().
  void pop_front() {
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  void pop_back() { --size_; }
  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void Grow() {
    std::vector<T> grown(items_.empty() ? 16 : items_.size() * 2);
    for (uint32_t i = 0; i < size_; ++i) grown[i] = (*this)[i];
    items_.swap(grown);
    head_ = 0;
    mask_ = static_cast<uint32_t>(items_.size() - 1);
  }

  std::vector<T> items_;
  uint32_t head_ = 0;
  uint32_t size_ = 0;
  uint32_t mask_ = 0;
};

}  // namespace eddy::runtime
