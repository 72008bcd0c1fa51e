#include "ptychopinn/io/npz.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

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
    write_npz(path,
              {{"diffraction", expected_array(DType::kFloat32, {3, 4, 4})},
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

TEST(Npz, ArraysInMemoryReadLikeMembersWithoutACopy) {
  const NpyArray x = expected_array(DType::kFloat32, {2, 3});
  const NpzReader z =
      NpzReader::from_arrays("Dataset(mine)", {{"x", x}, {"s", NpyArray::scalar_string("hi")}});
  EXPECT_EQ(z.path(), "Dataset(mine)");
  EXPECT_EQ(z.keys(), (std::vector<std::string>{"x", "s"}));
  EXPECT_TRUE(z.contains("s"));
  EXPECT_TRUE(z.is_stored("x"));
  const NpyHeader h = z.header("x");
  EXPECT_EQ(h.dtype, DType::kFloat32);
  EXPECT_EQ(h.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(h.descr, "<f4");
  EXPECT_EQ(z.read("x").data(), x.data());  // the same bytes
  EXPECT_EQ(z.read("s").string_value(), "hi");
  try {
    z.read("y");
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("Dataset(mine): key = 'y'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(NpzReader::from_arrays("twice", {{"x", x}, {"x", x}}), std::invalid_argument);
}

TEST(Npz, ReaderIsMovable) {
  testing::ScratchDir dir;
  write_npz(dir.file("a.npz"), {{"x", expected_array(DType::kInt8, {2})}});
  NpzReader a(dir.file("a.npz"));
  NpzReader b = std::move(a);
  EXPECT_EQ(b.keys(), std::vector<std::string>{"x"});
}

// Streams `array` into `w` as member `key` in pieces of `piece` bytes.
void stream_member(NpzWriter& w, const std::string& key, const NpyArray& array, std::size_t piece) {
  w.begin_member(key, array.dtype(), array.shape(), array.itemsize());
  const auto* bytes = static_cast<const char*>(array.data());
  for (std::size_t at = 0; at < array.nbytes(); at += piece) {
    w.append(bytes + at, std::min(piece, array.nbytes() - at));
  }
  w.end_member();
}

TEST(NpzStreaming, StreamedMembersRoundTripStoredAndDeflatedAndStayAligned) {
  testing::ScratchDir dir;
  const NpyArray patterns = expected_array(DType::kFloat32, {5, 6, 6});
  const NpyArray probe = expected_array(DType::kComplex64, {6, 6});
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress);
    const std::string path = dir.file(compress ? "c.npz" : "s.npz");
    NpzWriter w(path, compress);
    w.add("xcoords", expected_array(DType::kFloat64, {5}));
    stream_member(w, "diffraction", patterns, 7);  // pieces that split elements
    stream_member(w, "probeGuess", probe, 1000);
    w.add("_metadata", NpyArray::scalar_string("{}"));
    w.close();
    NpzReader z(path);
    EXPECT_EQ(z.keys(), (std::vector<std::string>{"xcoords", "diffraction", "probeGuess", "_metadata"}));
    EXPECT_TRUE(arrays_equal(z.read("diffraction"), patterns));
    EXPECT_TRUE(arrays_equal(z.read("probeGuess"), probe));
    EXPECT_TRUE(arrays_equal(z.read("xcoords"), expected_array(DType::kFloat64, {5})));
    EXPECT_EQ(z.is_stored("diffraction"), !compress);
    if (!compress) {
      EXPECT_TRUE(z.read("diffraction").is_mapped());
      const std::string bytes = testing::read_bytes(path);
      for (const ZipEntry& e : read_zip_directory(bytes.data(), bytes.size(), path)) {
        const NpyHeader h = parse_npy_header(bytes.data() + e.data_offset, e.compressed_size, e.name);
        EXPECT_EQ((e.data_offset + h.data_offset) % 64, 0u) << e.name;
      }
    }
  }
  EXPECT_EQ(count_files(dir.path()), 2) << "spool files are gone";
}

TEST(NpzStreaming, WrongByteCountsAndMisuseAreErrorsNamingTheMember) {
  testing::ScratchDir dir;
  NpzWriter w(dir.file("a.npz"));
  EXPECT_THROW(w.append("x", 1), std::logic_error);
  EXPECT_THROW(w.end_member(), std::logic_error);
  w.begin_member("diffraction", DType::kFloat32, {2, 3});  // 24 bytes
  const std::vector<char> bytes(32, 0);
  try {
    w.append(bytes.data(), 32);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'diffraction'"), std::string::npos) << e.what();
  }
  w.append(bytes.data(), 20);
  try {
    w.end_member();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'diffraction'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(w.add("other", NpyArray()), std::logic_error);
  EXPECT_THROW(w.begin_member("other", DType::kInt8, {1}), std::logic_error);
  EXPECT_THROW(w.close(), std::logic_error);
  w.append(bytes.data(), 4);
  w.end_member();
  EXPECT_THROW(w.begin_member("diffraction", DType::kInt8, {1}), std::invalid_argument);  // duplicate
  EXPECT_THROW(w.begin_member("../up", DType::kInt8, {1}), std::invalid_argument);
  EXPECT_THROW(w.begin_member("neg", DType::kInt8, {-1}), std::invalid_argument);
  w.close();
  EXPECT_THROW(w.begin_member("late", DType::kInt8, {1}), std::logic_error);
  EXPECT_EQ(NpzReader(dir.file("a.npz")).read("diffraction").shape(), (std::vector<std::int64_t>{2, 3}));
}

TEST(NpzStreaming, AbandonedStreamingWriterLeavesNoFile) {
  testing::ScratchDir dir;
  {
    NpzWriter w(dir.file("a.npz"));
    w.begin_member("x", DType::kFloat64, {4});
    const double v[2] = {1, 2};
    w.append(v, sizeof v);
  }  // neither end_member() nor close()
  {
    NpzWriter w(dir.file("b.npz"), true);
    stream_member(w, "x", expected_array(DType::kFloat64, {4}), 8);
  }  // no close()
  EXPECT_EQ(count_files(dir.path()), 0);
}

TEST(NpzStreaming, SameMembersGiveTheSameBytesWithTheZipEpochTimestamp) {
  testing::ScratchDir dir;
  for (bool compress : {false, true}) {
    for (const char* name : {"a.npz", "b.npz"}) {
      NpzWriter w(dir.file(name), compress);
      w.add("x", expected_array(DType::kInt32, {9}));
      stream_member(w, "y", expected_array(DType::kFloat32, {3, 3}), 5);
      w.close();
    }
    const std::string a = testing::read_bytes(dir.file("a.npz"));
    EXPECT_EQ(a, testing::read_bytes(dir.file("b.npz")));
    // Local header: modification time at bytes 10-11, date at 12-13 (1980-01-01 = 0x0021).
    ASSERT_GT(a.size(), 14u);
    EXPECT_EQ(a.substr(10, 4), std::string("\x00\x00\x21\x00", 4));
  }
}

TEST(NpzStreaming, NumPyReadsAStreamedArchive) {
  if (!testing::numpy_available()) GTEST_SKIP() << "numpy is not importable by " << testing::python3();
  testing::ScratchDir dir;
  for (bool compress : {false, true}) {
    const std::string path = dir.file(compress ? "c.npz" : "s.npz");
    NpzWriter w(path, compress);
    stream_member(w, "d", expected_array(DType::kFloat32, {4, 3, 3}), 10);
    w.add("z", expected_array(DType::kComplex64, {2}));
    w.close();
    const std::string script =
        "import numpy as np, sys\n"
        "z = np.load(sys.argv[1])\n"
        "d = z['d']\n"
        "assert d.dtype == np.float32 and d.shape == (4, 3, 3), (d.dtype, d.shape)\n"
        "assert np.array_equal(d.ravel(), (np.arange(36) * 0.5 - 3.25).astype(np.float32))\n"
        "assert np.array_equal(z['z'], np.array([0, 0.5 - 0.25j], np.complex64))\n";
    testing::write_bytes(dir.file("check.py"), script);
    const auto r =
        ptychopinn::testing::run_command(testing::python3() + " " + dir.file("check.py") + " " + path);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
}

}  // namespace
}  // namespace ptychopinn::io
