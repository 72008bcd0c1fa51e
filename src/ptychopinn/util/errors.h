#pragma once
// Error types of the library and the two failure mechanisms (see docs/architecture.md, Errors):
//  * bad input, data or configuration throws; the type is chosen for its Python mapping:
//      std::invalid_argument  (ValueError)  bad argument or configuration value
//      std::out_of_range      (IndexError)  index out of range
//      ptychopinn::IoError    (OSError-like) unreadable, malformed or unwritable file
//      ptychopinn::NumericalError           NaN loss and other numerical failures
//  * a broken internal invariant is PTYCHOPINN_DCHECK, which aborts only in builds with assertions.
// The library never exits or aborts for anything a user can cause.
// Messages read "<where>: <field> = <value>; expected <constraint>".
#include <cassert>
#include <stdexcept>
#include <string>

namespace ptychopinn {

class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws IoError("<path>: <message>").
[[noreturn]] void throw_io_error(const std::string& path, const std::string& message);

}  // namespace ptychopinn

#define PTYCHOPINN_DCHECK(cond) assert(cond)
