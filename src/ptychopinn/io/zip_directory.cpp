// The zip structures read here are specified in PKWARE's APPNOTE.TXT (sections 4.3.7 local file
// header, 4.3.12 central directory header, 4.3.14-4.3.16 Zip64 end records, 4.5.3 Zip64 extra field).
// Every read goes through Reader, which refuses to step outside the archive's bytes.
#include "ptychopinn/io/zip_directory.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kCentralHeaderSize = 46;

// Little-endian reads at absolute offsets, bounds-checked against the archive size.
class Reader {
 public:
  Reader(const unsigned char* b, std::size_t size, const std::string& where)
      : b_(b), size_(size), where_(where) {}
  bool fits(std::uint64_t offset, std::uint64_t n) const { return offset <= size_ && n <= size_ - offset; }
  void require(std::uint64_t offset, std::uint64_t n, const std::string& what) const {
    if (!fits(offset, n)) {
      throw_io_error(where_, what + " at offset " + std::to_string(offset) + " (" + std::to_string(n) +
                                 " bytes) runs past the end of the file (" + std::to_string(size_) +
                                 " bytes); the archive is truncated or corrupt");
    }
  }
  std::uint64_t le(std::uint64_t offset, int n) const {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | b_[offset + static_cast<std::uint64_t>(i)];
    return v;
  }
  std::string str(std::uint64_t offset, std::size_t n) const {
    return std::string(reinterpret_cast<const char*>(b_ + offset), n);
  }
  std::size_t size() const { return size_; }

 private:
  const unsigned char* b_;
  std::size_t size_;
  const std::string& where_;
};

struct EndRecord {
  std::uint64_t entries = 0;
  std::uint64_t cd_size = 0;
  std::uint64_t cd_offset = 0;
};

EndRecord find_end_record(const Reader& r, const std::string& where) {
  if (r.size() < kEndSize) {
    throw_io_error(where, "size = " + std::to_string(r.size()) +
                              " bytes; expected a zip archive of at least 22 bytes (truncated?)");
  }
  // The end record is the last 22 bytes unless an archive comment (up to 65535 bytes) follows it.
  const std::size_t last = r.size() - kEndSize;
  const std::size_t first = last > 0xFFFF ? last - 0xFFFF : 0;
  for (std::size_t pos = last + 1; pos-- > first;) {
    if (r.le(pos, 4) != kEndSig) continue;
    if (pos + kEndSize + r.le(pos + 20, 2) > r.size()) continue;  // a comment longer than the file
    EndRecord e;
    e.entries = r.le(pos + 10, 2);
    e.cd_size = r.le(pos + 12, 4);
    e.cd_offset = r.le(pos + 16, 4);
    if (pos >= 20 && r.le(pos - 20, 4) == kZip64LocatorSig) {
      const std::uint64_t z64 = r.le(pos - 20 + 8, 8);
      r.require(z64, 56, "Zip64 end of central directory record");
      if (r.le(z64, 4) != kZip64EndSig) {
        throw_io_error(where, "Zip64 end record signature at offset " + std::to_string(z64) +
                                  " is missing; the archive is corrupt");
      }
      e.entries = r.le(z64 + 32, 8);
      e.cd_size = r.le(z64 + 40, 8);
      e.cd_offset = r.le(z64 + 48, 8);
    }
    return e;
  }
  throw_io_error(where,
                 "has no end of central directory record; expected a zip archive "
                 "(truncated, or not an .npz)");
}

// Replaces the 0xFFFFFFFF placeholders of a central entry by the values of its Zip64 extra field.
void apply_zip64_extra(const Reader& r, std::uint64_t extra, std::uint64_t extra_len, ZipEntry& e,
                       const std::string& where) {
  std::uint64_t p = extra;
  const std::uint64_t end = extra + extra_len;
  while (p + 4 <= end) {
    const std::uint64_t id = r.le(p, 2);
    const std::uint64_t len = r.le(p + 2, 2);
    if (p + 4 + len > end) break;  // a malformed trailing field; the sizes were checked below
    if (id == 0x0001) {
      std::uint64_t q = p + 4;
      auto next = [&](std::uint64_t& field) {
        if (q + 8 > p + 4 + len) {
          throw_io_error(where, "member " + quoted(e.name) + ": Zip64 extra field = " + std::to_string(len) +
                                    " bytes; expected room for every "
                                    "0xFFFFFFFF size or offset");
        }
        field = r.le(q, 8);
        q += 8;
      };
      if (e.uncompressed_size == 0xFFFFFFFF) next(e.uncompressed_size);
      if (e.compressed_size == 0xFFFFFFFF) next(e.compressed_size);
      if (e.local_header_offset == 0xFFFFFFFF) next(e.local_header_offset);
      return;
    }
    p += 4 + len;
  }
}

