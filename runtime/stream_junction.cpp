#include "runtime/stream_junction.h"

namespace eddy::runtime {

void StreamJunction::Publish(const EventChunk& chunk) {
  if (chunk.empty()) return;
  events_published_ += chunk.size();
  const std::span<const uint32_t> rows(IdentityRows(chunk.size()), chunk.size());
  // Subscribers outside the app see the events arrive before the queries that
  // read the stream derive anything from them.
  for (const Callback& callback : callbacks_) callback(chunk);
  if (timing_ == nullptr) {
    for (const Subscription& s : subscriptions_) s.processor->Process(chunk, rows);
    return;
  }
  for (const Subscription& s : subscriptions_) {
    if (s.query == kNoQuery) {
      s.processor->Process(chunk, rows);
    } else {
      timing_->Measure(s.query, chunk.size(), [&] { s.processor->Process(chunk, rows); });
    }
  }
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
