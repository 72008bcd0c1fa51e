#pragma once
// The error the scan readers raise for a bad entry of their file:
// "<path>: '<key>' <what>; expected <expected>".
#include <stdexcept>
#include <string>

namespace ptychopinn::convert {

[[noreturn]] inline void fail_at_key(const std::string& path, const std::string& key, const std::string& what,
                                     const std::string& expected) {
  throw std::invalid_argument(path + ": '" + key + "' " + what + "; expected " + expected);
}

}  // namespace ptychopinn::convert
