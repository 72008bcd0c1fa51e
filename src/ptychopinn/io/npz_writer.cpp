// NpzWriter: libzip writes the archive into an AtomicFile's temporary path; close() commits it.
// Members are zip sources over two fragments (the .npy header and the array's own bytes), so adding
// an array copies nothing. A streamed member is a zip source over its spool file.
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <list>
#include <stdexcept>
#include <system_error>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/zip_directory.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

// The fixed member timestamp, in MS-DOS format: 1980-01-01 00:00:00 (date bits: year − 1980 << 9,
// month << 5, day). NumPy stamps the current time; a fixed one makes the output reproducible.
constexpr zip_uint16_t kDosTime = 0;
constexpr zip_uint16_t kDosDate = (1 << 5) | 1;
// Unix attributes of every member: a regular file, rw-r--r--, in the high 16 bits.
constexpr zip_uint32_t kUnixAttributes = 0100644u << 16;

void check_key(const std::string& key) {
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("NpzWriter::add: key = " + ptychopinn::quoted(key) + " " + why +
                                "; expected a non-empty relative name");
  };
  if (key.empty()) bad("is empty");
  if (key[0] == '/') bad("is an absolute path");
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) bad("contains a control character");
    if (c == '\\') bad("contains a backslash");
  }
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    const std::string part = key.substr(start, end - start);
    if (part == "..") bad("has a '..' component");
    if (part.empty()) bad("has an empty path component");
    start = end + 1;
  }
}

// An unlinked temporary file in `dir`: the spool of a streamed member. Unlinking at once means the
// file vanishes with its last descriptor, whatever happens to the process.
std::FILE* open_spool_file(const std::string& archive_path) {
  const std::filesystem::path final_path(archive_path);
  std::filesystem::path dir = final_path.parent_path();
  if (dir.empty()) dir = ".";
  std::string pattern = (dir / ("." + final_path.filename().string() + ".spool-XXXXXX")).string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    throw_io_error(archive_path, "cannot create a spool file in " + ptychopinn::quoted(dir.string()) + ": " +
                                     std::generic_category().message(errno));
  }
  unlink(pattern.c_str());
  std::FILE* f = fdopen(fd, "w+b");
  if (f == nullptr) {
    const int err = errno;
    ::close(fd);
    throw_io_error(archive_path, "cannot open the spool file: " + std::generic_category().message(err));
  }
  return f;
}

// A view of dtype and shape with no bytes behind it, for encode_npy_header, which reads only the
// descr and shape. The pointer is never dereferenced.
NpyArray header_view(DType dtype, const std::vector<std::int64_t>& shape, std::size_t itemsize) {
  static const char kNoBytes = 0;
  return NpyArray::wrap(dtype, shape, itemsize, &kNoBytes, nullptr, /*writable=*/false);
}

}  // namespace

struct NpzWriter::Impl {
  struct Member {
    std::string key;
    std::string header;
    NpyArray array;  // keeps the bytes alive until zip_close has read them
    zip_buffer_fragment_t fragments[2];
  };

  std::unique_ptr<AtomicFile> file;
  bool compress = false;
  zip_t* archive = nullptr;
  std::list<Member> members;      // std::list: fragments must not move once handed to libzip
  std::uint64_t next_offset = 0;  // where the next stored member's local header will start
  bool closed = false;

  // The member being streamed (begin_member .. end_member).
  struct Stream {
    std::string key;
    std::FILE* spool = nullptr;
    std::uint64_t size = 0;     // .npy header + data bytes expected
    std::uint64_t written = 0;  // bytes in the spool so far
  } stream;

  ~Impl() {
    if (stream.spool != nullptr) std::fclose(stream.spool);
    if (archive != nullptr) zip_discard(archive);
  }

  const std::string& path() const { return file->final_path(); }

  void check_can_add(const char* what, const std::string& key) const {
    if (closed) throw std::logic_error(std::string("NpzWriter::") + what + " after close()");
    if (stream.spool != nullptr) {
      throw std::logic_error(std::string("NpzWriter::") + what + ": member " +
                             ptychopinn::quoted(stream.key) +
                             " is still being streamed; call end_member() first");
    }
    check_key(key);
    for (const auto& m : members) {
      if (m.key == key) {
        throw std::invalid_argument(std::string("NpzWriter::") + what + ": key = " + ptychopinn::quoted(key) +
                                    " was already added; expected unique keys");
      }
    }
  }

