#include "ptychopinn/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Checks the result of stat(2)/fstat(2) on `path` and throws the message a user can act on.
void check_stat(const std::string& path, const struct stat& st) {
  if (S_ISDIR(st.st_mode)) throw_io_error(path, "is a directory; expected a regular file");
  if (!S_ISREG(st.st_mode)) throw_io_error(path, "is not a regular file (a device, FIFO or socket)");
}

}  // namespace

void require_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) throw_io_error(path, "no such file");
    throw_io_error(path, "cannot access: " + errno_text(err));
  }
  check_stat(path, st);
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw_io_error(path, "no such file");
    throw_io_error(path, "cannot open: " + errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw_io_error(path, "cannot stat: " + errno_text(err));
  }
  try {
    check_stat(path, st);
  } catch (...) {
    ::close(fd);
    throw;
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw_io_error(path, "cannot map " + std::to_string(size_) + " bytes: " + errno_text(err));
    }
    data_ = static_cast<std::uint8_t*>(p);
  }
  // The mapping keeps the file's pages reachable; the descriptor is no longer needed.
  ::close(fd);
}

bool release_pages(const void* begin, std::size_t bytes) {
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (page_size <= 0 || begin == nullptr) return false;
  const auto page = static_cast<std::uintptr_t>(page_size);
  const auto start = reinterpret_cast<std::uintptr_t>(begin);
  const std::uintptr_t first = (start + page - 1) / page * page;
  const std::uintptr_t last = (start + bytes) / page * page;
  if (last <= first) return false;
#ifdef MADV_PAGEOUT
  return ::madvise(reinterpret_cast<void*>(first), last - first, MADV_PAGEOUT) == 0;
#else
  return false;
#endif
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace ptychopinn::io
