// Heap use, for the benchmarks that report memory per event or per key.
#pragma once

#include <malloc.h>

#include <cstddef>

namespace eddy::bench {

// Bytes in use on the heap, mmap'd blocks included.
inline size_t HeapBytes() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace eddy::bench
