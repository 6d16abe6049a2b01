#include "runtime/stream_junction.h"

namespace eddy::runtime {

void StreamJunction::Publish(const EventChunk& chunk) {
  if (chunk.empty()) return;
  events_published_ += chunk.size();
  const std::span<const uint32_t> rows(IdentityRows(chunk.size()), chunk.size());
  // Subscribers outside the app see the events arrive before the queries that
  // read the stream derive anything from them.
  for (const Callback& callback : callbacks_) callback(chunk);
  for (Processor* processor : processors_) processor->Process(chunk, rows);
}

void StreamJunction::Deliver(const EventChunk& chunk, std::span<const uint32_t> rows) {
  events_published_ += rows.size();
  for (Processor* processor : processors_) processor->Process(chunk, rows);
}

}  // namespace eddy::runtime
