#pragma once
// Reading a zip archive's central directory ourselves: libzip does not expose where a member's data
// starts in the file, which memory-mapping a stored .npz member needs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::io {

// Bytes of a zip local file header before its name (APPNOTE 4.3.7).
inline constexpr std::size_t kZipLocalHeaderSize = 30;
// Deflate cannot compress better than about 1032:1; a member that claims more is lying about its
// size, and believing it would let a tiny archive make us allocate gigabytes.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;

// One member of a zip archive, as the central directory (with Zip64 extra fields) and the member's
// local header describe it.
struct ZipEntry {
  std::string name;
  std::uint16_t flags = 0;   // general purpose bit flags (bit 0: encrypted)
  std::uint16_t method = 0;  // 0 stored, 8 deflated
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint64_t data_offset = 0;  // first byte of the member's (compressed) data in the archive
};

// Parses the end-of-central-directory record (and its Zip64 form), every central directory entry
// (including Zip64 extra fields, which NumPy's savez writes with force_zip64=True) and every local
// header, in archive order. Checks every offset and size against `size`, that each local header
// names the same member as its central entry, and that each member's data lies inside the archive.
// Member names are checked for safety: no empty names, absolute paths ('/', '\', a drive letter),
// '..' components, NUL bytes, or duplicates.
// Throws IoError("<where>: ...") naming the member when there is one.
std::vector<ZipEntry> read_zip_directory(const void* bytes, std::size_t size, const std::string& where);

}  // namespace ptychopinn::io
