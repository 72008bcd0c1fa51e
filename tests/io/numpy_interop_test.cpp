// NumPy interoperability: files NumPy writes in every supported layout read back exactly, and files
// we write load in NumPy (np.load, allow_pickle=False) exactly. Both sides compute the expected
// values from the same formula (io_test_support.h, numpy_interop.py).
#include <gtest/gtest.h>

#include <cstring>

#include "io_test_support.h"
#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"

namespace ptychopinn::io {
namespace {

using testing::arrays_equal;
using testing::expected_array;

constexpr DType kAllDTypes[] = {DType::kBool,       DType::kInt8,    DType::kInt16,   DType::kInt32,
                                DType::kInt64,      DType::kUInt8,   DType::kUInt16,  DType::kUInt32,
                                DType::kUInt64,     DType::kFloat32, DType::kFloat64, DType::kComplex64,
                                DType::kComplex128, DType::kUnicode};
const std::vector<std::int64_t> kShape = {2, 3, 4};

class NumpyInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::numpy_available()) return;
    dir_ = new testing::ScratchDir();
    std::string output;
    make_rc_ = testing::run_interop("make", dir_->path(), &output);
    make_output_ = output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!testing::numpy_available()) {
      GTEST_SKIP() << testing::python3() << " cannot import numpy (install python3-numpy); "
                   << "the NumPy interoperability tests need it";
    }
    ASSERT_EQ(make_rc_, 0) << make_output_;
  }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static std::string metadata_json() { return testing::read_bytes(file("metadata.json")); }

  static testing::ScratchDir* dir_;
  static int make_rc_;
  static std::string make_output_;
};
testing::ScratchDir* NumpyInterop::dir_ = nullptr;
int NumpyInterop::make_rc_ = -1;
std::string NumpyInterop::make_output_;

