// Mappers turn message payloads into events (source side) and events into
// payloads (sink side), in Siddhi's formats: json, csv, text and passThrough.
//
// Made from a checked MapSpec (transport_spec.h) by MakeSourceMapper /
// MakeSinkMapper. A mapper keeps reusable scratch state, so it is not
// thread-safe: one per source or sink, called by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "eddy/engine.h"
#include "io/event_row.h"
#include "io/transport_spec.h"

namespace eddy::io {

class SourceMapper {
 public:
  virtual ~SourceMapper() = default;
  // Maps one message: each good event is built in ctx.row() and committed, each
  // bad one (or the whole message, when it does not parse) is reported with
  // ctx.Fail(). Never throws for bad input.
  virtual void Map(std::string_view payload, MapContext& ctx) = 0;
};

class SinkMapper {
 public:
  virtual ~SinkMapper() = default;
  // Appends the payload for events [begin, end) of `events` to `out`. When
  // groups() is false, the caller passes one event at a time. Throws
  // std::invalid_argument when no valid payload can be made (validate.json).
  virtual void Map(const EventBatchView& events, uint32_t begin, uint32_t end, std::string& out) = 0;
  // Whether many events make one payload (a JSON array, CSV lines, grouped text).
  virtual bool groups() const = 0;
};

// REQUIRES: `spec` came from ReadTransports (the mapper options are checked).
std::unique_ptr<SourceMapper> MakeSourceMapper(const TransportSpec& spec);
std::unique_ptr<SinkMapper> MakeSinkMapper(const TransportSpec& spec);

}  // namespace eddy::io
