#pragma once
// Reading and writing NumPy .npz archives (zip files of .npy members) through libzip.
//
// Reading: a stored (uncompressed) member that is native endian, C order and aligned is not copied:
// the array aliases a private memory mapping of the archive (is_mapped()), so a dataset larger than
// RAM can be opened and only the pages touched are read. Its CRC is therefore not checked (that
// would read the whole member); deflated members are decompressed by libzip, which checks the CRC.
// Members written by NumPy's savez start at arbitrary offsets, so their data may be misaligned; such
// a member is still mapped, and NpyArray::aligned() / to_tensor copy it when needed. Archives
// written by NpzWriter place stored data 64-byte aligned.
// Every malformed archive throws ptychopinn::IoError naming the file and, when one is involved,
// the member: truncated archives, bad central directory entries, unsafe member names ('..',
// absolute paths), duplicate names, unsupported compression, encryption, CRC errors, and any
// malformed .npy inside (see io/npy.h).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ptychopinn/io/npy.h"

namespace ptychopinn::io {

// Read access to one .npz archive. The archive is opened, its directory checked and its whole
// file mapped by the constructor; members are parsed on demand. Move-only. The methods are safe to
// call from several threads at once (decompression is serialised inside).
class NpzReader {
 public:
  // Opens `path`. Throws IoError naming `path` for a missing file, a directory, an empty file, a
  // compressed file ("is gzip-compressed; decompress it first (gunzip PATH)"), an .npy file, a
  // corrupt or truncated zip, unsafe or duplicate member names, or a directory libzip disagrees with.
  explicit NpzReader(const std::string& path);
  // Opens an archive image already in memory (for example a member of another archive). `owner`
  // keeps `bytes` alive for as long as the reader or any array read from it lives; `name` is used in
  // messages. The bytes are never written (arrays that alias them copy on mutable_data()).
  NpzReader(std::shared_ptr<const void> owner, const void* bytes, std::size_t size, std::string name);
  // Named arrays already in memory, read through the same interface as an archive's members (a
  // dataset built from arrays goes through the checks a file goes through, without being written
  // anywhere). read() returns the arrays themselves, sharing their bytes; is_stored() is true;
  // `name` stands for the path in messages. Throws std::invalid_argument for an empty or repeated key.
  static NpzReader from_arrays(std::string name, std::vector<std::pair<std::string, NpyArray>> members);
  ~NpzReader();
  NpzReader(NpzReader&&) noexcept;
  NpzReader& operator=(NpzReader&&) noexcept;
  NpzReader(const NpzReader&) = delete;
  NpzReader& operator=(const NpzReader&) = delete;

  const std::string& path() const;
  // Whether the archive is a file mapping (opened from a path): its stored members' pages then come
  // from the file and can be handed back after a pass (io::release_pages) and read again.
  bool maps_file() const;
  // Member names without the ".npy" suffix, in archive order (NumPy's NpzFile.files).
  std::vector<std::string> keys() const;
  bool contains(const std::string& key) const;
  // The member's .npy header only (for a deflated member, only its first bytes are decompressed).
  // Throws std::out_of_range for an absent key (as read()), IoError for a malformed header.
  NpyHeader header(const std::string& key) const;
  // Whether the member is stored uncompressed (and so can be memory-mapped).
  bool is_stored(const std::string& key) const;
  // The member's array (see the top of this file for when it is mapped rather than copied).
  // Throws std::out_of_range naming the file, the key, the keys present and a did-you-mean when
  // the key is absent; IoError naming the file and member for anything malformed.
  NpyArray read(const std::string& key) const;

 private:
  NpzReader();  // from_arrays
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes an .npz archive: members are added one by one and the archive appears under `path` only
// when close() succeeds (written to a temporary file in the same directory, then renamed; see
// io/atomic_file.h). Arrays are kept by reference (NpyArray shares its bytes, no copy) until close().
// With compress = false members are stored, their data 64-byte aligned so readers can map them;
// with compress = true they are deflated (NumPy's savez_compressed). Move-only.
//
// A member too large to hold in memory (the patterns of a big simulation) is streamed instead:
// begin_member(key, dtype, shape), then append() its bytes in C order in as many pieces as
// convenient, then end_member(). Its .npy image goes to an anonymous spool file in the archive's
// directory (created and unlinked at once, so nothing is left behind even after a crash), which
// close() copies into the archive; memory use stays at one piece, disk use is briefly twice the
// member. Stored streamed members are 64-byte aligned like the others.
//
// The archive's bytes depend only on the members: every member gets the same fixed timestamp
// (1980-01-01 00:00, the zip epoch) and file attributes, so the same arrays give the same file.
class NpzWriter {
 public:
  // Throws IoError naming `path` when its directory does not exist or is not writable.
  explicit NpzWriter(std::string path, bool compress = false);
  // Removes the temporary file if close() was never reached; never throws.
  ~NpzWriter();
  NpzWriter(NpzWriter&&) noexcept;
  NpzWriter& operator=(NpzWriter&&) noexcept;
  NpzWriter(const NpzWriter&) = delete;
  NpzWriter& operator=(const NpzWriter&) = delete;

  // Adds member `key` + ".npy". Throws std::invalid_argument on a duplicate key or a bad one (empty,
  // absolute, with a '..' component, a backslash or a control character); std::logic_error after
  // close().
  void add(const std::string& key, const NpyArray& array);

  // Starts streaming member `key` + ".npy" of `dtype` and `shape` (itemsize: as NpyArray::zeros;
  // 0 = dtype_size). Throws as add() for a bad or duplicate key, std::invalid_argument for a bad
  // shape or itemsize, IoError naming the path when the spool file cannot be created, and
  // std::logic_error while another member is being streamed or after close().
  void begin_member(const std::string& key, DType dtype, const std::vector<std::int64_t>& shape,
                    std::size_t itemsize = 0);
  // Appends `size` bytes of the member's data (C order, native little endian). Throws
  // std::invalid_argument when they would exceed the member's size (numel · itemsize), IoError on
  // a write error, std::logic_error when no member is being streamed.
  void append(const void* bytes, std::size_t size);
  // Finishes the streamed member. Throws std::invalid_argument naming the key when fewer bytes
  // were appended than its shape needs, std::logic_error when no member is being streamed.
  void end_member();

  // Writes the archive and renames it into place. Throws IoError naming the path on failure (then
  // no file is left behind), std::logic_error while a member is still being streamed. A second
  // call does nothing.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `members` (key, array) to `path` as an .npz, in order (NpzWriter + close()).
void write_npz(const std::string& path, const std::vector<std::pair<std::string, NpyArray>>& members,
               bool compress = false);

}  // namespace ptychopinn::io
