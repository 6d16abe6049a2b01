// The iteration order of a Java ConcurrentHashMap<String, ?>, for windows whose
// reference output depends on it (frequent's eviction order, LANGUAGE.md §7).
//
// Keys sit in bins by their spread String.hashCode(); iteration walks the bins in
// index order and each bin's list in order. The table starts at 16 bins and
// doubles when it reaches three quarters full, splitting each bin the way the JDK
// does (the trailing run keeps its order, the nodes before it are prepended).
// Bins that the JDK would turn into trees (8+ colliding keys) keep list order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eddy::runtime {

class JavaMapOrder {
 public:
  JavaMapOrder() : bins_(16) {}

  // REQUIRES: `key` is not in the map.
  void Insert(const std::string& key);
  void Erase(const std::string& key);
  // Every key, in the order a Java iteration would visit them.
  std::vector<std::string> Keys() const;

  // Java's String.hashCode over the UTF-16 code units of UTF-8 `text`.
  static int32_t JavaHashCode(std::string_view text);

 private:
  struct Node {
    std::string key;
    uint32_t spread;  // (h ^ h >>> 16) & 0x7fffffff
  };
  void Resize();

  std::vector<std::vector<Node>> bins_;
  size_t size_ = 0;
};

}  // namespace eddy::runtime
