// libFuzzer target: the minimal unpickler on arbitrary bytes. Only IoError may escape.
#include <string>

#include "ptychopinn/io/pickle_string.h"
#include "ptychopinn/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  try {
    const std::string s = ptychopinn::io::unpickle_numpy_object_string(data, size, "fuzz.pickle");
    (void)s.size();
  } catch (const ptychopinn::IoError&) {
  }
  return 0;
}
