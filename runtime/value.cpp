#include <cctype>
#include <string>

#include "eddy/event.h"
#include "eddy/value.h"
#include "runtime/expr/java_format.h"

namespace eddy {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kString: return "string";
    case Type::kInt: return "int";
    case Type::kLong: return "long";
    case Type::kFloat: return "float";
    case Type::kDouble: return "double";
    case Type::kBool: return "bool";
    case Type::kObject: return "object";
  }
  return "?";
}

std::optional<Type> ParseTypeName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (Type t : {Type::kString, Type::kInt, Type::kLong, Type::kFloat, Type::kDouble, Type::kBool,
                 Type::kObject}) {
    if (TypeName(t) == lower) return t;
  }
  return std::nullopt;
}

std::string Value::ToString() const {
  if (is_null()) return "null";
  switch (type_) {
    case Type::kString:
    case Type::kObject: return as_string();
    case Type::kInt: return std::to_string(as_int());
    case Type::kLong: return std::to_string(as_long());
    case Type::kFloat: return runtime::FormatJavaFloat(as_float());
    case Type::kDouble: return runtime::FormatJavaDouble(as_double());
    case Type::kBool: return as_bool() ? "true" : "false";
  }
  return "?";
}

Value EventView::value(uint32_t i) const {
  const Type type = types_[i];
  if (is_null(i)) return Value::Null(type);
  switch (type) {
    case Type::kString: return Value::String(std::string(get_string(i)));
    case Type::kInt: return Value::Int(get_int(i));
    case Type::kLong: return Value::Long(get_long(i));
    case Type::kFloat: return Value::Float(get_float(i));
    case Type::kDouble: return Value::Double(get_double(i));
    case Type::kBool: return Value::Bool(get_bool(i));
    case Type::kObject: return Value::Object(slots_[i].obj->ToString());
  }
  return {};
}

}  // namespace eddy
