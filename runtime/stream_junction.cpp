#include "runtime/stream_junction.h"

namespace eddy::runtime {

void StreamJunction::Publish(const EventChunk& chunk) {
  if (chunk.empty()) return;
  events_published_ += chunk.size();
  const std::span<const uint32_t> rows(IdentityRows(chunk.size()), chunk.size());
  for (Processor* processor : processors_) processor->Process(chunk, rows);
  for (const Callback& callback : callbacks_) callback(chunk);
}

}  // namespace eddy::runtime
