#pragma once
// Reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0).
//
// Reading accepts every layout NumPy writes for the supported dtypes (io/dtype.h): little and big
// endian, C and Fortran order, 0-d and empty arrays, '<U'/'>U' unicode, and a 0-d object array that
// holds a pickled Python string (how the Python PtychoPINN writes `_metadata`; read by a minimal,
// non-executing unpickler, io/pickle_string.h). The result is always C-contiguous and native endian.
// Nothing in a file is trusted: every size is bounds-checked, and every malformed input throws
// ptychopinn::IoError whose message starts with the file (and member) name and says what is wrong.
//
// Writing produces format 1.0 (2.0 when the header needs more than 65535 bytes), little endian,
// C order, with the header padded so the data starts at a multiple of 64 bytes, as NumPy does.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ptychopinn/io/dtype.h"
#include "ptychopinn/io/npy_array.h"

namespace ptychopinn::io {

// What an .npy header says, before any data is read.
struct NpyHeader {
  DType dtype = DType::kFloat64;  // kUnicode also for a pickled object array (what reading returns)
  std::size_t itemsize = 0;       // bytes per element in the file; 0 for a pickled object array
  bool big_endian = false;        // '>' in descr (false for '<', '|' and '=')
  bool fortran_order = false;
  std::vector<std::int64_t> shape;  // () for a 0-d array
  int version_major = 1;            // 1, 2 or 3
  int version_minor = 0;            // 0
  std::size_t data_offset = 0;      // bytes from the start of the file to the data
  std::string descr;                // as written in the file: "<f4", ">c16", "<U12", "|O"
  bool pickled_object = false;      // descr "|O": the data is a pickle, not raw elements
};

// Parses the magic, version and header dict at the start of `bytes` (`size` bytes available).
// Checks that the header fits in `size` bytes, that the dtype is supported and that the shape's byte
// count does not overflow, but not that the data is all there (parse_npy does).
// Throws IoError("<where>: ...") on anything malformed.
NpyHeader parse_npy_header(const void* bytes, std::size_t size, const std::string& where);

// Parses a whole .npy image of `size` bytes. When `owner` is given (it keeps `bytes` alive) and the
// data is already native endian, C order (or 1-d-like) and, for bool, only 0/1, the result aliases
// `bytes` instead of copying, even when the data is misaligned for its type (see NpyArray on
// alignment); mutable_data() on it copies first, so `bytes` are never written. Otherwise the data is copied,
// byte-swapped and transposed into C order. Bytes after the data are ignored (NumPy ignores them too). Throws
// IoError("<where>: ...") on anything malformed, including data shorter than the shape needs and pickles
// other than a string in a 0-d object array.
NpyArray parse_npy(const void* bytes, std::size_t size, const std::string& where,
                   std::shared_ptr<void> owner = nullptr);

// Reads an .npy file through a private memory mapping (io/mapped_file.h): a native-endian, C-order
// array aliases the mapping (is_mapped()), so a file larger than RAM can be opened; writes through
// mutable_data() are copy-on-write and never reach the file.
// Throws IoError naming `path` for a missing file, a directory, an empty file, a compressed file
// ("is bzip2-compressed; decompress it first (bunzip2 PATH)"), an .npz, or any malformed content.
NpyArray read_npy(const std::string& path);

// The header of `array` as an .npy file: magic, version, header length, dict, padding, '\n'.
// The padding makes (file_offset + header size) a multiple of 64, so that the data lands 64-byte
// aligned when the header is written at `file_offset` of a file (the .npz writer passes the member's
// offset; 0 for a plain .npy). Version 1.0 unless the dict needs more than 65535 bytes (then 2.0).
std::string encode_npy_header(const NpyArray& array, std::size_t file_offset = 0);

// A whole .npy image of `array` (header + data, little endian, C order).
std::string encode_npy(const NpyArray& array);

// Writes `array` to `path` atomically (io/atomic_file.h). Throws IoError naming `path` on failure.
void write_npy(const std::string& path, const NpyArray& array);

}  // namespace ptychopinn::io
