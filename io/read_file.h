// Reads a whole file into a string (apps, config files).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace eddy::io {

// False when the file cannot be opened.
inline bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

}  // namespace eddy::io
