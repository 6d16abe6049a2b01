// The json mappers. Source: {"event":{...}} or a bare object, or an array of
// either; @attributes maps JSON paths; enclosing.element picks the part of the
// message that holds the events. Sink: {"event":{...}} (an array for many
// events), or an @payload template. Parsing uses simdjson's DOM into a reused,
// padded buffer: nothing is allocated per message once buffers have grown.
#include <simdjson.h>

#include <stdexcept>

#include "io/json_path.h"
#include "io/mapper_impl.h"
#include "io/text_format.h"

namespace eddy::io {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeWord(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    default: return "a number";
  }
}

// Follows `steps` from `root`; false when a step is missing.
bool Follow(element root, const std::vector<JsonPathStep>& steps, element& out) {
  element current = root;
  for (const JsonPathStep& step : steps) {
    if (step.index >= 0) {
      simdjson::dom::array array;
      if (current.get_array().get(array) != simdjson::SUCCESS) return false;
      if (array.at(static_cast<size_t>(step.index)).get(current) != simdjson::SUCCESS) return false;
    } else {
      simdjson::dom::object object;
      if (current.get_object().get(object) != simdjson::SUCCESS) return false;
      if (object.at_key(step.key).get(current) != simdjson::SUCCESS) return false;
    }
  }
  out = current;
  return true;
}

class JsonSourceMapper final : public SourceMapper {
 public:
  explicit JsonSourceMapper(const TransportSpec& spec)
      : fail_on_missing_(spec.map.GetBool("fail.on.missing.attribute", true)) {
    const std::string enclosing = spec.map.Get("enclosing.element", "");
    if (!enclosing.empty()) enclosing_ = ParseJsonPath(enclosing);
    for (size_t i = 0; i < spec.map.attributes.size(); ++i) {
      const MapSpec::AttributeMapping& m = spec.map.attributes[i];
      uint32_t attribute = static_cast<uint32_t>(i);
      for (uint32_t a = 0; a < spec.attributes.size(); ++a) {
        if (!m.attribute.empty() && spec.attributes[a].name == m.attribute) attribute = a;
      }
      paths_.push_back({attribute, ParseJsonPath(m.path)});
    }
  }

  void Map(std::string_view payload, MapContext& ctx) override {
    padded_.resize(payload.size() + simdjson::SIMDJSON_PADDING);
    std::copy(payload.begin(), payload.end(), padded_.begin());
    element root;
    if (auto error = parser_.parse(padded_.data(), payload.size(), false).get(root); error) {
      ctx.Fail(std::string("payload is not valid JSON (") + simdjson::error_message(error) + "): " +
               Excerpt(payload));
      return;
    }
    element events = root;
    if (!enclosing_.empty() && !Follow(root, enclosing_, events)) {
      ctx.Fail("payload has no enclosing element at the configured path: " + Excerpt(payload));
      return;
    }
    simdjson::dom::array array;
    if (events.get_array().get(array) == simdjson::SUCCESS) {
      for (element item : array) MapEvent(item, ctx);
    } else {
      MapEvent(events, ctx);
    }
  }

 private:
  struct Path {
    uint32_t attribute;
    std::vector<JsonPathStep> steps;
  };

  static std::string Excerpt(std::string_view payload) {
    std::string out(payload.substr(0, 80));
    if (payload.size() > 80) out += "...";
    return out;
  }

  // Sets attribute i from `value`; false (with ctx.Fail) on a misfit.
  bool SetValue(uint32_t i, element value, MapContext& ctx) {
    EventRow& row = ctx.row();
    std::string why;
    bool ok = false;
    switch (value.type()) {
      case element_type::INT64: ok = row.SetInteger(i, value.get_int64().value_unsafe(), why); break;
      case element_type::UINT64:
        why = "attribute '" + row.name(i) + "': " + std::to_string(value.get_uint64().value_unsafe()) +
              " is out of range";
        break;
      case element_type::DOUBLE: ok = row.SetReal(i, value.get_double().value_unsafe(), why); break;
      case element_type::BOOL: ok = row.SetBool(i, value.get_bool().value_unsafe(), why); break;
      case element_type::STRING: ok = row.SetString(i, value.get_string().value_unsafe(), why); break;
      case element_type::NULL_VALUE: row.SetNull(i); ok = true; break;
      default:
        why = "attribute '" + row.name(i) + "' (" + std::string(TypeName(row.type(i))) + "): got " +
              TypeWord(value.type());
    }
    if (!ok) ctx.Fail(why);
    return ok;
  }

