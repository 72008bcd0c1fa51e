#include "ptychopinn/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string random_suffix() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 10; ++i) s += kChars[rd() % (sizeof kChars - 1)];
  return s;
}

void fsync_path(const std::string& path, bool directory, const std::string& where) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw_io_error(where, "cannot open " + path + " to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems do not support fsync on directories (EINVAL); the rename is still atomic.
  if (rc != 0 && !(directory && (err == EINVAL || err == EROFS))) {
    throw_io_error(where, "fsync failed: " + std::string(std::strerror(err)));
  }
}

}  // namespace

AtomicFile::AtomicFile(std::string final_path) : final_path_(std::move(final_path)) {
  if (final_path_.empty()) throw_io_error("(empty path)", "path = ''; expected a file name");
  struct stat st {};
  if (::stat(final_path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw_io_error(final_path_, "is a directory; expected a file name to write");
  }
  const std::string dir = directory_of(final_path_);
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = dir + "/." + base_name(final_path_) + ".tmp-" + random_suffix();
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    if (errno != EEXIST) {
      const int err = errno;
      temp_path_.clear();
      throw_io_error(final_path_, "cannot create a file in directory " + dir + ": " + std::strerror(err));
    }
  }
  temp_path_.clear();
  throw_io_error(final_path_, "cannot find an unused temporary file name in " + dir);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(const void* bytes, std::size_t size) {
  if (fd_ < 0) throw std::logic_error("AtomicFile::write after close_descriptor or commit");
  const auto* p = static_cast<const char*>(bytes);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error(final_path_, "write failed: " + std::string(std::strerror(errno)));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::close_descriptor() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void AtomicFile::commit() {
  if (committed_) throw std::logic_error("AtomicFile::commit called twice");
  if (fd_ >= 0) {
    if (::fsync(fd_) != 0) {
      throw_io_error(final_path_, "fsync failed: " + std::string(std::strerror(errno)));
    }
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw_io_error(final_path_, "close failed: " + std::string(std::strerror(errno)));
  } else {
    fsync_path(temp_path_, false, final_path_);
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    throw_io_error(final_path_, "cannot rename " + temp_path_ + " into place: " + std::strerror(errno));
  }
  committed_ = true;
  fsync_path(directory_of(final_path_), true, final_path_);
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  AtomicFile file(path);
  file.write(bytes.data(), bytes.size());
  file.commit();
}

}  // namespace ptychopinn::io
