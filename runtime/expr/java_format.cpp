#include "runtime/expr/java_format.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace eddy::runtime {
namespace {

// Shortest round-trip digits of `v` in scientific form, split into the digit
// string and the decimal exponent of the first digit.
template <typename T>
void ShortestDigits(T v, std::string& digits, int& exponent) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, end);  // e.g. "1.2345e+02"
  const size_t e = s.find('e');
  exponent = std::stoi(s.substr(e + 1));
  digits.clear();
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

template <typename T>
std::string FormatJava(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  std::string out = v < 0 ? "-" : "";
  const T magnitude = std::fabs(v);
  std::string digits;
  int exponent = 0;
  ShortestDigits(magnitude, digits, exponent);
  if (magnitude >= T(1e-3) && magnitude < T(1e7)) {
    // Plain decimal with at least one fractional digit.
    if (exponent >= 0) {
      const size_t int_len = static_cast<size_t>(exponent) + 1;
      std::string int_part = digits.substr(0, std::min(int_len, digits.size()));
      int_part.append(int_len > digits.size() ? int_len - digits.size() : 0, '0');
      std::string frac = digits.size() > int_len ? digits.substr(int_len) : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
    return out;
  }
  // Computerized scientific notation: d.ddddE[-]n
  out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0");
  out += "E" + std::to_string(exponent);
  return out;
}

}  // namespace

// Java's digit generation is not always the shortest round-trip form; the
// smallest subnormals are where it shows (and Siddhi's maximum() returns them).
std::string FormatJavaDouble(double v) {
  if (std::fabs(v) == std::numeric_limits<double>::denorm_min()) return v < 0 ? "-4.9E-324" : "4.9E-324";
  return FormatJava(v);
}
std::string FormatJavaFloat(float v) {
  if (std::fabs(v) == std::numeric_limits<float>::denorm_min()) return v < 0 ? "-1.4E-45" : "1.4E-45";
  return FormatJava(v);
}

}  // namespace eddy::runtime
