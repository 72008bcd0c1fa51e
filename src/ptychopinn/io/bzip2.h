#pragma once
// Whole-file bzip2 decompression into memory (libbz2), for NPZ scans distributed as .npz.bz2 (tike's
// test data). Concatenated streams, as pbzip2 writes them, are decompressed one after the other.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ptychopinn/io/npz.h"

namespace ptychopinn::io {

// The decompressed bytes of the bzip2 file `path`. Throws IoError naming `path` for a missing or
// unreadable file, a file that is not bzip2 ("is zip, not bzip2"), corrupt data, a truncated stream,
// or output beyond `max_bytes`.
std::shared_ptr<const std::vector<unsigned char>> read_bzip2_file(const std::string& path,
                                                                  std::size_t max_bytes = std::size_t{16}
                                                                                          << 30);

// An NpzReader over `path`, decompressing it into memory first when it is bzip2 (a .npz.bz2);
// otherwise NpzReader(path) (which maps the file).
NpzReader open_npz_or_bzip2(const std::string& path);

}  // namespace ptychopinn::io