void check_name(const ZipEntry& e, const std::string& where) {
  const std::string& n = e.name;
  auto bad = [&](const std::string& why) {
    throw_io_error(where, "member name = " + quoted(n) + " " + why +
                              "; expected a relative name without '..' (refusing an unsafe archive)");
  };
  if (n.empty()) bad("is empty");
  if (n.find('\0') != std::string::npos) bad("contains a NUL byte");
  if (n[0] == '/' || n[0] == '\\') bad("is an absolute path");
  if (n.size() >= 2 && n[1] == ':') bad("starts with a drive letter");
  std::size_t start = 0;
  while (start <= n.size()) {
    std::size_t end = n.find_first_of("/\\", start);
    if (end == std::string::npos) end = n.size();
    if (n.compare(start, end - start, "..") == 0 && end - start == 2) bad("has a '..' component");
    start = end + 1;
  }
}

}  // namespace

std::vector<ZipEntry> read_zip_directory(const void* bytes, std::size_t size, const std::string& where) {
  const Reader r(static_cast<const unsigned char*>(bytes), bytes == nullptr ? 0 : size, where);
  const EndRecord end = find_end_record(r, where);
  r.require(end.cd_offset, end.cd_size, "central directory");
  // Each entry takes at least 46 bytes: a larger count is a lie, not a reason to allocate.
  if (end.entries > end.cd_size / kCentralHeaderSize) {
    throw_io_error(where, "central directory entry count = " + std::to_string(end.entries) +
                              "; expected at most " + std::to_string(end.cd_size / kCentralHeaderSize) +
                              " in " + std::to_string(end.cd_size) + " bytes");
  }
  std::vector<ZipEntry> entries;
  entries.reserve(static_cast<std::size_t>(end.entries));
  std::set<std::string> names;
  std::uint64_t p = end.cd_offset;
  const std::uint64_t cd_end = end.cd_offset + end.cd_size;
  for (std::uint64_t i = 0; i < end.entries; ++i) {
    if (p + kCentralHeaderSize > cd_end || r.le(p, 4) != kCentralHeaderSig) {
      throw_io_error(where, "central directory entry " + std::to_string(i) + " at offset " +
                                std::to_string(p) +
                                " is not a central directory header; the archive "
                                "is corrupt");
    }
    ZipEntry e;
    e.flags = static_cast<std::uint16_t>(r.le(p + 8, 2));
    e.method = static_cast<std::uint16_t>(r.le(p + 10, 2));
    e.crc32 = static_cast<std::uint32_t>(r.le(p + 16, 4));
    e.compressed_size = r.le(p + 20, 4);
    e.uncompressed_size = r.le(p + 24, 4);
    const std::uint64_t name_len = r.le(p + 28, 2);
    const std::uint64_t extra_len = r.le(p + 30, 2);
    const std::uint64_t comment_len = r.le(p + 32, 2);
    e.local_header_offset = r.le(p + 42, 4);
    const std::uint64_t entry_len = kCentralHeaderSize + name_len + extra_len + comment_len;
    if (p + entry_len > cd_end) {
      throw_io_error(where, "central directory entry " + std::to_string(i) +
                                " runs past the end of the central directory; the archive is corrupt");
    }
    e.name = r.str(p + kCentralHeaderSize, static_cast<std::size_t>(name_len));
    apply_zip64_extra(r, p + kCentralHeaderSize + name_len, extra_len, e, where);
    check_name(e, where);
    if (!names.insert(e.name).second) {
      throw_io_error(where,
                     "member name = " + quoted(e.name) + " appears twice; expected unique member names");
    }
    // The local header repeats the name and may carry its own extra field, so the data starts
    // after the local copies, whose lengths can differ from the central ones.
    const std::uint64_t lh = e.local_header_offset;
    r.require(lh, kZipLocalHeaderSize, "local header of member " + quoted(e.name));
    if (r.le(lh, 4) != kLocalHeaderSig) {
      throw_io_error(where, "member " + quoted(e.name) + ": no local header at offset " + std::to_string(lh) +
                                "; the archive is corrupt");
    }
    const std::uint64_t local_name_len = r.le(lh + 26, 2);
    const std::uint64_t local_extra_len = r.le(lh + 28, 2);
    r.require(lh + kZipLocalHeaderSize, local_name_len + local_extra_len,
              "local header of member " + quoted(e.name));
    if (r.str(lh + kZipLocalHeaderSize, static_cast<std::size_t>(local_name_len)) != e.name) {
      throw_io_error(where,
                     "member " + quoted(e.name) + ": local header name = " +
                         quoted(r.str(lh + kZipLocalHeaderSize, static_cast<std::size_t>(local_name_len))) +
                         "; expected the central directory's name");
    }
    e.data_offset = lh + kZipLocalHeaderSize + local_name_len + local_extra_len;
    r.require(e.data_offset, e.compressed_size, "data of member " + quoted(e.name));
    entries.push_back(std::move(e));
    p += entry_len;
  }
  return entries;
}

}  // namespace ptychopinn::io
