#include "io/replay.h"

#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/text_format.h"

namespace eddy::io {
namespace {

using nlohmann::json;

// A JSON value converted to attribute type `type`; throws std::invalid_argument.
Value ToValue(const json& v, Type type, const std::string& name) {
  auto misfit = [&](const std::string& why) {
    return std::invalid_argument("attribute '" + name + "' (" + std::string(TypeName(type)) + "): " + why);
  };
  if (v.is_null()) return Value::Null(type);
  switch (type) {
    case Type::kString:
      if (!v.is_string()) throw misfit("expected a string, got " + v.dump());
      return Value::String(v.get<std::string>());
    case Type::kBool:
      if (!v.is_boolean()) throw misfit("expected true or false, got " + v.dump());
      return Value::Bool(v.get<bool>());
    case Type::kInt:
    case Type::kLong: {
      int64_t n = 0;
      if (v.is_number_integer()) {
        if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
          throw misfit(v.dump() + " is out of range");
        }
        n = v.get<int64_t>();
      } else if (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>() &&
                 std::fabs(v.get<double>()) < 9.2e18) {
        n = static_cast<int64_t>(v.get<double>());
      } else {
        throw misfit("expected a whole number, got " + v.dump());
      }
      if (type == Type::kInt) {
        if (n < INT32_MIN || n > INT32_MAX) throw misfit(v.dump() + " does not fit in int");
        return Value::Int(static_cast<int32_t>(n));
      }
      return Value::Long(n);
    }
    case Type::kFloat:
    case Type::kDouble:
      if (!v.is_number()) throw misfit("expected a number, got " + v.dump());
      return type == Type::kFloat ? Value::Float(v.get<float>()) : Value::Double(v.get<double>());
    case Type::kObject: throw misfit("object attributes cannot be replayed");
  }
  throw misfit("unsupported type");
}

}  // namespace

std::string FormatEventJson(std::string_view stream, const EventView& event) {
  std::string out = "{\"stream\":";
  AppendJsonString(out, stream);
  out += ",\"ts\":" + std::to_string(event.timestamp()) + ",\"data\":[";
  for (uint32_t i = 0; i < event.size(); ++i) {
    if (i > 0) out += ',';
    AppendAttribute(out, event, i, TextStyle::kJson);
  }
  return out + "]}";
}

ReplayStats Replay(App& app, std::istream& events, std::string_view events_name,
                   const OutputCallback& on_output, const ErrorCallback& on_error) {
  ReplayStats stats;
  // Read every line first: output streams exclude what the file feeds.
  struct Line {
    size_t number;
    json value;
  };
  std::vector<Line> lines;
  std::set<std::string> fed;
  std::string text;
  size_t number = 0;
  auto report = [&](size_t line, const std::string& what) {
    ++stats.bad_lines;
    on_error(std::string(events_name) + ":" + std::to_string(line) + ": " + what);
  };
  while (std::getline(events, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++stats.lines;
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded() || !value.is_object()) {
      report(number, "not a JSON object: " + text.substr(0, 80));
      continue;
    }
    if (value.contains("stream") && value["stream"].is_string()) fed.insert(value["stream"].get<std::string>());
    lines.push_back({number, std::move(value)});
  }

  std::map<std::string, InputHandle, std::less<>> inputs;
  for (const StreamInfo& info : app.streams()) {
    if (info.is_input) inputs.emplace(info.name, app.Input(info.name));
    if (!info.is_output || fed.count(info.name) > 0) continue;
    app.Subscribe(info.name, [name = info.name, &on_output](const EventBatchView& batch) {
      for (uint32_t i = 0; i < batch.size(); ++i) {
        const EventView event = batch[i];
        on_output(OutputEvent{name, event.timestamp(), FormatEventJson(name, event)});
      }
    });
  }

  bool started = false;
  std::vector<Value> values;
  for (const Line& line : lines) {
    const json& v = line.value;
    if (!v.contains("ts") || !v["ts"].is_number_integer()) {
      report(line.number, "missing or non-integer \"ts\"");
      continue;
    }
    const int64_t ts = v["ts"].get<int64_t>();
    if (!started) {
      app.Start(ts);
      started = true;
    }
    if (!v.contains("stream")) {
      app.AdvanceTime(ts);
      continue;
    }
    if (!v["stream"].is_string()) {
      report(line.number, "\"stream\" must be a string");
      continue;
    }
    const std::string stream = v["stream"].get<std::string>();
    auto input = inputs.find(stream);
    if (input == inputs.end()) {
      report(line.number, "unknown input stream '" + stream + "'");
      continue;
    }
    const std::vector<AttributeInfo>& attrs = input->second.attributes();
    if (!v.contains("data") || !v["data"].is_array()) {
      report(line.number, "missing \"data\" array");
      continue;
    }
    const json& data = v["data"];
    if (data.size() != attrs.size()) {
      report(line.number, "stream '" + stream + "' has " + std::to_string(attrs.size()) + " attributes, the line has " +
                              std::to_string(data.size()));
      continue;
    }
    values.clear();
    try {
      for (size_t i = 0; i < attrs.size(); ++i) values.push_back(ToValue(data[i], attrs[i].type, attrs[i].name));
    } catch (const std::invalid_argument& e) {
      report(line.number, e.what());
      continue;
    }
    input->second.Send(ts, values);
    ++stats.events;
  }
  return stats;
}

}  // namespace eddy::io
