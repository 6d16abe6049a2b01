// Test helper: compiles an app that must be rejected and returns the planner's
// message and location.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "eddy/engine.h"

namespace eddy::testing {

struct Rejection {
  std::string message;
  SourceLocation location;
};

inline Rejection Reject(const std::string& app) {
  try {
    App::Compile(app);
  } catch (const CompileError& e) {
    return {e.message(), e.location()};
  }
  FAIL("app compiled but should not have: " << app);
  return {};
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace eddy::testing
