// Replays a recorded event file (JSON lines, conformance/FORMAT.md) through an
// app in event time, and formats what the app emits as JSON lines.
//
// Each line is {"stream":S,"ts":N,"data":[...]} (an event) or {"ts":N} (the clock
// advances). The app starts at the first line's ts. A bad line is reported as
// "FILE:LINE: what is wrong" and skipped; replay goes on.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "eddy/engine.h"

namespace eddy::io {

struct OutputEvent {
  std::string_view stream;
  int64_t timestamp;
  std::string json;  // {"stream":"O","ts":1000,"data":[...]}
};

struct ReplayStats {
  size_t lines = 0;      // non-empty lines read
  size_t events = 0;     // events sent
  size_t bad_lines = 0;  // reported and skipped
};

using OutputCallback = std::function<void(const OutputEvent&)>;
using ErrorCallback = std::function<void(std::string_view message)>;

// Subscribes `on_output` to the app's output streams (streams some query or
// trigger feeds, minus those the event file itself feeds), then replays `events`.
// REQUIRES: `app` was compiled with playback and not started.
ReplayStats Replay(App& app, std::istream& events, std::string_view events_name,
                   const OutputCallback& on_output, const ErrorCallback& on_error);

// {"stream":"O","ts":1000,"data":["IBM",75.6]}; floats and doubles always carry a
// fraction or exponent, ints never do; NaN and infinities are null.
std::string FormatEventJson(std::string_view stream, const EventView& event);

}  // namespace eddy::io
