#pragma once
// What the fuzz targets do with an array that parsed: touch every accessor, so that a bad shape,
// size or string that slipped through the parser shows up under ASan/UBSan here.
#include <cstring>

#include "ptychopinn/io/npy.h"

namespace ptychopinn::io::fuzz {

inline void exercise(const NpyArray& a) {
  (void)a.descr();
  (void)a.is_aligned();
  // Walk the bytes: every one of nbytes() must be readable.
  const auto* p = static_cast<const unsigned char*>(a.data());
  unsigned sum = 0;
  for (std::size_t i = 0; i < a.nbytes(); ++i) sum += p[i];
  (void)sum;
  if (a.numel() > (1 << 16)) return;
  if (a.dtype() == DType::kUnicode) {
    (void)a.strings();
  } else if (!is_complex(a.dtype())) {
    (void)a.to_double_vector();
  }
  // Re-encoding and parsing again must give the same bytes.
  const std::string encoded = encode_npy(a);
  const NpyArray b = parse_npy(encoded.data(), encoded.size(), "re-encoded");
  if (b.shape() != a.shape() || b.dtype() != a.dtype() || b.nbytes() != a.nbytes() ||
      (a.nbytes() > 0 && std::memcmp(a.data(), b.data(), a.nbytes()) != 0)) {
    __builtin_trap();
  }
  NpyArray c = a;
  if (c.nbytes() > 0) static_cast<unsigned char*>(c.mutable_data())[0] ^= 1;
}

}  // namespace ptychopinn::io::fuzz
