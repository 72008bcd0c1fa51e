// libFuzzer target: NpzReader over an in-memory archive (the same code as a file, minus the
// mapping): open, list, read every header and member. Only IoError may escape.
#include <memory>
#include <vector>

#include "fuzz_common.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace ptychopinn::io;
  auto owner = std::make_shared<std::vector<unsigned char>>(data, data + size);
  try {
    NpzReader z(owner, owner->data(), owner->size(), "fuzz.npz");
    for (const auto& key : z.keys()) {
      try {
        (void)z.is_stored(key);
        (void)z.header(key);
        fuzz::exercise(z.read(key));
      } catch (const ptychopinn::IoError&) {
      }
    }
  } catch (const ptychopinn::IoError&) {
  }
  return 0;
}
