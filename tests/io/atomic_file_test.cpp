#include "ptychopinn/io/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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
