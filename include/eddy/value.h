// Attribute types and the owning Value used at the public API boundary.
//
// Inside the engine attributes live in typed 8-byte slots (see event.h); Value is
// the convenient, owning form for embedders and tools. It is never used on the
// hot path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace eddy {

enum class Type : uint8_t { kString, kInt, kLong, kFloat, kDouble, kBool, kObject };

// "string", "int", ... as written in SiddhiQL.
std::string_view TypeName(Type type);
// Parses a SiddhiQL type name (case-insensitive); nullopt when unknown.
std::optional<Type> ParseTypeName(std::string_view name);

inline bool IsNumeric(Type t) {
  return t == Type::kInt || t == Type::kLong || t == Type::kFloat || t == Type::kDouble;
}

// A nullable attribute value. Objects cross the API as their text form.
class Value {
 public:
  Value() = default;  // null of unknown type
  static Value Null(Type type) { Value v; v.type_ = type; return v; }
  static Value String(std::string s) { return Value(Type::kString, std::move(s)); }
  static Value Int(int32_t v) { return Value(Type::kInt, v); }
  static Value Long(int64_t v) { return Value(Type::kLong, v); }
  static Value Float(float v) { return Value(Type::kFloat, v); }
  static Value Double(double v) { return Value(Type::kDouble, v); }
  static Value Bool(bool v) { return Value(Type::kBool, v); }
  static Value Object(std::string text) { return Value(Type::kObject, std::move(text)); }

  Type type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }

  // REQUIRES: !is_null() and the matching type.
  const std::string& as_string() const { return std::get<std::string>(data_); }
  int32_t as_int() const { return std::get<int32_t>(data_); }
  int64_t as_long() const { return std::get<int64_t>(data_); }
  float as_float() const { return std::get<float>(data_); }
  double as_double() const { return std::get<double>(data_); }
  bool as_bool() const { return std::get<bool>(data_); }

  // SiddhiQL/Java text form: 1.0, 1.0E10, true, or "null".
  std::string ToString() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  template <typename T>
  Value(Type type, T v) : type_(type), data_(std::move(v)) {}

  Type type_ = Type::kObject;
  std::variant<std::monostate, std::string, int32_t, int64_t, float, double, bool> data_;
};

}  // namespace eddy