TEST_F(NumpyInterop, ReadsEveryDTypeEndiannessOrderAndVersion) {
  int checked = 0;
  for (DType dtype : kAllDTypes) {
    const NpyArray want = expected_array(dtype, kShape);
    for (const char* endian : {"le", "be"}) {
      for (const char* order : {"C", "F"}) {
        for (int version = 1; version <= 3; ++version) {
          const std::string name =
              to_string(dtype) + "_" + endian + "_" + order + "_v" + std::to_string(version) + ".npy";
          SCOPED_TRACE(name);
          const std::string bytes = testing::read_bytes(file(name));
          const NpyHeader h = parse_npy_header(bytes.data(), bytes.size(), name);
          EXPECT_EQ(h.version_major, version);
          EXPECT_EQ(h.fortran_order, std::string(order) == "F");
          const NpyArray got = read_npy(file(name));
          EXPECT_TRUE(arrays_equal(got, want));
          // Native-endian C-order data is aliased in the mapping; anything else is converted.
          const bool native = std::string(endian) == "le" || dtype_size(dtype) == 1;
          if (dtype != DType::kUnicode && dtype != DType::kBool) {
            EXPECT_EQ(got.is_mapped(), native && std::string(order) == "C");
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 14 * 12);
}

TEST_F(NumpyInterop, ReadsZeroDEmptyAndVectors) {
  for (DType dtype : kAllDTypes) {
    SCOPED_TRACE(to_string(dtype));
    const NpyArray zerod = read_npy(file("zerod_" + to_string(dtype) + ".npy"));
    EXPECT_EQ(zerod.ndim(), 0u);
    EXPECT_EQ(zerod.numel(), 1);
    // The 0-d file holds value(dtype, 0).
    EXPECT_TRUE(arrays_equal(zerod, expected_array(dtype, {})));
    const NpyArray empty = read_npy(file("empty_" + to_string(dtype) + ".npy"));
    EXPECT_EQ(empty.shape(), (std::vector<std::int64_t>{0, 3}));
    EXPECT_EQ(empty.nbytes(), 0u);
    EXPECT_TRUE(
        arrays_equal(read_npy(file("vector_" + to_string(dtype) + ".npy")), expected_array(dtype, {5})));
  }
}

TEST_F(NumpyInterop, ReadsSavezStoredMembersMapped) {
  NpzReader z(file("stored.npz"));
  std::vector<std::string> keys = z.keys();
  EXPECT_EQ(keys.size(), 15u);
  EXPECT_EQ(keys.front(), "_metadata");  // archive order: savez writes keyword arguments in order
  for (DType dtype : kAllDTypes) {
    SCOPED_TRACE(to_string(dtype));
    ASSERT_TRUE(z.contains(to_string(dtype)));
    EXPECT_TRUE(z.is_stored(to_string(dtype)));
    const NpyArray a = z.read(to_string(dtype));
    EXPECT_TRUE(arrays_equal(a, expected_array(dtype, kShape)));
    if (dtype != DType::kBool) {
      EXPECT_TRUE(a.is_mapped());
    }
    EXPECT_EQ(z.header(to_string(dtype)).shape, kShape);
  }
  const NpyArray meta = z.read("_metadata");
  EXPECT_EQ(meta.dtype(), DType::kUnicode);
  EXPECT_EQ(meta.ndim(), 0u);
  EXPECT_EQ(meta.string_value(), metadata_json());
  EXPECT_TRUE(z.header("_metadata").pickled_object);
}

TEST_F(NumpyInterop, ReadsSavezCompressedMembers) {
  NpzReader z(file("deflated.npz"));
  for (DType dtype : kAllDTypes) {
    SCOPED_TRACE(to_string(dtype));
    EXPECT_FALSE(z.is_stored(to_string(dtype)));
    const NpyArray a = z.read(to_string(dtype));
    EXPECT_FALSE(a.is_mapped());
    EXPECT_TRUE(arrays_equal(a, expected_array(dtype, kShape)));
    const NpyHeader h = z.header(to_string(dtype));
    EXPECT_EQ(h.shape, kShape);
    EXPECT_EQ(h.dtype, dtype);
  }
  EXPECT_EQ(z.read("_metadata").string_value(), metadata_json());
}

TEST_F(NumpyInterop, ReadsPickledMetadataAtEveryProtocol) {
  EXPECT_EQ(read_npy(file("metadata_object.npy")).string_value(), metadata_json());
  for (int protocol = 2; protocol <= 5; ++protocol) {
    SCOPED_TRACE(protocol);
    EXPECT_EQ(read_npy(file("metadata_pickle_p" + std::to_string(protocol) + ".npy")).string_value(),
              metadata_json());
  }
}

TEST_F(NumpyInterop, NumpyLoadsWhatWeWrite) {
  testing::ScratchDir out;
  std::vector<std::pair<std::string, NpyArray>> members;
  members.emplace_back("_metadata", NpyArray::scalar_string(metadata_json()));
  for (DType dtype : kAllDTypes) {
    const std::string name = to_string(dtype);
    write_npy(out.file("out_full_" + name + ".npy"), expected_array(dtype, kShape));
    write_npy(out.file("out_zerod_" + name + ".npy"), expected_array(dtype, {}));
    write_npy(out.file("out_empty_" + name + ".npy"), expected_array(dtype, {0, 3}));
    members.emplace_back(name, expected_array(dtype, kShape));
  }
  write_npz(out.file("out_stored.npz"), members, false);
  write_npz(out.file("out_deflated.npz"), members, true);
  write_npz(out.file("out_empty.npz"), {}, false);
  std::string output;
  EXPECT_EQ(testing::run_interop("check", out.path(), &output), 0) << output;
  // And they read back here too.
  NpzReader stored(out.file("out_stored.npz"));
  for (DType dtype : kAllDTypes) {
    EXPECT_TRUE(arrays_equal(stored.read(to_string(dtype)), expected_array(dtype, kShape)));
  }
}

}  // namespace
}  // namespace ptychopinn::io
