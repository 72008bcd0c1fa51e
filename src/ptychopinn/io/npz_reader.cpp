// NpzReader: libzip opens and decompresses; zip_directory.cpp finds where each stored member's
// bytes start so that they can be aliased in the mapping. The two views of the archive are
// cross-checked when it is opened.
#include <zip.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

#include "ptychopinn/io/file_format.h"
#include "ptychopinn/io/mapped_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/zip_directory.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

constexpr std::uint16_t kStored = 0;
constexpr std::uint16_t kDeflated = 8;

std::string key_of(const std::string& member) {
  const std::string suffix = ".npy";
  if (member.size() >= suffix.size() &&
      member.compare(member.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return member.substr(0, member.size() - suffix.size());
  }
  return member;
}

std::string zip_error_text(zip_error_t* error) {
  const char* s = zip_error_strerror(error);
  return s != nullptr ? s : "unknown libzip error";
}

}  // namespace

struct NpzReader::Impl {
  std::string path;
  std::shared_ptr<const void> owner;
  const std::uint8_t* bytes = nullptr;
  std::size_t size = 0;
  bool writable = false;  // whether arrays may write into the aliased bytes (a private mapping)
  std::vector<ZipEntry> entries;
  std::vector<std::string> keys;
  zip_t* archive = nullptr;
  mutable std::mutex mutex;  // libzip archives are not thread-safe
  // from_arrays: the members themselves, in key order (no zip, no entries).
  bool in_memory = false;
  std::vector<NpyArray> arrays;

  ~Impl() {
    if (archive != nullptr) zip_discard(archive);
  }

  std::string member_where(const ZipEntry& e) const { return path + ", member " + quoted(e.name); }

