#include "runtime/stream_junction.h"

namespace eddy::runtime {

void StreamJunction::Publish(const EventChunk& chunk) {
  if (chunk.empty()) return;
  events_published_ += chunk.size();
  const std::span<const uint32_t> rows(IdentityRows(chunk.size()), chunk.size());
  if (timing_ == nullptr) {
    for (const Subscription& s : subscriptions_) s.processor->Process(chunk, rows);
  } else {
    for (const Subscription& s : subscriptions_) {
      if (s.query == kNoQuery) {
        s.processor->Process(chunk, rows);
      } else {
        timing_->Measure(s.query, chunk.size(), [&] { s.processor->Process(chunk, rows); });
      }
    }
  }
  // Subscribers outside the app come after the queries that read the stream,
  // as in Siddhi (its callbacks subscribe last): where queries form a cycle
  // back into this stream, the events the cycle derives reach the callbacks
  // first, and the per-stream order is the reference's.
  for (const Callback& callback : callbacks_) callback(chunk);
}

void StreamJunction::ClaimSubscriptions(uint32_t query) {
  for (Subscription& s : subscriptions_) {
    if (s.query == kNoQuery) s.query = query;
  }
}

void StreamJunction::Deliver(const EventChunk& chunk, std::span<const uint32_t> rows) {
  events_published_ += rows.size();
  for (const Subscription& s : subscriptions_) s.processor->Process(chunk, rows);
}

}  // namespace eddy::runtime
