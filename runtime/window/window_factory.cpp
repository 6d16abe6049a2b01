#include "runtime/window/batch_windows.h"
#include "runtime/window/keyed_windows.h"
#include "runtime/window/sliding_windows.h"

namespace eddy::runtime {

std::unique_ptr<Window> MakeWindow(const WindowConfig& config, const Schema* schema, Scheduler* scheduler) {
  switch (config.kind) {
    case WindowConfig::Kind::kLength: return std::make_unique<LengthWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kTime:
    case WindowConfig::Kind::kTimeLength: return std::make_unique<TimedSlidingWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kExternalTime: return std::make_unique<ExternalTimeWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kDelay: return std::make_unique<DelayWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kLengthBatch: return std::make_unique<LengthBatchWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kTimeBatch: return std::make_unique<TimeBatchWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kExternalTimeBatch:
      return std::make_unique<ExternalTimeBatchWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kCron: return std::make_unique<CronWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kBatch: return std::make_unique<ChunkBatchWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kSort: return std::make_unique<SortWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kFrequent: return std::make_unique<FrequentWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kLossyFrequent:
      return std::make_unique<LossyFrequentWindow>(config, schema, scheduler);
    case WindowConfig::Kind::kSession: return std::make_unique<SessionWindow>(config, schema, scheduler);
  }
  return nullptr;
}

}  // namespace eddy::runtime
