#include "ptychopinn/io/file_format.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

constexpr std::array<std::pair<FileFormat, const char*>, 9> kFormatNames = {{
    {FileFormat::kEmpty, "empty"},
    {FileFormat::kNpy, "npy"},
    {FileFormat::kZip, "zip"},
    {FileFormat::kBzip2, "bzip2"},
    {FileFormat::kGzip, "gzip"},
    {FileFormat::kXz, "xz"},
    {FileFormat::kZstd, "zstd"},
    {FileFormat::kHdf5, "hdf5"},
    {FileFormat::kUnknown, "unknown"},
}};

bool starts_with(const unsigned char* b, std::size_t size, const char* magic, std::size_t n) {
  return size >= n && std::memcmp(b, magic, n) == 0;
}

// How to undo a compression, for the message; empty when `format` is not a compressed stream.
std::string decompress_hint(FileFormat format, const std::string& path) {
  switch (format) {
    case FileFormat::kBzip2:
      return "bunzip2 " + path;
    case FileFormat::kGzip:
      return "gunzip " + path;
    case FileFormat::kXz:
      return "unxz " + path;
    case FileFormat::kZstd:
      return "unzstd " + path;
    default:
      return "";
  }
}

}  // namespace

std::string to_string(FileFormat format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "FileFormat(" + std::to_string(static_cast<int>(format)) + ")";
}

FileFormat parse_file_format(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [f, n] : kFormatNames) {
    if (name == n) return f;
    names.emplace_back(n);
  }
  throw std::invalid_argument("file format = " + quoted(name) + "; expected one of " + join(names, ", ") +
                              did_you_mean(name, names));
}

FileFormat sniff_file_format(const void* bytes, std::size_t size) {
  const auto* b = static_cast<const unsigned char*>(bytes);
  if (size == 0 || b == nullptr) return FileFormat::kEmpty;
  if (starts_with(b, size, "\x93NUMPY", 6)) return FileFormat::kNpy;
  if (starts_with(b, size, "PK\x03\x04", 4) || starts_with(b, size, "PK\x05\x06", 4)) return FileFormat::kZip;
  if (starts_with(b, size, "BZh", 3)) return FileFormat::kBzip2;
  if (starts_with(b, size, "\x1f\x8b", 2)) return FileFormat::kGzip;
  if (starts_with(b, size,
                  "\xfd"
                  "7zXZ\x00",
                  6))
    return FileFormat::kXz;
  if (starts_with(b, size, "\x28\xb5\x2f\xfd", 4)) return FileFormat::kZstd;
  if (starts_with(b, size, "\x89HDF\r\n\x1a\n", 8)) return FileFormat::kHdf5;
  return FileFormat::kUnknown;
}

void require_file_format(const std::string& path, const void* bytes, std::size_t size, FileFormat expected) {
  const FileFormat found = sniff_file_format(bytes, size);
  if (found == expected) return;
  const std::string want = expected == FileFormat::kZip   ? "an .npz (zip) archive"
                           : expected == FileFormat::kNpy ? "an .npy file"
                                                          : "a " + to_string(expected) + " file";
  switch (found) {
    case FileFormat::kEmpty:
      throw_io_error(path, "is empty (0 bytes); expected " + want);
    case FileFormat::kBzip2:
    case FileFormat::kGzip:
    case FileFormat::kXz:
    case FileFormat::kZstd:
      throw_io_error(path, "is " + to_string(found) + "-compressed; decompress it first (" +
                               decompress_hint(found, path) + ")");
    case FileFormat::kNpy:
      throw_io_error(path, "is an .npy file (NumPy magic); expected " + want);
    case FileFormat::kZip:
      throw_io_error(path, "is a zip archive (an .npz?); expected " + want);
    case FileFormat::kHdf5:
      throw_io_error(path, "is an HDF5 file; expected " + want);
    default:
      break;
  }
  const auto* b = static_cast<const unsigned char*>(bytes);
  std::string head(reinterpret_cast<const char*>(b), size < 8 ? size : 8);
  throw_io_error(path, "magic = " + quoted(head) + "; expected " + want);
}

}  // namespace ptychopinn::io
