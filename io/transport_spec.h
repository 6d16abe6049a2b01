// What the @source and @sink annotations of an app ask for, checked against
// Eddy's catalog of transports and mappers.
//
//   @source(type='mqtt', url='tcp://localhost:1883', topic='sensors/#',
//           @map(type='json', @attributes(room='$.r', celsius='$.t')))
//
// ReadTransports() reads every stream's annotations through the public API
// (StreamInfo::annotations), applies overrides (command line, config file),
// expands ${ENV} references, and checks types, option names and values. Any
// problem is a CompileError at the annotation's file:line:col, with a
// did-you-mean where a name is close to a known one. `eddy check` and `eddy run`
// both call it. Plain data; no threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/engine.h"

namespace eddy::io {

enum class Direction : uint8_t { kSource, kSink };

struct OptionValue {
  std::string value;
  SourceLocation location;
};

struct MapSpec {
  struct AttributeMapping {
    std::string attribute;  // empty: positional (the i-th attribute)
    std::string path;       // json: $.a.b; csv: column index; text: regexName[group]
    SourceLocation location;
  };
  std::string type;  // canonical: "json", "csv", "text", "passThrough"
  std::map<std::string, OptionValue, std::less<>> options;
  std::vector<AttributeMapping> attributes;  // @attributes(...), sources only
  std::optional<OptionValue> payload;        // @payload(...), sinks only
  SourceLocation location;

  std::string Get(std::string_view key, std::string_view fallback) const;
  bool GetBool(std::string_view key, bool fallback) const;
};

struct TransportSpec {
  Direction direction = Direction::kSource;
  std::string stream;
  std::vector<AttributeInfo> attributes;
  bool has_fault_stream = false;
  std::string type;  // canonical: "mqtt", "file", "stdin", "stdout", "log", "inMemory"
  std::map<std::string, OptionValue, std::less<>> options;
  MapSpec map;
  SourceLocation location;

  std::string Get(std::string_view key, std::string_view fallback) const;
  bool GetBool(std::string_view key, bool fallback) const;
  int64_t GetInt(std::string_view key, int64_t fallback) const;
  // "source 'Readings' (mqtt)" for log lines.
  std::string Describe() const;
};

// Option values set from outside the app, by key:
//   "<type>.<option>"           every source and sink of that type ("mqtt.url")
//   "source.<Stream>.<option>"  the sources of one stream
//   "sink.<Stream>.<option>"    the sinks of one stream
// The most specific key wins. Values may hold ${ENV_VAR} references.
using Overrides = std::map<std::string, std::string, std::less<>>;

// Throws CompileError. Streams without @source/@sink yield nothing.
std::vector<TransportSpec> ReadTransports(const App& app, const Overrides& overrides = {});

// Replaces each ${NAME} by the environment variable NAME; throws
// std::invalid_argument naming a variable that is not set.
std::string ExpandEnvironment(std::string_view text);

// The names the catalog knows, for the README and `eddy run --help`.
std::string DescribeCatalog();

}  // namespace eddy::io