  // The member's .npy header, padded so that a stored member's data lands 64-byte aligned (libzip
  // writes members in order, each as a 30-byte local header, the name, then the data; a member
  // under 4 GiB gets no extra field). Readers can then map the data without copying. Should libzip
  // lay members out differently the archive is still correct, only less aligned.
  std::string layout_header(const std::string& name, const NpyArray& view) {
    const std::uint64_t data_start = next_offset + kZipLocalHeaderSize + name.size();
    std::string header = encode_npy_header(view, compress ? 0 : static_cast<std::size_t>(data_start));
    const std::uint64_t member_size = header.size() + view.nbytes();
    next_offset = data_start + member_size + (member_size >= 0xFFFFFFFFull ? 20 : 0);
    return header;
  }

  // Hands `source` to libzip as member `name`, with the compression, timestamp and attributes of
  // every member. Frees the source when libzip did not take it.
  void add_source(const std::string& name, zip_source_t* source) {
    const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      throw_io_error(path(), "member " + ptychopinn::quoted(name) + ": " + zip_strerror(archive));
    }
    const auto i = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(archive, i, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_dostime(archive, i, kDosTime, kDosDate, 0) != 0 ||
        zip_file_set_external_attributes(archive, i, 0, ZIP_OPSYS_UNIX, kUnixAttributes) != 0) {
      throw_io_error(path(), "member " + ptychopinn::quoted(name) + ": " + zip_strerror(archive));
    }
  }
};

NpzWriter::NpzWriter(std::string path, bool compress) : impl_(std::make_unique<Impl>()) {
  impl_->file = std::make_unique<AtomicFile>(std::move(path));
  impl_->compress = compress;
  // libzip replaces the file at this path when it closes the archive, through its own temporary.
  impl_->file->close_descriptor();
  int error = 0;
  impl_->archive = zip_open(impl_->file->temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (impl_->archive == nullptr) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, error);
    const std::string text = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    throw_io_error(impl_->file->final_path(), "cannot create the archive: " + text);
  }
}

NpzWriter::~NpzWriter() = default;
NpzWriter::NpzWriter(NpzWriter&&) noexcept = default;
NpzWriter& NpzWriter::operator=(NpzWriter&&) noexcept = default;

void NpzWriter::add(const std::string& key, const NpyArray& array) {
  impl_->check_can_add("add", key);
  const std::string name = key + ".npy";
  impl_->members.push_back({key, "", array, {}});
  Impl::Member& m = impl_->members.back();
  m.header = impl_->layout_header(name, array);
  m.fragments[0].data = reinterpret_cast<zip_uint8_t*>(m.header.data());
  m.fragments[0].length = m.header.size();
  // libzip only reads the fragments; the cast drops the const of the array's bytes.
  m.fragments[1].data = static_cast<zip_uint8_t*>(const_cast<void*>(array.data()));
  m.fragments[1].length = array.nbytes();
  const zip_uint64_t n_fragments = array.nbytes() > 0 ? 2 : 1;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_fragment_create(m.fragments, n_fragments, 0, &error);
  if (source == nullptr) {
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    impl_->members.pop_back();
    throw_io_error(impl_->path(), "member " + ptychopinn::quoted(name) + ": " + text);
  }
  zip_error_fini(&error);
  try {
    impl_->add_source(name, source);
  } catch (...) {
    impl_->members.pop_back();
    throw;
  }
}

void NpzWriter::begin_member(const std::string& key, DType dtype, const std::vector<std::int64_t>& shape,
                             std::size_t itemsize) {
  impl_->check_can_add("begin_member", key);
  const NpyArray view = header_view(dtype, shape, itemsize);
  std::FILE* spool = open_spool_file(impl_->path());
  // Reserve the layout only once nothing can fail before end_member's zip_file_add.
  const std::string header = impl_->layout_header(key + ".npy", view);
  Impl::Stream& st = impl_->stream;
  st = {key, spool, header.size() + view.nbytes(), 0};
  if (std::fwrite(header.data(), 1, header.size(), spool) != header.size()) {
    throw_io_error(impl_->path(),
                   "member " + ptychopinn::quoted(key + ".npy") +
                       ": cannot write the spool file: " + std::generic_category().message(errno));
  }
  st.written = header.size();
}

