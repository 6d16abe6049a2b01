#include "io/transport_spec.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "io/text_format.h"

namespace eddy::io {
namespace {

enum class Kind : uint8_t { kString, kBool, kCount, kQos, kUrl, kText };

struct OptionDef {
  const char* name;
  Kind kind;
  bool required = false;
};

struct TransportDef {
  const char* name;
  bool source;
  bool sink;
  std::vector<OptionDef> source_options;
  std::vector<OptionDef> sink_options;
  const char* default_mapper;
};

std::vector<OptionDef> MqttOptions(bool sink) {
  std::vector<OptionDef> options = {
      {"url", Kind::kUrl, true},
      {"topic", Kind::kString, true},
      {"quality.of.service", Kind::kQos},
      {"client.id", Kind::kString},
      {"clean.session", Kind::kBool},
      {"username", Kind::kString},
      {"password", Kind::kString},
      {"keep.alive", Kind::kCount},
      {"connection.timeout", Kind::kCount},
      {"automatic.reconnect", Kind::kBool},
      {"max.reconnect.delay", Kind::kCount},
  };
  if (sink) {
    options.push_back({"retain", Kind::kBool});
    options.push_back({"max.buffered.messages", Kind::kCount});
  }
  return options;
}

const std::vector<TransportDef>& Transports() {
  static const std::vector<TransportDef> kTransports = {
      {"mqtt", true, true, MqttOptions(false), MqttOptions(true), "json"},
      {"file",
       true,
       true,
       {{"file.uri", Kind::kString, true}, {"tailing", Kind::kBool}, {"mode", Kind::kString}},
       {{"file.uri", Kind::kString, true}, {"append", Kind::kBool}},
       "json"},
      {"stdin", true, false, {}, {}, "json"},
      {"stdout", false, true, {}, {}, "json"},
      {"log", false, true, {}, {{"prefix", Kind::kText}, {"priority", Kind::kString}}, "json"},
      {"inMemory", true, true, {{"topic", Kind::kString, true}}, {{"topic", Kind::kString, true}},
       "passThrough"},
  };
  return kTransports;
}

struct MapperDef {
  const char* name;
  std::vector<OptionDef> source_options;
  std::vector<OptionDef> sink_options;
  bool source_attributes;  // takes @attributes
  bool sink_payload;       // takes @payload
};

const std::vector<MapperDef>& Mappers() {
  static const std::vector<MapperDef> kMappers = {
      {"json",
       {{"enclosing.element", Kind::kString}, {"fail.on.missing.attribute", Kind::kBool}},
       {{"enclosing.element", Kind::kString}, {"validate.json", Kind::kBool}},
       true,
       true},
      {"csv",
       {{"delimiter", Kind::kText}, {"header", Kind::kBool}, {"fail.on.unknown.attribute", Kind::kBool}},
       {{"delimiter", Kind::kText}, {"header", Kind::kBool}},
       true,
       false},
      {"text",
       {{"fail.on.missing.attribute", Kind::kBool},
        {"event.grouping.enabled", Kind::kBool},
        {"delimiter", Kind::kText}},
       {{"event.grouping.enabled", Kind::kBool}, {"delimiter", Kind::kText}},
       true,
       true},
      {"passThrough", {}, {}, false, false},
  };
  return kMappers;
}

const TransportDef* FindTransport(std::string_view name) {
  for (const TransportDef& t : Transports()) {
    if (EqualsIgnoreCase(t.name, name)) return &t;
  }
  return nullptr;
}

const MapperDef* FindMapper(std::string_view name) {
  for (const MapperDef& m : Mappers()) {
    if (EqualsIgnoreCase(m.name, name)) return &m;
  }
  return nullptr;
}

[[noreturn]] void Fail(const SourceLocation& at, const std::string& message) {
  throw CompileError(message, at);
}

std::vector<std::string> Names(const std::vector<OptionDef>& options) {
  std::vector<std::string> out;
  for (const OptionDef& o : options) out.push_back(o.name);
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void CheckValue(const OptionDef& def, const OptionValue& v, const std::string& where) {
  const std::string& s = v.value;
  auto bad = [&](const std::string& expected) {
    Fail(v.location, "option '" + std::string(def.name) + "' of " + where + " must be " + expected +
                         ", not '" + s + "'");
  };
  switch (def.kind) {
    case Kind::kBool:
      if (!EqualsIgnoreCase(s, "true") && !EqualsIgnoreCase(s, "false")) bad("'true' or 'false'");
      break;
    case Kind::kCount:
      if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        bad("a whole number");
      }
      break;
    case Kind::kQos:
      if (s != "0" && s != "1" && s != "2") bad("0, 1 or 2");
      break;
    case Kind::kUrl:
      if (s.rfind("tcp://", 0) != 0 && s.rfind("mqtt://", 0) != 0 && s.rfind("ssl://", 0) != 0 &&
          s.rfind("mqtts://", 0) != 0 && s.rfind("ws://", 0) != 0 && s.rfind("wss://", 0) != 0) {
        bad("a broker URL like 'tcp://localhost:1883'");
      }
      if (s.find("://") + 3 >= s.size()) bad("a broker URL with a host");
      break;
    case Kind::kString:
      if (s.empty()) bad("non-empty");
      break;
    case Kind::kText: break;
  }
}

// Reads `annotation`'s key='value' elements into `out`, rejecting unknown keys.
// Keys starting with one of `prefixes` ("regex.") are accepted as they are.
void ReadOptions(const AnnotationInfo& annotation, const std::vector<OptionDef>& known,
                 const std::string& where, std::map<std::string, OptionValue, std::less<>>& out,
                 const std::vector<std::string>& prefixes = {}) {
  std::vector<std::string> names = Names(known);
  names.push_back("type");
  for (const AnnotationInfo::Element& e : annotation.elements) {
    if (e.key.empty()) {
      Fail(e.location, "@" + annotation.name + " takes key='value' options; '" + e.value +
                           "' has no key");
    }
    if (EqualsIgnoreCase(e.key, "type")) continue;
    const bool prefixed = std::any_of(prefixes.begin(), prefixes.end(),
                                      [&](const std::string& p) { return e.key.rfind(p, 0) == 0 && e.key.size() > p.size(); });
    if (!prefixed && std::find(names.begin(), names.end(), e.key) == names.end()) {
      Fail(e.location, "unknown option '" + e.key + "' for " + where + DidYouMean(e.key, names) +
                           "; known: " + JoinNames(Names(known)));
    }
    if (out.count(e.key) > 0) Fail(e.location, "option '" + e.key + "' is given twice");
    out[e.key] = {e.value, e.location};
  }
}

const AnnotationInfo::Element* FindType(const AnnotationInfo& a) {
  for (const AnnotationInfo::Element& e : a.elements) {
    if (EqualsIgnoreCase(e.key, "type")) return &e;
  }
  return nullptr;
}

std::string ApplyEnvironment(const OptionValue& v, const std::string& key) {
  try {
    return ExpandEnvironment(v.value);
  } catch (const std::invalid_argument& e) {
    Fail(v.location, "option '" + key + "': " + e.what());
  }
}

void ApplyOverrides(TransportSpec& spec, const Overrides& overrides, const std::vector<OptionDef>& known) {
  const std::string direction = spec.direction == Direction::kSource ? "source." : "sink.";
  for (const OptionDef& def : known) {
    // Least to most specific.
    for (const std::string& key : {spec.type + "." + def.name, direction + spec.stream + "." + def.name}) {
      auto it = overrides.find(key);
      if (it == overrides.end()) continue;
      spec.options[def.name] = {it->second, spec.location};
    }
  }
}

void CheckAttributes(MapSpec& map, const TransportSpec& spec, const AnnotationInfo& attributes) {
  std::vector<std::string> names;
  for (const AttributeInfo& a : spec.attributes) names.push_back(a.name);
  bool positional = false;
  bool named = false;
  std::set<std::string> seen;
  for (const AnnotationInfo::Element& e : attributes.elements) {
    if (e.key.empty()) {
      positional = true;
    } else {
      named = true;
      if (std::find(names.begin(), names.end(), e.key) == names.end()) {
        Fail(e.location, "@attributes names '" + e.key + "', which is not an attribute of stream '" +
                             spec.stream + "'" + DidYouMean(e.key, names));
      }
      if (!seen.insert(e.key).second) Fail(e.location, "attribute '" + e.key + "' is mapped twice");
    }
    map.attributes.push_back({e.key, e.value, e.location});
  }
  if (positional && named) {
    Fail(attributes.location, "@attributes must be all named (a='...') or all positional ('...')");
  }
  if (positional && map.attributes.size() != spec.attributes.size()) {
    Fail(attributes.location, "@attributes lists " + std::to_string(map.attributes.size()) +
                                  " positional mappings; stream '" + spec.stream + "' has " +
                                  std::to_string(spec.attributes.size()) + " attributes");
  }
  for (const MapSpec::AttributeMapping& m : map.attributes) {
    if (map.type == "json" && (m.path.empty() || m.path[0] != '$')) {
      Fail(m.location, "a json attribute mapping is a JSON path starting with '$' (like '$.stock.price'), not '" +
                           m.path + "'");
    }
    if (map.type == "csv" &&
        (m.path.empty() || m.path.size() > 6 || !std::all_of(m.path.begin(), m.path.end(), [](char c) { return c >= '0' && c <= '9'; }))) {
      Fail(m.location, "a csv attribute mapping is a column index (0 is the first), not '" + m.path + "'");
    }
    if (map.type == "text") {
      const size_t open = m.path.find('[');
      const bool shaped = open != std::string::npos && open > 0 && m.path.back() == ']' && open + 2 < m.path.size() &&
                          std::all_of(m.path.begin() + open + 1, m.path.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
      if (!shaped) {
        Fail(m.location, "a text attribute mapping is regexName[group], like 'A[1]', not '" + m.path + "'");
      }
      const std::string regex = "regex." + m.path.substr(0, open);
      if (map.options.count(regex) == 0) {
        Fail(m.location, "'" + m.path + "' refers to option '" + regex + "', which @map does not define");
      }
    }
  }
}

TransportSpec ReadOne(const StreamInfo& stream, const AnnotationInfo& a, Direction direction,
                      const Overrides& overrides) {
  TransportSpec spec;
  spec.direction = direction;
  spec.stream = stream.name;
  spec.attributes = stream.attributes;
  spec.has_fault_stream = stream.has_fault_stream;
  spec.location = a.location;
  const bool source = direction == Direction::kSource;
  const std::string kind = source ? "source" : "sink";

  const AnnotationInfo::Element* type = FindType(a);
  if (type == nullptr) {
    Fail(a.location, "@" + a.name + " needs a type, e.g. type='mqtt'");
  }
  std::vector<std::string> type_names;
  for (const TransportDef& t : Transports()) {
    if (source ? t.source : t.sink) type_names.push_back(t.name);
  }
  const TransportDef* def = FindTransport(type->value);
  if (def == nullptr || !(source ? def->source : def->sink)) {
    Fail(type->location, "unknown " + kind + " type '" + type->value + "'" + DidYouMean(type->value, type_names) +
                             "; known: " + JoinNames(type_names));
  }
  spec.type = def->name;
  const std::vector<OptionDef>& known = source ? def->source_options : def->sink_options;
  const std::string where = kind + " type '" + spec.type + "'";
  ReadOptions(a, known, where, spec.options);
  ApplyOverrides(spec, overrides, known);
  for (auto& [key, value] : spec.options) value.value = ApplyEnvironment(value, key);
  for (const OptionDef& o : known) {
    auto it = spec.options.find(o.name);
    if (it == spec.options.end()) {
      if (o.required) {
        Fail(a.location, where + " needs option '" + o.name + "'" +
                             (spec.type == "mqtt" ? " (or set " + spec.type + "." + o.name + " from the command line)" : ""));
      }
      continue;
    }
    CheckValue(o, it->second, where);
  }

  // @map
  const AnnotationInfo* map = nullptr;
  for (const AnnotationInfo& nested : a.nested) {
    if (!EqualsIgnoreCase(nested.name, "map")) {
      Fail(nested.location, "@" + a.name + " takes a nested @map(...), not @" + nested.name);
    }
    if (map != nullptr) Fail(nested.location, "@" + a.name + " takes one @map");
    map = &nested;
  }
  spec.map.type = def->default_mapper;
  spec.map.location = a.location;
  if (map != nullptr) {
    spec.map.location = map->location;
    std::vector<std::string> mapper_names;
    for (const MapperDef& m : Mappers()) mapper_names.push_back(m.name);
    const AnnotationInfo::Element* map_type = FindType(*map);
    if (map_type == nullptr) Fail(map->location, "@map needs a type, e.g. type='json'");
    const MapperDef* mapper = FindMapper(map_type->value);
    if (mapper == nullptr) {
      Fail(map_type->location, "unknown mapper type '" + map_type->value + "'" +
                                   DidYouMean(map_type->value, mapper_names) + "; known: " + JoinNames(mapper_names));
    }
    spec.map.type = mapper->name;
    const std::vector<OptionDef>& mapper_known = source ? mapper->source_options : mapper->sink_options;
    const std::string mapper_where = kind + " mapper '" + spec.map.type + "'";
    std::vector<std::string> prefixes;
    if (source && spec.map.type == "text") prefixes.push_back("regex.");
    ReadOptions(*map, mapper_known, mapper_where, spec.map.options, prefixes);
    for (auto& [key, value] : spec.map.options) value.value = ApplyEnvironment(value, key);
    for (const OptionDef& o : mapper_known) {
      if (auto it = spec.map.options.find(o.name); it != spec.map.options.end()) CheckValue(o, it->second, mapper_where);
    }
    for (const AnnotationInfo& nested : map->nested) {
      if (EqualsIgnoreCase(nested.name, "attributes")) {
        if (!source || !mapper->source_attributes) {
          Fail(nested.location, "@attributes is for source mappers json, csv and text" +
                                    std::string(source ? "" : "; a sink formats with @payload"));
        }
        if (!spec.map.attributes.empty()) Fail(nested.location, "@map takes one @attributes");
        CheckAttributes(spec.map, spec, nested);
      } else if (EqualsIgnoreCase(nested.name, "payload")) {
        if (source || !mapper->sink_payload) {
          Fail(nested.location, "@payload is for sink mappers json and text" +
                                    std::string(source ? "; a source maps with @attributes" : ""));
        }
        if (nested.elements.size() != 1 || !nested.elements[0].key.empty()) {
          Fail(nested.location, "@payload takes one template, e.g. @payload('{\"t\":{{celsius}}}')");
        }
        try {
          PayloadTemplate::Compile(nested.elements[0].value, spec.attributes);
        } catch (const std::invalid_argument& e) {
          Fail(nested.elements[0].location, std::string("@payload: ") + e.what());
        }
        spec.map.payload = OptionValue{nested.elements[0].value, nested.elements[0].location};
      } else {
        Fail(nested.location, "@map takes @attributes (sources) or @payload (sinks), not @" + nested.name);
      }
    }
  }
  if (spec.map.type == "passThrough" && spec.type != "inMemory" &&
      (spec.attributes.size() != 1 || spec.attributes[0].type != Type::kString)) {
    Fail(spec.map.location, "mapper 'passThrough' on a " + spec.type +
                                " " + kind + " passes the message text through, so stream '" + spec.stream +
                                "' must have one string attribute; use 'json', 'csv' or 'text' to map fields");
  }
  if (!source && spec.type == "mqtt") {
    try {
      PayloadTemplate::Compile(spec.Get("topic", ""), spec.attributes);
    } catch (const std::invalid_argument& e) {
      Fail(spec.options.at("topic").location, std::string("topic: ") + e.what());
    }
  }
  return spec;
}

bool ParseBool(std::string_view v) { return EqualsIgnoreCase(v, "true"); }

}  // namespace

std::string MapSpec::Get(std::string_view key, std::string_view fallback) const {
  auto it = options.find(key);
  return it == options.end() ? std::string(fallback) : it->second.value;
}
bool MapSpec::GetBool(std::string_view key, bool fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : ParseBool(it->second.value);
}

std::string TransportSpec::Get(std::string_view key, std::string_view fallback) const {
  auto it = options.find(key);
  return it == options.end() ? std::string(fallback) : it->second.value;
}
bool TransportSpec::GetBool(std::string_view key, bool fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : ParseBool(it->second.value);
}
int64_t TransportSpec::GetInt(std::string_view key, int64_t fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : std::stoll(it->second.value);
}
std::string TransportSpec::Describe() const {
  return std::string(direction == Direction::kSource ? "source" : "sink") + " '" + stream + "' (" + type + ")";
}

std::string ExpandEnvironment(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("${", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    const size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) throw std::invalid_argument("'${' has no closing '}'");
    out.append(text.substr(pos, open - pos));
    const std::string name(text.substr(open + 2, close - open - 2));
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) throw std::invalid_argument("environment variable '" + name + "' is not set");
    out += value;
    pos = close + 1;
  }
  return out;
}

