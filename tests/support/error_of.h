#pragma once
// Runs fn and returns the message of the std::invalid_argument it throws, or "" when it throws
// nothing, so a test can check both that a call fails and what it says.
#include <stdexcept>
#include <string>

#include "ptychopinn/util/errors.h"

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

// The same for ptychopinn::IoError (unreadable, malformed or unwritable files).
template <class F>
std::string io_error_of(F&& fn) {
  try {
    fn();
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

}  // namespace ptychopinn::testing
