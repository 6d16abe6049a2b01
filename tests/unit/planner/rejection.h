// Test helper: compiles an app that must be rejected and returns the error.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"

namespace eddy {

struct Rejection {
  std::string message;
  SourceLocation location;
};

inline Rejection RejectApp(const std::string& app) {
  try {
    App::Compile(app);
  } catch (const CompileError& e) {
    return {e.message(), e.location()};
  }
  FAIL("app compiled but should not have: " << app);
  return {};
}

// Whether `text` contains `part`; shows the text when it does not.
inline bool Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("message: " << text);
  return false;
}

}  // namespace eddy
