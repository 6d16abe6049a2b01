// Tells a time-based output limiter when its query sees its first event.
//
// `output ... every <time>` and `output snapshot every <time>` anchor their
// periods at the first event the query sees, not at the first row
// that reaches the limiter, which a filter, a batch window or a pattern may
// hold back for a long time. The planner puts one tap in front of each of the
// query's subscriptions; after the first chunk a tap only forwards (one
// predictable branch per chunk).
//
// Ownership: the anchor (the limiter) and next() belong to the same query
// instance and outlive the tap's calls. Not thread-safe.
#pragma once

#include <span>
#include <string>

#include "runtime/processor.h"

namespace eddy::runtime {

class PeriodAnchor {
 public:
  // Anchors the periods at the clock now; later calls do nothing.
  virtual void AnchorPeriods() = 0;

 protected:
  ~PeriodAnchor() = default;
};

class FirstArrivalTap final : public Processor {
 public:
  explicit FirstArrivalTap(PeriodAnchor* anchor) : anchor_(anchor) {}

  void Process(const EventChunk& chunk, std::span<const uint32_t> rows) override {
    if (!seen_) {
      seen_ = true;
      anchor_->AnchorPeriods();
    }
    next_->Process(chunk, rows);
  }
  std::string Describe() const override { return "FirstArrivalTap"; }

 private:
  PeriodAnchor* anchor_;
  bool seen_ = false;
};

}  // namespace eddy::runtime
