// NpzWriter: libzip writes the archive into an AtomicFile's temporary path; close() commits it.
// Members are zip sources over two fragments (the .npy header and the array's own bytes), so adding
// an array copies nothing.
#include <zip.h>

#include <cstring>
#include <list>
#include <stdexcept>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

constexpr std::size_t kLocalHeaderSize = 30;

void check_key(const std::string& key) {
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("NpzWriter::add: key = " + quoted(key) + " " + why +
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
  std::list<Member> members;  // std::list: fragments must not move once handed to libzip
  std::uint64_t next_offset = 0;  // where the next stored member's local header will start
  bool closed = false;

  ~Impl() {
    if (archive != nullptr) zip_discard(archive);
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
  if (impl_->closed) throw std::logic_error("NpzWriter::add after close()");
  check_key(key);
  for (const auto& m : impl_->members) {
    if (m.key == key) {
      throw std::invalid_argument("NpzWriter::add: key = " + quoted(key) +
                                  " was already added; expected unique keys");
    }
  }
  const std::string name = key + ".npy";
  impl_->members.push_back({key, "", array, {}});
  Impl::Member& m = impl_->members.back();
  // Stored members: pad the .npy header so that the data lands 64-byte aligned in the archive
  // (libzip writes members in order, each as a 30-byte local header, the name, then the data; a
  // member under 4 GiB gets no extra field). Readers can then map the data without copying.
  // Should libzip lay members out differently the archive is still correct, only less aligned.
  const std::uint64_t data_start = impl_->next_offset + kLocalHeaderSize + name.size();
  m.header = encode_npy_header(array, impl_->compress ? 0 : static_cast<std::size_t>(data_start));
  const std::uint64_t member_size = m.header.size() + array.nbytes();
  impl_->next_offset = data_start + member_size + (member_size >= 0xFFFFFFFFull ? 20 : 0);
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
    throw_io_error(impl_->file->final_path(), "member " + quoted(name) + ": " + text);
  }
  zip_error_fini(&error);
  const zip_int64_t index = zip_file_add(impl_->archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(source);
    impl_->members.pop_back();
    throw_io_error(impl_->file->final_path(),
                   "member " + quoted(name) + ": " + zip_strerror(impl_->archive));
  }
  if (zip_set_file_compression(impl_->archive, static_cast<zip_uint64_t>(index),
                               impl_->compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0) {
    throw_io_error(impl_->file->final_path(),
                   "member " + quoted(name) + ": " + zip_strerror(impl_->archive));
  }
}

void NpzWriter::close() {
  if (impl_->closed) return;
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
