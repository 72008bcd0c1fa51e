// Zip archives of named byte members. Writing builds the whole archive in memory (libzip over an
// in-memory source) and hands it to write_file_atomic, so the file on disk only ever changes by
// one rename. Reading maps the file, validates its directory with our own parser (clear messages
// for truncated and unsafe archives) and lets libzip decompress and CRC-check each member.
#include "ptychopinn/io/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/file_format.h"
#include "ptychopinn/io/mapped_file.h"
#include "ptychopinn/io/zip_directory.h"
#include "ptychopinn/io/zip_member_attributes.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

// Names are written as given, so refuse anything an extracting tool could resolve outside the
// folder it extracts into, or that would not survive a round trip through other zip tools.
void check_member_name(const std::string& name, const std::string& where) {
  std::string problem;
  if (name.empty())
    problem = "is empty";
  else if (name.front() == '/')
    problem = "is an absolute path";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) problem = "contains a control character";
    if (c == '\\') problem = "contains a backslash";
  }
  std::size_t start = 0;
  while (problem.empty() && start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") problem = "has an empty, '.' or '..' path component";
    start = end + 1;
  }
  if (!problem.empty()) {
    throw std::invalid_argument(where + ": member name = " + ptychopinn::quoted(name) + " " + problem +
                                "; expected a relative path such as 'dir/file.ext'");
  }
}

std::string libzip_error(zip_error_t* error) {
  const char* s = zip_error_strerror(error);
  return s != nullptr ? s : "unknown libzip error";
}

// The bytes an in-memory libzip source holds after zip_close has written the archive into it.
std::string drain_source(zip_source_t* source, const std::string& where) {
  std::string bytes;
  if (zip_source_open(source) != 0) {
    throw_io_error(where, "cannot read back the archive: " + libzip_error(zip_source_error(source)));
  }
  char chunk[1 << 16];
  zip_int64_t n = 0;
  while ((n = zip_source_read(source, chunk, sizeof chunk)) > 0)
    bytes.append(chunk, static_cast<std::size_t>(n));
  const std::string failure = n < 0 ? libzip_error(zip_source_error(source)) : "";
  zip_source_close(source);
  if (!failure.empty()) throw_io_error(where, "cannot read back the archive: " + failure);
  return bytes;
}

}  // namespace

std::string encode_zip(const std::vector<ZipMember>& members, const std::string& where) {
  for (std::size_t i = 0; i < members.size(); ++i) {
    check_member_name(members[i].name, where);
    for (std::size_t j = 0; j < i; ++j) {
      if (members[j].name == members[i].name) {
        throw std::invalid_argument(where + ": member name = " + ptychopinn::quoted(members[i].name) +
                                    " appears twice; expected unique names");
      }
    }
  }
  // libzip removes an archive left without members instead of writing one; write the empty zip
  // (the end-of-central-directory record alone) ourselves.
  if (members.empty()) return std::string("PK\x05\x06", 4) + std::string(18, '\0');

  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* sink = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = sink == nullptr ? nullptr : zip_open_from_source(sink, ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    if (sink != nullptr) zip_source_free(sink);
    const std::string text = libzip_error(&error);
    zip_error_fini(&error);
    throw_io_error(where, "cannot create the archive in memory: " + text);
  }
  zip_error_fini(&error);
  // zip_close() would free the sink with the archive; keep it to read the result back.
  zip_source_keep(sink);
  struct SinkGuard {
    zip_source_t* s;
    ~SinkGuard() { zip_source_free(s); }
  } sink_guard{sink};

  auto fail = [&](const std::string& what) {
    const std::string text = zip_strerror(archive);
    zip_discard(archive);
    throw_io_error(where, what + ": " + text);
  };
  for (const ZipMember& m : members) {
    // The members' bytes outlive zip_close (they are the caller's), so libzip need not copy them.
    zip_source_t* source = zip_source_buffer(archive, m.bytes.data(), m.bytes.size(), 0);
    if (source == nullptr) fail("member " + ptychopinn::quoted(m.name));
    const zip_int64_t index = zip_file_add(archive, m.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      fail("member " + ptychopinn::quoted(m.name));
    }
    const auto i = static_cast<zip_uint64_t>(index);
    const zip_int32_t method = m.compression == ZipCompression::kDeflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
    if (!set_member_attributes(archive, i, method)) {
      fail("member " + ptychopinn::quoted(m.name));
    }
  }
  if (zip_close(archive) != 0) fail("cannot write the archive");
  return drain_source(sink, where);
}

void write_zip(const std::string& path, const std::vector<ZipMember>& members) {
  write_file_atomic(path, encode_zip(members, path));
}

