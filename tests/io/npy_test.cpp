#include "ptychopinn/io/npy.h"

#include <gtest/gtest.h>

#include <cstring>

#include "io_test_support.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

using testing::arrays_equal;
using testing::expected_array;

TEST(NpyArray, DefaultIsEmptyFloat64) {
  const NpyArray a;
  EXPECT_EQ(a.dtype(), DType::kFloat64);
  EXPECT_EQ(a.shape(), std::vector<std::int64_t>{0});
  EXPECT_EQ(a.nbytes(), 0u);
}

TEST(NpyArray, ZerosValidatesShapeAndItemsize) {
  EXPECT_THROW(NpyArray::zeros(DType::kFloat32, {-1}), std::invalid_argument);
  EXPECT_THROW(NpyArray::zeros(DType::kFloat32, {1LL << 40, 1LL << 40}), std::invalid_argument);
  EXPECT_THROW(NpyArray::zeros(DType::kFloat32, {2}, 8), std::invalid_argument);
  EXPECT_THROW(NpyArray::zeros(DType::kUnicode, {2}, 6), std::invalid_argument);
  const NpyArray u = NpyArray::zeros(DType::kUnicode, {2}, 12);
  EXPECT_EQ(u.itemsize(), 12u);
  EXPECT_EQ(u.descr(), "<U3");
  EXPECT_EQ(u.strings(), (std::vector<std::string>{"", ""}));
}

TEST(NpyArray, FromDataCopiesAndTypedAccessChecksDType) {
  const float v[] = {1, 2, 3, 4, 5, 6};
  const NpyArray a = NpyArray::from_data<float>({2, 3}, v);
  EXPECT_NE(a.data(), static_cast<const void*>(v));
  EXPECT_EQ(a.data_as<float>()[5], 6.0f);
  EXPECT_EQ(a.numel(), 6);
  EXPECT_EQ(a.ndim(), 2u);
  EXPECT_EQ(a.descr(), "<f4");
  EXPECT_THROW(a.data_as<double>(), std::invalid_argument);
  EXPECT_FALSE(a.is_mapped());
}

TEST(NpyArray, StringsRoundTripUtf8AndRejectInvalid) {
  const std::vector<std::string> s = {"", "a", "\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80!"};
  const NpyArray a = NpyArray::from_strings(s, {2, 2});
  EXPECT_EQ(a.itemsize(), 12u);  // 3 characters at most
  EXPECT_EQ(a.strings(), s);
  EXPECT_EQ(NpyArray::scalar_string("{\"k\": 1}").string_value(), "{\"k\": 1}");
  EXPECT_THROW(NpyArray::from_strings({"\xff"}, {1}), std::invalid_argument);
  EXPECT_THROW(NpyArray::from_strings({"\xc0\x80"}, {1}), std::invalid_argument);  // overlong NUL
  EXPECT_THROW(NpyArray::from_strings({std::string("a\0b", 3)}, {1}), std::invalid_argument);
  EXPECT_THROW(NpyArray::from_strings({"a", "b"}, {3}), std::invalid_argument);
  EXPECT_THROW(a.string_value(), std::invalid_argument);
  EXPECT_THROW(a.to_double_vector(), std::invalid_argument);
}