void NpzWriter::append(const void* bytes, std::size_t size) {
  Impl::Stream& st = impl_->stream;
  if (st.spool == nullptr)
    throw std::logic_error("NpzWriter::append: no member is being streamed (begin_member)");
  if (size > st.size - st.written) {
    throw std::invalid_argument("NpzWriter::append: member " + ptychopinn::quoted(st.key) + ": " +
                                std::to_string(st.written + size) +
                                " bytes in all (with the .npy header); expected " + std::to_string(st.size) +
                                " as its shape and dtype say");
  }
  if (size > 0 && std::fwrite(bytes, 1, size, st.spool) != size) {
    throw_io_error(impl_->path(),
                   "member " + ptychopinn::quoted(st.key + ".npy") +
                       ": cannot write the spool file: " + std::generic_category().message(errno));
  }
  st.written += size;
}

void NpzWriter::end_member() {
  Impl::Stream& st = impl_->stream;
  if (st.spool == nullptr)
    throw std::logic_error("NpzWriter::end_member: no member is being streamed (begin_member)");
  if (st.written != st.size) {
    throw std::invalid_argument("NpzWriter::end_member: member " + ptychopinn::quoted(st.key) + " has " +
                                std::to_string(st.written) + " bytes (with the .npy header); expected " +
                                std::to_string(st.size) + " as its shape and dtype say");
  }
  const std::string name = st.key + ".npy";
  // libzip 1.7 reads a FILE* source from its current position whatever `start` says: rewind.
  if (std::fflush(st.spool) != 0 || std::fseek(st.spool, 0, SEEK_SET) != 0) {
    throw_io_error(impl_->path(), "member " + ptychopinn::quoted(name) + ": cannot write the spool file: " +
                                      std::generic_category().message(errno));
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_filep_create(st.spool, 0, static_cast<zip_int64_t>(st.size), &error);
  if (source == nullptr) {
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw_io_error(impl_->path(), "member " + ptychopinn::quoted(name) + ": " + text);
  }
  zip_error_fini(&error);
  // From here libzip owns the spool file (the source closes it), whether or not the add succeeds.
  st.spool = nullptr;
  // The member's record keeps its key for duplicate checks; its bytes live in the spool.
  impl_->members.push_back({st.key, "", NpyArray(), {}});
  try {
    impl_->add_source(name, source);
  } catch (...) {
    impl_->members.pop_back();
    throw;
  }
}

void NpzWriter::close() {
  if (impl_->closed) return;
  if (impl_->stream.spool != nullptr) {
    throw std::logic_error("NpzWriter::close: member " + ptychopinn::quoted(impl_->stream.key) +
                           " is still being streamed; call end_member() first");
  }
  impl_->closed = true;
  zip_t* archive = impl_->archive;
  impl_->archive = nullptr;
  if (impl_->members.empty()) {
    // libzip deletes an archive left with no members; NumPy writes an empty zip (just the 22-byte
    // end of central directory record), and so do we.
    zip_discard(archive);
    static const char kEmptyZip[22] = {'P', 'K', 5, 6};
    AtomicFile empty(impl_->file->final_path());
    empty.write(kEmptyZip, sizeof kEmptyZip);
    empty.commit();
    impl_->file.reset();
    return;
  }
  if (zip_close(archive) != 0) {
    const std::string text = zip_strerror(archive);
    zip_discard(archive);
    throw_io_error(impl_->file->final_path(), "cannot write the archive: " + text);
  }
  impl_->members.clear();
  impl_->file->commit();
}

void write_npz(const std::string& path, const std::vector<std::pair<std::string, NpyArray>>& members,
               bool compress) {
  NpzWriter writer(path, compress);
  for (const auto& [key, array] : members) writer.add(key, array);
  writer.close();
}

}  // namespace ptychopinn::io
