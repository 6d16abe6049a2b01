#include <string>

#include "eddy/error.h"

namespace eddy {

std::string CompileError::Render(std::string_view file, std::string_view source) const {
  std::string out = std::string(file) + ":" + std::to_string(location_.line) + ":" +
                    std::to_string(location_.column) + ": " + message_;
  if (location_.line == 0) return out;
  // Find the source line the location names.
  size_t start = 0;
  for (uint32_t line = 1; line < location_.line && start != std::string_view::npos; ++line) {
    start = source.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > source.size()) return out;
  size_t end = source.find('\n', start);
  std::string_view text = source.substr(start, end == std::string_view::npos ? source.size() - start : end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  out += "\n";
  out += text;
  out += "\n";
  // Keep tabs so the caret lines up under the same column.
  for (uint32_t i = 1; i < location_.column && i - 1 < text.size(); ++i) {
    out += text[i - 1] == '\t' ? '\t' : ' ';
  }
  out += '^';
  const uint32_t available = location_.column <= text.size() ? static_cast<uint32_t>(text.size()) - location_.column : 0;
  const uint32_t tildes = location_.length > 1 ? std::min(location_.length - 1, available) : 0;
  out.append(tildes, '~');
  return out;
}

}  // namespace eddy