  void open() {
    require_file_format(path, bytes, size, FileFormat::kZip);
    entries = read_zip_directory(bytes, size, path);
    std::vector<std::string> seen;
    for (const auto& e : entries) {
      std::string key = key_of(e.name);
      for (const auto& k : keys) {
        if (k == key) {
          throw_io_error(path, "member name = " + quoted(e.name) + " gives key " + quoted(key) +
                                   " twice; expected unique keys");
        }
      }
      keys.push_back(std::move(key));
    }
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes, size, 0, &error);
    if (source == nullptr) {
      const std::string text = zip_error_text(&error);
      zip_error_fini(&error);
      throw_io_error(path, "libzip cannot read the archive: " + text);
    }
    archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (archive == nullptr) {
      zip_source_free(source);
      const std::string text = zip_error_text(&error);
      zip_error_fini(&error);
      throw_io_error(path, "is not a valid zip archive (libzip: " + text + ")");
    }
    zip_error_fini(&error);
    cross_check();
  }

  // Our directory must agree with libzip's, member by member: a disagreement means one of the two
  // parsers was fooled, and aliasing the wrong bytes would be silent corruption.
  void cross_check() const {
    const zip_int64_t n = zip_get_num_entries(archive, 0);
    if (n < 0 || static_cast<std::uint64_t>(n) != entries.size()) {
      throw_io_error(path, "libzip counts " + std::to_string(n) + " members; expected " +
                               std::to_string(entries.size()) + " (the central directory is corrupt)");
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const ZipEntry& e = entries[i];
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(archive, i, ZIP_FL_ENC_RAW, &st) != 0 || st.name == nullptr || e.name != st.name ||
          !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE) || st.size != e.uncompressed_size ||
          st.comp_size != e.compressed_size || st.comp_method != e.method) {
        throw_io_error(member_where(e),
                       "libzip's directory entry disagrees with the central "
                       "directory (name, sizes or method); the archive is corrupt");
      }
    }
  }

  std::size_t index_of(const std::string& key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return i;
    }
    std::vector<std::string> quoted_keys;
    for (const auto& k : keys) quoted_keys.push_back(quoted(k));
    throw std::out_of_range(
        path + ": key = " + quoted(key) + "; expected one of " +
        (keys.empty() ? std::string("(none: the archive is empty)") : join(quoted_keys, ", ")) +
        did_you_mean(key, keys));
  }

  void check_supported(const ZipEntry& e) const {
    if (e.flags & 0x1) throw_io_error(member_where(e), "is encrypted; expected an unencrypted member");
    if (e.method != kStored && e.method != kDeflated) {
      throw_io_error(member_where(e), "compression method = " + std::to_string(e.method) +
                                          "; expected 0 (stored) or 8 (deflate)");
    }
    if (e.method == kStored && e.compressed_size != e.uncompressed_size) {
      throw_io_error(member_where(e), "stored member sizes = " + std::to_string(e.compressed_size) + " and " +
                                          std::to_string(e.uncompressed_size) + "; expected equal sizes");
    }
    if (e.method == kDeflated && e.uncompressed_size / kMaxDeflateRatio > e.compressed_size + 1) {
      throw_io_error(member_where(e), "uncompressed size = " + std::to_string(e.uncompressed_size) +
                                          " from " + std::to_string(e.compressed_size) +
                                          " compressed bytes; expected at most 1032:1 (deflate's limit)");
    }
  }

  // Decompresses the first `limit` bytes of a deflated member (all of it when limit >= its size),
  // reading to the end when everything is asked for so that libzip verifies the CRC.
  std::shared_ptr<std::uint8_t> inflate(std::size_t index, std::uint64_t limit, std::size_t* got) const {
    const ZipEntry& e = entries[index];
    const std::uint64_t want = std::min(limit, e.uncompressed_size);
    std::shared_ptr<std::uint8_t> buffer(new std::uint8_t[want == 0 ? 1 : want],
                                         std::default_delete<std::uint8_t[]>());
    std::lock_guard<std::mutex> lock(mutex);
    zip_file_t* file = zip_fopen_index(archive, index, 0);
    if (file == nullptr) {
      throw_io_error(member_where(e), "cannot be opened by libzip: " + std::string(zip_strerror(archive)));
    }
    std::uint64_t done = 0;
    std::string failure;
    while (done < want) {
      const zip_int64_t n = zip_fread(file, buffer.get() + done, want - done);
      if (n < 0) {
        failure = zip_file_strerror(file);
        break;
      }
      if (n == 0) break;
      done += static_cast<std::uint64_t>(n);
    }
    if (failure.empty() && done == e.uncompressed_size) {
      // One more read reaches the end of the stream, where libzip compares the CRC.
      std::uint8_t extra;
      if (zip_fread(file, &extra, 1) != 0) failure = zip_file_strerror(file);
    }
    zip_fclose(file);
    if (!failure.empty()) throw_io_error(member_where(e), "cannot be decompressed: " + failure);
    if (done < want) {
      throw_io_error(member_where(e), "decompressed to " + std::to_string(done) + " bytes; expected " +
                                          std::to_string(want) + " (corrupt)");
    }
    *got = static_cast<std::size_t>(done);
    return buffer;
  }
};

NpzReader::NpzReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  auto file = std::make_shared<MappedFile>(path);
  impl_->bytes = file->data();
  impl_->size = file->size();
  impl_->owner = file;
  impl_->writable = true;
  impl_->open();
}

NpzReader::NpzReader(std::shared_ptr<const void> owner, const void* bytes, std::size_t size, std::string name)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(name);
  impl_->bytes = static_cast<const std::uint8_t*>(bytes);
  impl_->size = bytes == nullptr ? 0 : size;
  impl_->owner = std::move(owner);
  impl_->open();
}

NpzReader::NpzReader() : impl_(std::make_unique<Impl>()) {}

NpzReader NpzReader::from_arrays(std::string name, std::vector<std::pair<std::string, NpyArray>> members) {
  NpzReader reader;
  reader.impl_->path = std::move(name);
  reader.impl_->in_memory = true;
  for (auto& [key, array] : members) {
    if (key.empty()) throw std::invalid_argument(reader.impl_->path + ": key = ''; expected a name");
    for (const auto& k : reader.impl_->keys) {
      if (k == key)
        throw std::invalid_argument(reader.impl_->path + ": key = " + quoted(key) + " given twice");
    }
    reader.impl_->keys.push_back(key);
    reader.impl_->arrays.push_back(std::move(array));
  }
  return reader;
}

