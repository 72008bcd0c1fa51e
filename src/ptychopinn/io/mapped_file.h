#pragma once
// MappedFile: the whole of a file mapped into memory, private to this process.
#include <cstddef>
#include <cstdint>
#include <string>

namespace ptychopinn::io {

// RAII mapping of a whole regular file with mmap(MAP_PRIVATE | MAP_NORESERVE, PROT_READ | PROT_WRITE).
//  * Private: a write through mutable_data() is copy-on-write into anonymous memory; it never reaches
//    the file, and other processes never see it.
//  * MAP_NORESERVE: a private writable mapping would otherwise be charged in full against the
//    kernel's overcommit limit, so a file larger than RAM + swap could not be mapped at all.
//  * Pages are read lazily, so mapping a 100 GB file costs nothing until its bytes are touched.
// An empty file gives size() == 0 and data() == nullptr (mmap cannot map zero bytes).
// If another process truncates the file while it is mapped, touching the lost pages raises SIGBUS:
// the usual caveat of memory-mapped I/O, documented rather than guarded.
class MappedFile {
 public:
  // Throws IoError naming `path` when it does not exist, is a directory or other non-regular file,
  // cannot be opened or cannot be mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  std::size_t size() const { return size_; }
  const std::uint8_t* data() const { return data_; }
  // Writable view of the mapping; writes are private to this process (copy-on-write).
  std::uint8_t* mutable_data() { return data_; }

 private:
  std::string path_;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// Hands back to the kernel the whole pages of a file mapping inside [begin, begin + bytes)
// (madvise MADV_PAGEOUT): they leave this process's resident memory, and are read from the file
// again if touched, with the same contents (private copy-on-write pages are kept, not discarded,
// which MADV_DONTNEED would do). Advice only: false when no whole page lies inside or the kernel
// declined (before Linux 5.4 it does not know the advice). `begin` must lie in a MappedFile.
bool release_pages(const void* begin, std::size_t bytes);

// Throws IoError naming `path` unless it names an existing regular file (a missing file, a directory
// and a device each get their own message). Used before handing a path to a library (libzip) whose
// own errors are less clear.
void require_regular_file(const std::string& path);

}  // namespace ptychopinn::io
