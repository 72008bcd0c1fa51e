#pragma once
// Zip archives of named byte members (libzip): the container of the model archive (bundle/), where
// members are JSON, CSV, .npy and .npz images and opaque blobs rather than the arrays of an .npz
// (io/npz.h handles those, with memory mapping). Torch-free, in pp_io.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ptychopinn::io {

// How a member is stored: deflate suits text (JSON, CSV); binary floating-point data barely
// compresses, so storing it saves the time for nothing.
enum class ZipCompression { kStore, kDeflate };

struct ZipMember {
  std::string name;   // relative path inside the archive, e.g. "manifest.json", "weights.npz"
  std::string bytes;  // the member's content
  ZipCompression compression = ZipCompression::kDeflate;
};

// The bytes of a zip archive holding `members` in order (an empty list gives the 22-byte empty
// zip NumPy also writes). `where` names the archive in messages.
// Throws std::invalid_argument naming the member for a bad name (empty, absolute, a '.' or '..' or
// empty path component, a backslash, a control character) or a duplicate; IoError when libzip fails.
std::string encode_zip(const std::vector<ZipMember>& members, const std::string& where);

// encode_zip, then written to `path` atomically (io/atomic_file.h): readers see the previous file
// or the complete new one, and a failure leaves the previous file untouched and no temporary file.
void write_zip(const std::string& path, const std::vector<ZipMember>& members);

// Read access to a zip archive on disk. The file is mapped (io/mapped_file.h) and its directory
// checked by io/zip_directory.h (names, offsets, sizes); libzip decompresses members and checks
// their CRC. Move-only; read() may be called from several threads (libzip access is serialised).
class ZipReader {
 public:
  // Throws IoError naming `path` for a missing file, a directory, an empty file, a file that is not
  // a zip (saying what it is instead: gzip, HDF5, .npy, ...), or a truncated or corrupt archive.
  explicit ZipReader(const std::string& path);
  ~ZipReader();
  ZipReader(ZipReader&&) noexcept;
  ZipReader& operator=(ZipReader&&) noexcept;
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  const std::string& path() const;
  // Member names in archive order.
  const std::vector<std::string>& names() const;
  bool contains(const std::string& name) const;
  // The member's uncompressed content. Throws IoError "<path>, member '<name>': ..." when the
  // member is absent (listing the members present), encrypted, compressed with a method other
  // than store/deflate, claims an impossible compression ratio, or fails its CRC.
  std::string read(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The member names of the zip archive at `path`, or std::nullopt when it is not a readable zip
// (missing, not a regular file, another format, corrupt). Never throws IoError: for questions such
// as "is this a model archive?" asked before choosing a reader.
std::optional<std::vector<std::string>> zip_member_names(const std::string& path);

}  // namespace ptychopinn::io
