#pragma once
// AtomicFile: write a file so that readers see either the old file or the complete new one.
#include <cstddef>
#include <string>

namespace ptychopinn::io {

// Writes go to a temporary file in the same directory as the final path (a rename is only atomic
// within one file system); commit() flushes it to disk (fsync), renames it over the final path and
// syncs the directory. If commit() is never reached (an exception, an abandoned writer) the
// destructor removes the temporary file, so a failed write leaves no file behind and never a
// half-written file under the final name.
//
// The temporary file is "<dir>/.<name>.tmp-<random>", created with O_EXCL and mode 0666 minus the
// umask, so the committed file gets the permissions any new file would.
class AtomicFile {
 public:
  // Creates the temporary file. Throws IoError naming `final_path` when its directory does not
  // exist or is not writable, or when final_path names a directory.
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }

  // Appends bytes to the temporary file; IoError (naming the final path) on a short write.
  void write(const void* bytes, std::size_t size);

  // Closes this object's descriptor, for writers (libzip) that replace the temporary file through
  // its path. commit() then reopens the path to fsync it.
  void close_descriptor();

  // fsync, rename over final_path, fsync the directory. Throws IoError on failure (the temporary
  // file is then removed). Calling it twice is an error (std::logic_error).
  void commit();

 private:
  std::string final_path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Writes `bytes` to `path` atomically (AtomicFile).
void write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace ptychopinn::io