  bool Missing(uint32_t i, MapContext& ctx) {
    if (fail_on_missing_) {
      ctx.Fail("attribute '" + ctx.row().name(i) + "' is missing");
      return false;
    }
    ctx.row().SetNull(i);
    return true;
  }

  void MapEvent(element item, MapContext& ctx) {
    EventRow& row = ctx.row();
    if (!paths_.empty()) {
      for (const Path& p : paths_) {
        element value;
        if (!Follow(item, p.steps, value)) {
          if (!Missing(p.attribute, ctx)) return;
          continue;
        }
        if (!SetValue(p.attribute, value, ctx)) return;
      }
      ctx.Commit();
      return;
    }
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      ctx.Fail(std::string("an event must be a JSON object, got ") + TypeWord(item.type()));
      return;
    }
    element wrapped;
    if (object.at_key("event").get(wrapped) == simdjson::SUCCESS && wrapped.is_object()) {
      object = wrapped.get_object().value_unsafe();
    }
    for (uint32_t i = 0; i < row.size(); ++i) {
      element value;
      if (object.at_key(row.name(i)).get(value) != simdjson::SUCCESS) {
        if (!Missing(i, ctx)) return;
        continue;
      }
      if (!SetValue(i, value, ctx)) return;
    }
    ctx.Commit();
  }

  simdjson::dom::parser parser_;
  std::vector<char> padded_;
  std::vector<JsonPathStep> enclosing_;
  std::vector<Path> paths_;
  bool fail_on_missing_;
};

class JsonSinkMapper final : public SinkMapper {
 public:
  explicit JsonSinkMapper(const TransportSpec& spec) : validate_(spec.map.GetBool("validate.json", false)) {
    if (spec.map.payload) {
      template_ = PayloadTemplate::Compile(spec.map.payload->value, spec.attributes);
      has_template_ = true;
    }
    const std::string enclosing = spec.map.Get("enclosing.element", "");
    if (!enclosing.empty()) {
      std::vector<JsonPathStep> steps = ParseJsonPath(enclosing);
      for (const JsonPathStep& s : steps) {
        if (s.key.empty()) throw std::invalid_argument("a sink's enclosing.element names members only");
      }
      for (const JsonPathStep& s : steps) {
        enclosing_open_ += "{";
        AppendJsonString(enclosing_open_, s.key);
        enclosing_open_ += ":";
        enclosing_close_ += "}";
      }
    }
    for (const AttributeInfo& a : spec.attributes) {
      std::string key;
      AppendJsonString(key, a.name);
      keys_.push_back(key + ":");
    }
  }

  bool groups() const override { return !has_template_; }

  void Map(const EventBatchView& events, uint32_t begin, uint32_t end, std::string& out) override {
    const size_t start = out.size();
    out += enclosing_open_;
    if (has_template_) {
      template_.Render(events[begin], out, TextStyle::kPlain);
    } else {
      const bool array = end - begin > 1 || !enclosing_open_.empty();
      if (array) out += '[';
      for (uint32_t e = begin; e < end; ++e) {
        if (e > begin) out += ',';
        const EventView event = events[e];
        out += "{\"event\":{";
        for (uint32_t i = 0; i < event.size(); ++i) {
          if (i > 0) out += ',';
          out += keys_[i];
          AppendAttribute(out, event, i, TextStyle::kJson);
        }
        out += "}}";
      }
      if (array) out += ']';
    }
    out += enclosing_close_;
    if (validate_) {
      padded_.assign(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
      padded_.resize(padded_.size() + simdjson::SIMDJSON_PADDING);
      element ignored;
      if (parser_.parse(padded_.data(), out.size() - start, false).get(ignored) != simdjson::SUCCESS) {
        std::string text = out.substr(start, 80);
        out.resize(start);
        throw std::invalid_argument("the payload is not valid JSON (validate.json is on): " + text);
      }
    }
  }

 private:
  bool validate_;
  bool has_template_ = false;
  PayloadTemplate template_;
  std::string enclosing_open_;
  std::string enclosing_close_;
  std::vector<std::string> keys_;
  simdjson::dom::parser parser_;
  std::vector<char> padded_;
};

}  // namespace

std::unique_ptr<SourceMapper> MakeJsonSourceMapper(const TransportSpec& spec) {
  return std::make_unique<JsonSourceMapper>(spec);
}
std::unique_ptr<SinkMapper> MakeJsonSinkMapper(const TransportSpec& spec) {
  return std::make_unique<JsonSinkMapper>(spec);
}

}  // namespace eddy::io
