// libFuzzer target: parse_npy on arbitrary bytes, through both the aliasing and the copying path.
// Only ptychopinn::IoError may escape the parser; anything else (another exception, a crash, a
// sanitizer report) is a bug.
#include <memory>
#include <vector>

#include "fuzz_common.h"
#include "ptychopinn/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace ptychopinn::io;
  try {
    auto owner = std::make_shared<std::vector<unsigned char>>(data, data + size);
    fuzz::exercise(parse_npy(owner->data(), owner->size(), "fuzz.npy", owner));
  } catch (const ptychopinn::IoError&) {
  }
  try {
    fuzz::exercise(parse_npy(data, size, "fuzz.npy"));
  } catch (const ptychopinn::IoError&) {
  }
  return 0;
}
