// Small text helpers shared by the mappers, transports and replay: attribute
// values as JSON or plain text, `{{attribute}}` templates, and did-you-mean
// suggestions for option and type names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eddy/engine.h"

namespace eddy::io {

// How attribute values are written: kJson quotes and escapes strings and writes
// NaN/infinities as null; kPlain writes strings as they are and null as "null".
enum class TextStyle : uint8_t { kJson, kPlain };

void AppendJsonString(std::string& out, std::string_view text);
// Shortest round-trip form that always carries a fraction or exponent ("3.0").
void AppendReal(std::string& out, double v, TextStyle style);
void AppendReal(std::string& out, float v, TextStyle style);
void AppendAttribute(std::string& out, const EventView& event, uint32_t i, TextStyle style);

// "price" when `name` is one or two edits away from a candidate; else empty.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// A text with `{{attribute}}` placeholders, compiled against a stream's attributes.
class PayloadTemplate {
 public:
  PayloadTemplate() = default;
  // Throws std::invalid_argument naming an unknown attribute (with did-you-mean).
  static PayloadTemplate Compile(std::string_view text, const std::vector<AttributeInfo>& attributes);

  bool has_placeholders() const;
  void Render(const EventView& event, std::string& out, TextStyle style) const;

 private:
  struct Piece {
    std::string literal;
    int32_t attribute = -1;  // -1: literal only
  };
  std::vector<Piece> pieces_;
};

}  // namespace eddy::io
