#include "ptychopinn/io/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "io_test_support.h"
#include "ptychopinn/io/file_format.h"
#include "ptychopinn/io/mapped_file.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

TEST(AtomicFile, CommitRenamesIntoPlace) {
  testing::ScratchDir dir;
  const std::string path = dir.file("out.bin");
  AtomicFile f(path);
  EXPECT_EQ(f.final_path(), path);
  EXPECT_EQ(f.temp_path().rfind(dir.file(".out.bin.tmp-"), 0), 0u) << f.temp_path();
  f.write("abc", 3);
  EXPECT_FALSE(std::filesystem::exists(path));  // nothing under the final name before commit
  f.commit();
  EXPECT_EQ(testing::read_bytes(path), "abc");
  EXPECT_FALSE(std::filesystem::exists(f.temp_path()));
  EXPECT_THROW(f.commit(), std::logic_error);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_NE(st.st_mode & S_IRUSR, 0u);
}

TEST(AtomicFile, AbandonedWriteLeavesNothingAndKeepsTheOldFile) {
  testing::ScratchDir dir;
  const std::string path = dir.file("out.bin");
  write_file_atomic(path, "old");
  {
    AtomicFile f(path);
    f.write("new, but abandoned", 18);
  }
  EXPECT_EQ(testing::read_bytes(path), "old");
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
  EXPECT_THROW(AtomicFile(dir.file("missing/x")), IoError);
  EXPECT_THROW(AtomicFile(dir.path()), IoError);
}

TEST(MappedFile, MapsPrivatelyAndReportsProblems) {
  testing::ScratchDir dir;
  const std::string path = dir.file("m.bin");
  testing::write_bytes(path, "hello");
  {
    MappedFile m(path);
    ASSERT_EQ(m.size(), 5u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.data()), 5), "hello");
    m.mutable_data()[0] = 'J';
    EXPECT_EQ(m.data()[0], 'J');
  }
  EXPECT_EQ(testing::read_bytes(path), "hello");
  testing::write_bytes(dir.file("empty"), "");
  EXPECT_EQ(MappedFile(dir.file("empty")).size(), 0u);
  EXPECT_THROW(MappedFile(dir.file("missing")), IoError);
  EXPECT_THROW(MappedFile(dir.path()), IoError);
  EXPECT_NO_THROW(require_regular_file(path));
  EXPECT_THROW(require_regular_file(dir.path()), IoError);
}

// kB of file-backed pages this process has resident (RssFile in /proc/self/status); -1 if unknown.
long resident_file_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

// What lets streaming inference keep resident memory flat: released pages leave the process and
// come back from the file unchanged when touched again; a page written privately keeps its bytes
// (MADV_DONTNEED would silently revert it to the file's).
TEST(MappedFile, ReleasedPagesLeaveResidentMemoryAndKeepTheirContents) {
  testing::ScratchDir dir;
  const std::string path = dir.file("big.bin");
  constexpr std::size_t kBytes = 16u << 20;
  std::string bytes(kBytes, '\0');
  for (std::size_t i = 0; i < kBytes; ++i) bytes[i] = static_cast<char>(i % 251);
  testing::write_bytes(path, bytes);
  {
    const int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ::fsync(fd);  // clean page-cache pages, as a dataset written long ago has
    ::close(fd);
  }
  MappedFile m(path);
  m.mutable_data()[3 * 4096 + 5] = 'Z';
  unsigned sum = 0;
  for (std::size_t i = 0; i < kBytes; i += 4096) sum += m.data()[i];
  EXPECT_GT(sum, 0u);
  const long before = resident_file_kb();
  if (!release_pages(m.data(), m.size())) {
    GTEST_SKIP() << "this kernel declines MADV_PAGEOUT";
  }
  const long after = resident_file_kb();
  struct statfs fs {};
  const bool tmpfs = ::statfs(dir.path().c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC;
  if (before >= 0 && !tmpfs) {
    EXPECT_LT(after, before - 12 * 1024) << before << " kB before, " << after << " after";
  }
  EXPECT_EQ(m.data()[3 * 4096 + 5], 'Z');
  for (std::size_t i = 0; i < kBytes; i += 997) {
    if (i == 3 * 4096 + 5) continue;
    ASSERT_EQ(m.data()[i], static_cast<std::uint8_t>(i % 251)) << i;
  }
  EXPECT_FALSE(release_pages(m.data() + 1, 100));  // no whole page inside
  EXPECT_FALSE(release_pages(nullptr, 8192));
}

TEST(FileFormat, SniffsAndNamesCompressedFiles) {
  EXPECT_EQ(sniff_file_format("BZh91AY", 7), FileFormat::kBzip2);
  EXPECT_EQ(sniff_file_format("\x1f\x8b\x08", 3), FileFormat::kGzip);
  EXPECT_EQ(sniff_file_format("PK\x03\x04", 4), FileFormat::kZip);
  EXPECT_EQ(sniff_file_format("\x93NUMPY", 6), FileFormat::kNpy);
  EXPECT_EQ(sniff_file_format("", 0), FileFormat::kEmpty);
  EXPECT_EQ(sniff_file_format("xyz", 3), FileFormat::kUnknown);
  for (int i = 0; i <= static_cast<int>(FileFormat::kUnknown); ++i) {
    const auto f = static_cast<FileFormat>(i);
    EXPECT_EQ(parse_file_format(to_string(f)), f);
  }
  EXPECT_THROW(parse_file_format("zpi"), std::invalid_argument);
  try {
    require_file_format("d.npz",
                        "\xfd"
                        "7zXZ\x00",
                        6, FileFormat::kZip);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "d.npz: is xz-compressed; decompress it first (unxz d.npz)");
  }
}

}  // namespace
}  // namespace ptychopinn::io
