#include "runtime/window/java_map_order.h"

#include <algorithm>

namespace eddy::runtime {

int32_t JavaMapOrder::JavaHashCode(std::string_view text) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < text.size();) {
    const auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(text[k])); };
    uint32_t c = byte(i);
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < text.size()) {
      len = 4;
      c = ((c & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) | ((byte(i + 2) & 0x3F) << 6) | (byte(i + 3) & 0x3F);
    } else if (c >= 0xE0 && i + 2 < text.size()) {
      len = 3;
      c = ((c & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
    } else if (c >= 0xC0 && i + 1 < text.size()) {
      len = 2;
      c = ((c & 0x1F) << 6) | (byte(i + 1) & 0x3F);
    }
    if (c >= 0x10000) {  // a surrogate pair in UTF-16
      c -= 0x10000;
      add(0xD800 + (c >> 10));
      add(0xDC00 + (c & 0x3FF));
    } else {
      add(c);
    }
    i += len;
  }
  return static_cast<int32_t>(h);
}

void JavaMapOrder::Insert(const std::string& key) {
  const uint32_t h = static_cast<uint32_t>(JavaHashCode(key));
  const uint32_t spread = (h ^ (h >> 16)) & 0x7fffffffU;
  bins_[spread & (bins_.size() - 1)].push_back({key, spread});
  // The JDK resizes once the count reaches 0.75 of the table.
  if (++size_ >= bins_.size() - bins_.size() / 4) Resize();
}

void JavaMapOrder::Erase(const std::string& key) {
  const uint32_t h = static_cast<uint32_t>(JavaHashCode(key));
  const uint32_t spread = (h ^ (h >> 16)) & 0x7fffffffU;
  std::vector<Node>& bin = bins_[spread & (bins_.size() - 1)];
  auto it = std::find_if(bin.begin(), bin.end(), [&](const Node& n) { return n.key == key; });
  if (it == bin.end()) return;
  bin.erase(it);
  --size_;
}

void JavaMapOrder::Resize() {
  const size_t n = bins_.size();
  std::vector<std::vector<Node>> grown(n * 2);
  for (size_t i = 0; i < n; ++i) {
    const std::vector<Node>& bin = bins_[i];
    if (bin.empty()) continue;
    // The trailing run of nodes bound for the same half keeps its order; the
    // nodes before it are prepended one by one, which reverses them.
    size_t run_start = bin.size() - 1;
    const uint32_t run_bit = bin[run_start].spread & n;
    while (run_start > 0 && (bin[run_start - 1].spread & n) == run_bit) --run_start;
    std::vector<Node> lo, hi;
    for (size_t k = run_start; k < bin.size(); ++k) (run_bit == 0 ? lo : hi).push_back(bin[k]);
    for (size_t k = 0; k < run_start; ++k) {
      std::vector<Node>& half = (bin[k].spread & n) == 0 ? lo : hi;
      half.insert(half.begin(), bin[k]);
    }
    grown[i] = std::move(lo);
    grown[i + n] = std::move(hi);
  }
  bins_.swap(grown);
}

std::vector<std::string> JavaMapOrder::Keys() const {
  std::vector<std::string> keys;
  keys.reserve(size_);
  for (const std::vector<Node>& bin : bins_) {
    for (const Node& node : bin) keys.push_back(node.key);
  }
  return keys;
}

}  // namespace eddy::runtime