TEST(NpyArray, InvalidCodePointsBecomeReplacementCharacters) {
  NpyArray a = NpyArray::zeros(DType::kUnicode, {}, 12);
  const char32_t units[3] = {U'a', 0xD800, 0x110000};
  std::memcpy(a.mutable_data(), units, 12);
  EXPECT_EQ(a.string_value(), "a\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(Npy, EncodeParseRoundTripsEveryDType) {
  for (int d = 0; d <= static_cast<int>(DType::kUnicode); ++d) {
    const auto dtype = static_cast<DType>(d);
    SCOPED_TRACE(to_string(dtype));
    for (const auto& shape : std::vector<std::vector<std::int64_t>>{{}, {0}, {7}, {2, 3, 4}, {3, 0, 2}}) {
      const NpyArray a = expected_array(dtype, shape);
      const std::string bytes = encode_npy(a);
      EXPECT_EQ(std::memcmp(bytes.data(), "\x93NUMPY\x01\x00", 8), 0);
      const NpyHeader h = parse_npy_header(bytes.data(), bytes.size(), "mem");
      EXPECT_EQ(h.data_offset % 64, 0u);
      EXPECT_EQ(h.shape, shape);
      EXPECT_TRUE(arrays_equal(parse_npy(bytes.data(), bytes.size(), "mem"), a));
    }
  }
}

TEST(Npy, HeaderAlignsDataForAGivenFileOffset) {
  const NpyArray a = expected_array(DType::kFloat64, {3});
  for (std::size_t offset : {0u, 1u, 37u, 63u, 64u, 1000u}) {
    EXPECT_EQ((offset + encode_npy_header(a, offset).size()) % 64, 0u) << offset;
  }
}

TEST(Npy, UsesVersion2WhenTheHeaderIsLarge) {
  // A shape with many dimensions needs a header over 65535 bytes.
  const NpyArray a = NpyArray::zeros(DType::kUInt8, std::vector<std::int64_t>(30000, 1));
  const std::string bytes = encode_npy(a);
  EXPECT_EQ(bytes[6], 2);
  const NpyHeader h = parse_npy_header(bytes.data(), bytes.size(), "big");
  EXPECT_EQ(h.version_major, 2);
  EXPECT_EQ(h.shape.size(), 30000u);
}

TEST(Npy, AliasesWhenAnOwnerIsGivenAndCopiesOnWrite) {
  const std::string bytes = encode_npy(expected_array(DType::kInt32, {4}));
  auto owner = std::make_shared<std::string>(bytes);
  NpyArray a = parse_npy(owner->data(), owner->size(), "mem", owner);
  EXPECT_TRUE(a.is_mapped());
  const void* aliased = a.data();
  EXPECT_EQ(aliased, owner->data() + parse_npy_header(bytes.data(), bytes.size(), "m").data_offset);
  a.mutable_data_as<std::int32_t>()[0] = 99;  // copies: the caller's bytes never change
  EXPECT_NE(a.data(), aliased);
  EXPECT_EQ(*owner, bytes);
  EXPECT_FALSE(parse_npy(bytes.data(), bytes.size(), "mem").is_mapped());
}

TEST(Npy, ParsesPython2LongsAndDoubleQuotes) {
  std::string header = "{\"descr\": \"<i2\", \"fortran_order\": False, \"shape\": (2L, 1L), }\n";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header;
  bytes += std::string("\x01\x00\x02\x00", 4);
  const NpyArray a = parse_npy(bytes.data(), bytes.size(), "py2");
  EXPECT_EQ(a.shape(), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(a.data_as<std::int16_t>()[1], 2);
}

TEST(Npy, NonCanonicalBoolsAreNormalised) {
  std::string bytes = encode_npy(NpyArray::zeros(DType::kBool, {3}));
  bytes[bytes.size() - 2] = 7;
  auto owner = std::make_shared<std::string>(bytes);
  const NpyArray a = parse_npy(owner->data(), owner->size(), "b", owner);
  EXPECT_FALSE(a.is_mapped());
  EXPECT_EQ(a.to_double_vector(), (std::vector<double>{0, 1, 0}));
}

TEST(Npy, WriteAndReadFileMapsAndNeverWritesBack) {
  testing::ScratchDir dir;
  const std::string path = dir.file("a.npy");
  write_npy(path, expected_array(DType::kComplex128, {3, 2}));
  const std::string before = testing::read_bytes(path);
  {
    NpyArray a = read_npy(path);
    EXPECT_TRUE(a.is_mapped());
    EXPECT_TRUE(a.is_aligned());
    EXPECT_TRUE(arrays_equal(a, expected_array(DType::kComplex128, {3, 2})));
    const void* mapped = a.data();
    a.mutable_data_as<std::complex<double>>()[0] = {42, 42};  // private mapping: copy-on-write
    EXPECT_EQ(a.data(), mapped);
    EXPECT_EQ(a.data_as<std::complex<double>>()[0], std::complex<double>(42, 42));
  }
  EXPECT_EQ(testing::read_bytes(path), before);
  EXPECT_TRUE(arrays_equal(read_npy(path), expected_array(DType::kComplex128, {3, 2})));
}

TEST(Npy, WriteIsAtomicAndLeavesNoTemporaryFiles) {
  testing::ScratchDir dir;
  write_npy(dir.file("x.npy"), expected_array(DType::kInt8, {5}));
  write_npy(dir.file("x.npy"), expected_array(DType::kInt8, {6}));  // replaces
  EXPECT_EQ(read_npy(dir.file("x.npy")).numel(), 6);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_THROW(write_npy(dir.file("missing_dir/x.npy"), NpyArray()), IoError);
  EXPECT_THROW(write_npy(dir.path(), NpyArray()), IoError);
}

}  // namespace
}  // namespace ptychopinn::io
