#include "ptychopinn/io/npz.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "io_test_support.h"
#include "ptychopinn/io/zip_directory.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

using testing::arrays_equal;
using testing::expected_array;

int count_files(const std::filesystem::path& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(Npz, WritesAndReadsStoredAndDeflated) {
  testing::ScratchDir dir;
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress);
    const std::string path = dir.file(compress ? "c.npz" : "s.npz");
    write_npz(path, {{"diffraction", expected_array(DType::kFloat32, {3, 4, 4})},
                     {"xcoords", expected_array(DType::kFloat64, {3})},
                     {"_metadata", NpyArray::scalar_string("{\"n\": 3}")},
                     {"empty", NpyArray::zeros(DType::kInt16, {0})}},
              compress);
    NpzReader z(path);
    EXPECT_EQ(z.path(), path);
    EXPECT_EQ(z.keys(), (std::vector<std::string>{"diffraction", "xcoords", "_metadata", "empty"}));
    EXPECT_TRUE(z.contains("xcoords"));
    EXPECT_FALSE(z.contains("ycoords"));
    EXPECT_EQ(z.is_stored("diffraction"), !compress);
    const NpyArray d = z.read("diffraction");
    EXPECT_EQ(d.is_mapped(), !compress);
    EXPECT_TRUE(d.is_aligned());  // our writer aligns stored data; buffers are aligned
    EXPECT_TRUE(arrays_equal(d, expected_array(DType::kFloat32, {3, 4, 4})));
    EXPECT_EQ(z.header("diffraction").shape, (std::vector<std::int64_t>{3, 4, 4}));
    EXPECT_EQ(z.read("_metadata").string_value(), "{\"n\": 3}");
    EXPECT_EQ(z.read("empty").numel(), 0);
  }
  EXPECT_EQ(count_files(dir.path()), 2);
}

TEST(Npz, StoredMembersAre64ByteAligned) {
  testing::ScratchDir dir;
  const std::string path = dir.file("a.npz");
  write_npz(path, {{"a", expected_array(DType::kUInt8, {3})},
                   {"bb", expected_array(DType::kComplex128, {5})},
                   {"a_much_longer_name", expected_array(DType::kFloat32, {7, 3})}});
  const std::string bytes = testing::read_bytes(path);
  for (const ZipEntry& e : read_zip_directory(bytes.data(), bytes.size(), path)) {
    const NpyHeader h = parse_npy_header(bytes.data() + e.data_offset, e.compressed_size, e.name);
    EXPECT_EQ((e.data_offset + h.data_offset) % 64, 0u) << e.name;
  }
}

TEST(Npz, MissingKeyIsOutOfRangeWithSuggestion) {
  testing::ScratchDir dir;
  const std::string path = dir.file("a.npz");
  write_npz(path, {{"diffraction", NpyArray()}, {"probeGuess", NpyArray()}});
  NpzReader z(path);
  try {
    z.read("difraction");
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("'difraction'"), std::string::npos) << m;
    EXPECT_NE(m.find("'probeGuess'"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'diffraction'"), std::string::npos) << m;
  }
  EXPECT_THROW(z.header("nope"), std::out_of_range);
  EXPECT_THROW(z.is_stored("nope"), std::out_of_range);
}

TEST(Npz, MappedMemberWritesNeverReachTheFile) {
  testing::ScratchDir dir;
  const std::string path = dir.file("a.npz");
  write_npz(path, {{"x", expected_array(DType::kFloat64, {16})}});
  const std::string before = testing::read_bytes(path);
  NpyArray x;
  {
    NpzReader z(path);
    x = z.read("x");
  }
  // The array keeps the mapping alive after the reader is gone.
  ASSERT_TRUE(x.is_mapped());
  const void* mapped = x.data();
  x.mutable_data_as<double>()[3] = -1;
  EXPECT_EQ(x.data(), mapped);
  EXPECT_EQ(x.data_as<double>()[3], -1);
  EXPECT_EQ(testing::read_bytes(path), before);
}

TEST(Npz, KeyValidationAndDuplicates) {
  testing::ScratchDir dir;
  NpzWriter w(dir.file("a.npz"));
  w.add("ok", NpyArray());
  w.add("nested/ok", NpyArray());
  EXPECT_THROW(w.add("ok", NpyArray()), std::invalid_argument);
  for (const std::string bad : {"", "/abs", "../up", "a/../b", "a//b", "back\\slash", "nl\n"}) {
    EXPECT_THROW(w.add(bad, NpyArray()), std::invalid_argument) << bad;
  }
  w.close();
  w.close();  // a second close does nothing
  EXPECT_THROW(w.add("late", NpyArray()), std::logic_error);
  EXPECT_EQ(NpzReader(dir.file("a.npz")).keys(), (std::vector<std::string>{"ok", "nested/ok"}));
}

TEST(Npz, AbandonedWriterLeavesNoFile) {
  testing::ScratchDir dir;
  {
    NpzWriter w(dir.file("a.npz"), true);
    w.add("x", expected_array(DType::kFloat32, {100}));
  }  // no close()
  EXPECT_EQ(count_files(dir.path()), 0);
  // An existing archive is untouched by an abandoned rewrite.
  write_npz(dir.file("b.npz"), {{"old", NpyArray()}});
  {
    NpzWriter w(dir.file("b.npz"));
    w.add("new", NpyArray());
  }
  EXPECT_EQ(NpzReader(dir.file("b.npz")).keys(), std::vector<std::string>{"old"});
  EXPECT_EQ(count_files(dir.path()), 1);
  EXPECT_THROW(NpzWriter(dir.file("no/such/dir.npz")), IoError);
}

TEST(Npz, EmptyArchiveRoundTrips) {
  testing::ScratchDir dir;
  write_npz(dir.file("e.npz"), {});
  EXPECT_EQ(testing::read_bytes(dir.file("e.npz")).size(), 22u);
  EXPECT_TRUE(NpzReader(dir.file("e.npz")).keys().empty());
}

TEST(Npz, ReadsFromMemory) {
  testing::ScratchDir dir;
  write_npz(dir.file("a.npz"), {{"x", expected_array(DType::kInt64, {5})}}, true);
  auto bytes = std::make_shared<std::string>(testing::read_bytes(dir.file("a.npz")));
  NpzReader z(bytes, bytes->data(), bytes->size(), "inner.npz");
  EXPECT_EQ(z.path(), "inner.npz");
  EXPECT_TRUE(arrays_equal(z.read("x"), expected_array(DType::kInt64, {5})));
}

TEST(Npz, ReaderIsMovable) {
  testing::ScratchDir dir;
  write_npz(dir.file("a.npz"), {{"x", expected_array(DType::kInt8, {2})}});
  NpzReader a(dir.file("a.npz"));
  NpzReader b = std::move(a);
  EXPECT_EQ(b.keys(), std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace ptychopinn::io
