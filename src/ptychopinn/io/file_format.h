#pragma once
// Recognising a file's format from its first bytes, so that a file handed to the wrong reader (a
// bzip2'd .npz, an .npy given as an .npz, an empty file) fails with a message that says what it is.
#include <cstddef>
#include <string>

namespace ptychopinn::io {

enum class FileFormat {
  kEmpty,    // zero bytes
  kNpy,      // "\x93NUMPY"
  kZip,      // "PK\x03\x04" (an .npz), or "PK\x05\x06" (an empty zip)
  kBzip2,    // "BZh"
  kGzip,     // 1f 8b
  kXz,       // fd 37 7a 58 5a 00
  kZstd,     // 28 b5 2f fd
  kHdf5,     // "\x89HDF\r\n\x1a\n"
  kUnknown,  // anything else
};

// "empty", "npy", "zip", "bzip2", "gzip", "xz", "zstd", "hdf5", "unknown".
std::string to_string(FileFormat format);
// Inverse of to_string; std::invalid_argument listing the valid names otherwise.
FileFormat parse_file_format(const std::string& name);

// The format the first bytes of a file announce (only the magic number is looked at).
FileFormat sniff_file_format(const void* bytes, std::size_t size);

// Throws IoError naming `path` unless the bytes start like `expected`. The message says what the file
// is instead and, for a compressed stream, how to undo it:
//   "data.npz: is bzip2-compressed; decompress it first (bunzip2 data.npz)".
void require_file_format(const std::string& path, const void* bytes, std::size_t size, FileFormat expected);

}  // namespace ptychopinn::io
