// Errors that Eddy reports to users and embedders.
//
// A CompileError is what parsing, binding and planning an app throw: it names the
// file, the 1-based line and column, and a message; Render() adds the source line
// and a caret under the column, the way compilers do.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace eddy {

struct SourceLocation {
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based
  uint32_t length = 0;  // characters to underline (at least one caret)
};

class CompileError : public std::runtime_error {
 public:
  CompileError(std::string message, SourceLocation location)
      : std::runtime_error(message), message_(std::move(message)), location_(location) {}

  const std::string& message() const { return message_; }
  const SourceLocation& location() const { return location_; }

  // "file:line:col: message\n<source line>\n    ^~~~" (no trailing newline).
  // `source` is the app text the location refers to.
  std::string Render(std::string_view file, std::string_view source) const;

 private:
  std::string message_;
  SourceLocation location_;
};

// Misuse of the public API (unknown stream, wrong arity, sending after shutdown).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace eddy