struct ZipReader::Impl {
  std::string path;
  std::unique_ptr<MappedFile> file;
  std::vector<std::string> names;
  zip_t* archive = nullptr;
  mutable std::mutex mutex;  // a libzip archive is not thread-safe

  ~Impl() {
    if (archive != nullptr) zip_discard(archive);
  }

  std::string member_where(const std::string& name) const {
    return path + ", member " + ptychopinn::quoted(name);
  }

  // Refuses what libzip cannot read, and sizes no honest deflate stream could have.
  void check_readable(const zip_stat_t& st, const std::string& name) const {
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
      throw_io_error(member_where(name), "is encrypted; expected an unencrypted member");
    }
    if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE) {
      throw_io_error(member_where(name), "compression method = " + std::to_string(st.comp_method) +
                                             "; expected 0 (stored) or 8 (deflate)");
    }
    if (st.size / kMaxDeflateRatio > st.comp_size + 1) {
      throw_io_error(member_where(name), "uncompressed size = " + std::to_string(st.size) + " from " +
                                             std::to_string(st.comp_size) +
                                             " compressed bytes; expected at most 1032:1 (deflate's limit)");
    }
  }

  std::string read(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex);
    const zip_int64_t index = zip_name_locate(archive, name.c_str(), ZIP_FL_ENC_RAW);
    if (index < 0) {
      std::vector<std::string> present;
      for (const auto& n : names) present.push_back(ptychopinn::quoted(n));
      throw_io_error(member_where(name),
                     "is missing; the archive holds " +
                         (present.empty() ? std::string("no members") : join(present, ", ")) +
                         did_you_mean(name, names));
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
      throw_io_error(member_where(name), "cannot be examined: " + std::string(zip_strerror(archive)));
    }
    check_readable(st, name);
    zip_file_t* member = zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0);
    if (member == nullptr) {
      throw_io_error(member_where(name), "cannot be opened: " + std::string(zip_strerror(archive)));
    }
    std::string bytes(static_cast<std::size_t>(st.size), '\0');
    std::size_t done = 0;
    std::string failure;
    while (failure.empty() && done < bytes.size()) {
      const zip_int64_t n = zip_fread(member, &bytes[done], bytes.size() - done);
      if (n < 0) failure = zip_file_strerror(member);
      if (n == 0)
        failure = "ended after " + std::to_string(done) + " of " + std::to_string(bytes.size()) + " bytes";
      if (n > 0) done += static_cast<std::size_t>(n);
    }
    // One more read reaches the end of the stream, where libzip compares the CRC.
    char extra = 0;
    const zip_int64_t tail = failure.empty() ? zip_fread(member, &extra, 1) : 0;
    if (tail < 0) failure = zip_file_strerror(member);
    if (tail > 0)
      failure = "holds more bytes than its directory entry says (" + std::to_string(st.size) + ")";
    zip_fclose(member);
    if (!failure.empty())
      throw_io_error(member_where(name), "cannot be read: " + failure + " (corrupt archive)");
    return bytes;
  }
};

ZipReader::ZipReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->file = std::make_unique<MappedFile>(path);
  const MappedFile& f = *impl_->file;
  require_file_format(path, f.data(), f.size(), FileFormat::kZip);
  for (const ZipEntry& e : read_zip_directory(f.data(), f.size(), path)) impl_->names.push_back(e.name);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(f.data(), f.size(), 0, &error);
  impl_->archive =
      source == nullptr ? nullptr : zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (impl_->archive == nullptr) {
    if (source != nullptr) zip_source_free(source);
    const std::string text = libzip_error(&error);
    zip_error_fini(&error);
    throw_io_error(path, "is not a valid zip archive (libzip: " + text + "); it may be truncated or corrupt");
  }
  zip_error_fini(&error);
}

ZipReader::~ZipReader() = default;
ZipReader::ZipReader(ZipReader&&) noexcept = default;
ZipReader& ZipReader::operator=(ZipReader&&) noexcept = default;

const std::string& ZipReader::path() const { return impl_->path; }

const std::vector<std::string>& ZipReader::names() const { return impl_->names; }

bool ZipReader::contains(const std::string& name) const {
  for (const auto& n : impl_->names) {
    if (n == name) return true;
  }
  return false;
}

std::string ZipReader::read(const std::string& name) const { return impl_->read(name); }

std::optional<std::vector<std::string>> zip_member_names(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (archive == nullptr) return std::nullopt;
  std::vector<std::string> names;
  const zip_int64_t n = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (name != nullptr) names.emplace_back(name);
  }
  zip_discard(archive);
  return names;
}

}  // namespace ptychopinn::io
