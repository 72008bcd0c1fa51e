#include "ptychopinn/util/errors.h"

namespace ptychopinn {

void throw_io_error(const std::string& path, const std::string& message) {
  throw IoError(path + ": " + message);
}

}  // namespace ptychopinn
