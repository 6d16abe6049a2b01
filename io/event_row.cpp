#include "io/event_row.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "io/text_format.h"

namespace eddy::io {

EventRow::EventRow(std::vector<AttributeInfo> attributes)
    : attributes_(std::move(attributes)), fields_(attributes_.size()) {}

void EventRow::Reset() {
  for (Field& f : fields_) {
    f.set = false;
    f.null = true;
  }
}

std::string EventRow::Misfit(uint32_t i, std::string_view what) const {
  return "attribute '" + attributes_[i].name + "' (" + std::string(TypeName(attributes_[i].type)) +
         "): " + std::string(what);
}

void EventRow::SetNull(uint32_t i) {
  fields_[i].set = true;
  fields_[i].null = true;
}

bool EventRow::SetInteger(uint32_t i, int64_t v, std::string& why) {
  Field& f = fields_[i];
  switch (attributes_[i].type) {
    case Type::kInt:
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        why = Misfit(i, std::to_string(v) + " does not fit in int");
        return false;
      }
      [[fallthrough]];
    case Type::kLong: f.integer = v; break;
    case Type::kFloat:
    case Type::kDouble: f.real = static_cast<double>(v); break;
    default: why = Misfit(i, "expected " + std::string(TypeName(attributes_[i].type)) + ", got the number " + std::to_string(v)); return false;
  }
  f.set = true;
  f.null = false;
  return true;
}

bool EventRow::SetReal(uint32_t i, double v, std::string& why) {
  const Type type = attributes_[i].type;
  if (type == Type::kInt || type == Type::kLong) {
    if (std::trunc(v) != v || std::fabs(v) >= 9.2e18) {
      std::string text;
      AppendReal(text, v, TextStyle::kPlain);
      why = Misfit(i, "expected a whole number, got " + text);
      return false;
    }
    return SetInteger(i, static_cast<int64_t>(v), why);
  }
  if (type != Type::kFloat && type != Type::kDouble) {
    std::string text;
    AppendReal(text, v, TextStyle::kPlain);
    why = Misfit(i, "expected " + std::string(TypeName(type)) + ", got the number " + text);
    return false;
  }
  fields_[i].real = v;
  fields_[i].set = true;
  fields_[i].null = false;
  return true;
}

bool EventRow::SetBool(uint32_t i, bool v, std::string& why) {
  if (attributes_[i].type != Type::kBool) {
    why = Misfit(i, std::string("expected ") + std::string(TypeName(attributes_[i].type)) + ", got " +
                        (v ? "true" : "false"));
    return false;
  }
  fields_[i].boolean = v;
  fields_[i].set = true;
  fields_[i].null = false;
  return true;
}

bool EventRow::SetString(uint32_t i, std::string_view v, std::string& why) {
  if (attributes_[i].type != Type::kString) {
    why = Misfit(i, "expected " + std::string(TypeName(attributes_[i].type)) + ", got a string");
    return false;
  }
  fields_[i].text.assign(v);
  fields_[i].set = true;
  fields_[i].null = false;
  return true;
}

bool EventRow::SetFromText(uint32_t i, std::string_view text, std::string& why) {
  const Type type = attributes_[i].type;
  auto trimmed = text;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t' || trimmed.back() == '\r')) {
    trimmed.remove_suffix(1);
  }
  const char* begin = trimmed.data();
  const char* end = trimmed.data() + trimmed.size();
  auto bad = [&](std::string_view expected) {
    why = Misfit(i, "expected " + std::string(expected) + ", got '" + std::string(text) + "'");
    return false;
  };
  switch (type) {
    case Type::kString: return SetString(i, text, why);
    case Type::kInt:
    case Type::kLong: {
      if (!trimmed.empty() && trimmed.front() == '+') ++begin;
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(begin, end, v);
      if (trimmed.empty() || ec != std::errc() || ptr != end) return bad("a whole number");
      return SetInteger(i, v, why);
    }
    case Type::kFloat:
    case Type::kDouble: {
      if (!trimmed.empty() && trimmed.front() == '+') ++begin;
      double v = 0;
      auto [ptr, ec] = std::from_chars(begin, end, v);
      if (trimmed.empty() || ec != std::errc() || ptr != end) return bad("a number");
      return SetReal(i, v, why);
    }
    case Type::kBool:
      if (EqualsIgnoreCase(trimmed, "true")) return SetBool(i, true, why);
      if (EqualsIgnoreCase(trimmed, "false")) return SetBool(i, false, why);
      return bad("true or false");
    case Type::kObject: why = Misfit(i, "object attributes cannot be mapped from text"); return false;
  }
  return false;
}

void EventRow::AppendTo(EventBatch& batch, int64_t timestamp) const {
  batch.Add(timestamp);
  for (uint32_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    if (!f.set || f.null) {
      batch.SetNull(i);
      continue;
    }
    switch (attributes_[i].type) {
      case Type::kString: batch.SetString(i, f.text); break;
      case Type::kInt: batch.SetInt(i, static_cast<int32_t>(f.integer)); break;
      case Type::kLong: batch.SetLong(i, f.integer); break;
      case Type::kFloat: batch.SetFloat(i, static_cast<float>(f.real)); break;
      case Type::kDouble: batch.SetDouble(i, f.real); break;
      case Type::kBool: batch.SetBool(i, f.boolean); break;
      case Type::kObject: batch.SetNull(i); break;
    }
  }
}

std::vector<Value> EventRow::Snapshot() const {
  std::vector<Value> out;
  for (uint32_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    const Type type = attributes_[i].type;
    if (!f.set || f.null) {
      out.push_back(Value::Null(type));
      continue;
    }
    switch (type) {
      case Type::kString: out.push_back(Value::String(f.text)); break;
      case Type::kInt: out.push_back(Value::Int(static_cast<int32_t>(f.integer))); break;
      case Type::kLong: out.push_back(Value::Long(f.integer)); break;
      case Type::kFloat: out.push_back(Value::Float(static_cast<float>(f.real))); break;
      case Type::kDouble: out.push_back(Value::Double(f.real)); break;
      case Type::kBool: out.push_back(Value::Bool(f.boolean)); break;
      case Type::kObject: out.push_back(Value::Null(type)); break;
    }
  }
  return out;
}

void MapContext::Commit() {
  row_.AppendTo(batch_, timestamp_);
  ++committed_;
  row_.Reset();
}

void MapContext::Fail(std::string message) {
  failures_.push_back({std::move(message), row_.Snapshot()});
  row_.Reset();
}

}  // namespace eddy::io