NpzReader::~NpzReader() = default;
NpzReader::NpzReader(NpzReader&&) noexcept = default;
NpzReader& NpzReader::operator=(NpzReader&&) noexcept = default;

const std::string& NpzReader::path() const { return impl_->path; }

bool NpzReader::maps_file() const { return !impl_->in_memory && impl_->writable; }

std::vector<std::string> NpzReader::keys() const { return impl_->keys; }

bool NpzReader::contains(const std::string& key) const {
  for (const auto& k : impl_->keys) {
    if (k == key) return true;
  }
  return false;
}

bool NpzReader::is_stored(const std::string& key) const {
  const std::size_t i = impl_->index_of(key);
  return impl_->in_memory || impl_->entries[i].method == kStored;
}

NpyHeader NpzReader::header(const std::string& key) const {
  const std::size_t i = impl_->index_of(key);
  if (impl_->in_memory) {
    const NpyArray& a = impl_->arrays[i];
    NpyHeader h;
    h.dtype = a.dtype();
    h.itemsize = a.itemsize();
    h.shape = a.shape();
    h.descr = a.descr();
    return h;
  }
  const ZipEntry& e = impl_->entries[i];
  impl_->check_supported(e);
  const std::string where = impl_->member_where(e);
  if (e.method == kStored) {
    return parse_npy_header(impl_->bytes + e.data_offset, static_cast<std::size_t>(e.compressed_size), where);
  }
  // The 12-byte prefix holds the header length; then decompress just enough for the header.
  std::size_t got = 0;
  auto prefix = impl_->inflate(i, 12, &got);
  std::uint64_t need = got;
  if (got >= 10 && std::memcmp(prefix.get(), "\x93NUMPY", 6) == 0) {
    const unsigned major = prefix.get()[6];
    if (major == 1) need = 10 + (prefix.get()[8] | (prefix.get()[9] << 8));
    if (major >= 2 && got >= 12) {
      need = 12 + (std::uint64_t{prefix.get()[8]} | std::uint64_t{prefix.get()[9]} << 8 |
                   std::uint64_t{prefix.get()[10]} << 16 | std::uint64_t{prefix.get()[11]} << 24);
    }
  }
  if (need <= got) return parse_npy_header(prefix.get(), got, where);
  auto full = impl_->inflate(i, need, &got);
  return parse_npy_header(full.get(), got, where);
}

NpyArray NpzReader::read(const std::string& key) const {
  const std::size_t i = impl_->index_of(key);
  if (impl_->in_memory) return impl_->arrays[i];
  const ZipEntry& e = impl_->entries[i];
  impl_->check_supported(e);
  const std::string where = impl_->member_where(e);
  if (e.method == kStored) {
    NpyArray a = parse_npy(impl_->bytes + e.data_offset, static_cast<std::size_t>(e.compressed_size), where,
                           std::const_pointer_cast<void>(impl_->owner));
    // The mapping is private: writes are copy-on-write and may go straight into it.
    if (a.is_mapped() && impl_->writable) {
      return NpyArray::wrap(a.dtype(), a.shape(), a.itemsize(), a.data(),
                            std::const_pointer_cast<void>(impl_->owner), true);
    }
    return a;
  }
  std::size_t got = 0;
  auto buffer = impl_->inflate(i, e.uncompressed_size, &got);
  // The buffer is ours: the array aliases it (no second copy) and may write into it.
  NpyArray a = parse_npy(buffer.get(), got, where, buffer);
  if (a.is_mapped()) {
    return NpyArray::wrap(a.dtype(), a.shape(), a.itemsize(), a.data(), buffer, true, false);
  }
  return a;
}

}  // namespace ptychopinn::io