std::vector<TransportSpec> ReadTransports(const App& app, const Overrides& overrides) {
  std::vector<TransportSpec> out;
  for (const StreamInfo& stream : app.streams()) {
    for (const AnnotationInfo& a : stream.annotations) {
      const bool source = EqualsIgnoreCase(a.name, "source");
      const bool sink = EqualsIgnoreCase(a.name, "sink");
      if (!source && !sink) continue;
      if (source && !stream.is_input) {
        Fail(a.location, "stream '" + stream.name + "' is fed by a query, so it cannot also have a @source");
      }
      out.push_back(ReadOne(stream, a, source ? Direction::kSource : Direction::kSink, overrides));
    }
  }
  return out;
}

std::string DescribeCatalog() {
  std::string out;
  for (const TransportDef& t : Transports()) {
    out += std::string("  ") + t.name + ":";
    if (t.source) out += " source(" + JoinNames(Names(t.source_options)) + ")";
    if (t.sink) out += " sink(" + JoinNames(Names(t.sink_options)) + ")";
    out += "\n";
  }
  for (const MapperDef& m : Mappers()) {
    out += std::string("  @map(type='") + m.name + "'): source(" + JoinNames(Names(m.source_options)) +
           (m.name == std::string("text") ? ", regex.NAME" : "") + ") sink(" + JoinNames(Names(m.sink_options)) + ")\n";
  }
  return out;
}

}  // namespace eddy::io
