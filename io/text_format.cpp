#include "io/text_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace eddy::io {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

namespace {

template <typename T>
void AppendRealImpl(std::string& out, T v, TextStyle style) {
  if (!std::isfinite(v)) {
    if (style == TextStyle::kJson) {
      out += "null";
    } else {
      out += std::isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity");
    }
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view text(buf, static_cast<size_t>(end - buf));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void AppendReal(std::string& out, double v, TextStyle style) { AppendRealImpl(out, v, style); }
void AppendReal(std::string& out, float v, TextStyle style) { AppendRealImpl(out, v, style); }

void AppendAttribute(std::string& out, const EventView& event, uint32_t i, TextStyle style) {
  if (event.is_null(i)) {
    out += "null";
    return;
  }
  switch (event.type(i)) {
    case Type::kString:
      if (style == TextStyle::kJson) {
        AppendJsonString(out, event.get_string(i));
      } else {
        out += event.get_string(i);
      }
      break;
    case Type::kInt: {
      char buf[16];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, event.get_int(i));
      out.append(buf, end);
      break;
    }
    case Type::kLong: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, event.get_long(i));
      out.append(buf, end);
      break;
    }
    case Type::kFloat: AppendReal(out, event.get_float(i), style); break;
    case Type::kDouble: AppendReal(out, event.get_double(i), style); break;
    case Type::kBool: out += event.get_bool(i) ? "true" : "false"; break;
    case Type::kObject:
      if (style == TextStyle::kJson) {
        AppendJsonString(out, event.value(i).ToString());
      } else {
        out += event.value(i).ToString();
      }
      break;
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t d = EditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best = ClosestName(name, candidates);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

PayloadTemplate PayloadTemplate::Compile(std::string_view text,
                                         const std::vector<AttributeInfo>& attributes) {
  PayloadTemplate t;
  std::vector<std::string> names;
  for (const AttributeInfo& a : attributes) names.push_back(a.name);
  Piece current;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      current.literal.append(text.substr(pos));
      break;
    }
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw std::invalid_argument("'{{' at offset " + std::to_string(open) + " has no closing '}}'");
    }
    current.literal.append(text.substr(pos, open - pos));
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      throw std::invalid_argument("'{{" + std::string(name) + "}}' names no attribute of the stream" +
                                  DidYouMean(name, names));
    }
    current.attribute = static_cast<int32_t>(it - names.begin());
    t.pieces_.push_back(std::move(current));
    current = Piece{};
    pos = close + 2;
  }
  if (!current.literal.empty() || t.pieces_.empty()) t.pieces_.push_back(std::move(current));
  return t;
}

bool PayloadTemplate::has_placeholders() const {
  return std::any_of(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.attribute >= 0; });
}

void PayloadTemplate::Render(const EventView& event, std::string& out, TextStyle style) const {
  for (const Piece& p : pieces_) {
    out += p.literal;
    if (p.attribute >= 0) AppendAttribute(out, event, static_cast<uint32_t>(p.attribute), style);
  }
}

}  // namespace eddy::io
