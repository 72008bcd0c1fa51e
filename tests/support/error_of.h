#pragma once
// Runs fn and returns the message of the std::invalid_argument it throws, or "" when it throws
// nothing, so a test can check both that a call fails and what it says.
#include <stdexcept>
#include <string>

namespace ptychopinn::testing {

template <class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace ptychopinn::testing
