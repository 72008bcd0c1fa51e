#include "ptychopinn/io/tensor_convert.h"

#include <gtest/gtest.h>

#include <limits>

#include "io_test_support.h"
#include "ptychopinn/io/npz.h"

namespace ptychopinn::io {
namespace {

using testing::expected_array;

TEST(TensorConvert, MapsEveryDTypeAndKeepsValues) {
  const std::vector<std::pair<DType, torch::ScalarType>> table = {
      {DType::kBool, torch::kBool},
      {DType::kInt8, torch::kChar},
      {DType::kInt16, torch::kShort},
      {DType::kInt32, torch::kInt},
      {DType::kInt64, torch::kLong},
      {DType::kUInt8, torch::kByte},
      {DType::kUInt16, torch::kInt},
      {DType::kUInt32, torch::kLong},
      {DType::kFloat32, torch::kFloat},
      {DType::kFloat64, torch::kDouble},
      {DType::kComplex64, torch::kComplexFloat},
      {DType::kComplex128, torch::kComplexDouble}};
  for (const auto& [dtype, type] : table) {
    SCOPED_TRACE(to_string(dtype));
    const NpyArray a = expected_array(dtype, {2, 3, 4});
    const torch::Tensor t = to_tensor(a);
    EXPECT_EQ(t.scalar_type(), type);
    EXPECT_EQ(t.sizes().vec(), (std::vector<std::int64_t>{2, 3, 4}));
    if (!is_complex(dtype)) {
      const std::vector<double> want = a.to_double_vector();
      const torch::Tensor d = t.to(torch::kDouble).flatten();
      for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(d[i].item<double>(), want[i]) << i;
    } else {
      const torch::Tensor back = t.to(torch::kComplexDouble).flatten();
      const NpyArray want = a.dtype() == DType::kComplex64 ? a : a;
      for (std::int64_t i = 0; i < a.numel(); ++i) {
        const auto z = back[i].item<c10::complex<double>>();
        const std::complex<double> w = dtype == DType::kComplex64
                                           ? std::complex<double>(want.data_as<std::complex<float>>()[i])
                                           : want.data_as<std::complex<double>>()[i];
        EXPECT_EQ(z.real(), w.real());
        EXPECT_EQ(z.imag(), w.imag());
      }
    }
  }
}

TEST(TensorConvert, SharesMemoryWhenTheLayoutAllows) {
  NpyArray a = expected_array(DType::kFloat32, {4, 5});
  const torch::Tensor t = to_tensor(a);
  EXPECT_EQ(t.data_ptr(), a.data());
  // Widened types are copies.
  const NpyArray u = expected_array(DType::kUInt16, {3});
  EXPECT_NE(to_tensor(u).data_ptr(), u.data());
}

TEST(TensorConvert, TensorOutlivesTheArray) {
  torch::Tensor t;
  {
    NpyArray a = expected_array(DType::kFloat64, {100});
    t = to_tensor(a);
  }
  EXPECT_EQ(t[99].item<double>(), (99 - 5) / 8.0);
}

TEST(TensorConvert, MappedNpzMemberTensorDoesNotWriteTheFile) {
  testing::ScratchDir dir;
  const std::string path = dir.file("a.npz");
  write_npz(path, {{"x", expected_array(DType::kFloat32, {8})}});
  const std::string before = testing::read_bytes(path);
  {
    NpzReader z(path);
    const NpyArray x = z.read("x");
    ASSERT_TRUE(x.is_mapped());
    torch::Tensor t = to_tensor(x);
    EXPECT_EQ(t.data_ptr(), x.data());  // our writer aligns stored data: no copy
    t.fill_(42.0f);
    EXPECT_EQ(t[3].item<float>(), 42.0f);
  }
  EXPECT_EQ(testing::read_bytes(path), before);
}

TEST(TensorConvert, MisalignedArrayIsCopiedAligned) {
  // A stored member at an odd offset, as NumPy's savez produces: build it by parsing at offset 1.
  const std::string npy = encode_npy(expected_array(DType::kFloat32, {6}));
  auto buffer = std::make_shared<std::string>(std::string(1, '\0') + npy);
  const NpyArray a = parse_npy(buffer->data() + 1, npy.size(), "odd", buffer);
  ASSERT_TRUE(a.is_mapped());
  ASSERT_FALSE(a.is_aligned());
  EXPECT_THROW(a.data_as<float>(), std::invalid_argument);
  const torch::Tensor t = to_tensor(a);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data_ptr()) % alignof(float), 0u);
  EXPECT_EQ(t[5].item<float>(), static_cast<float>(5 * 0.5 - 3.25));
}

TEST(TensorConvert, ZeroDAndEmpty) {
  const torch::Tensor s = to_tensor(expected_array(DType::kFloat64, {}));
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<double>(), -5 / 8.0);
  const torch::Tensor e = to_tensor(NpyArray::zeros(DType::kInt16, {0, 3}));
  EXPECT_EQ(e.sizes().vec(), (std::vector<std::int64_t>{0, 3}));
}

TEST(TensorConvert, UInt64SharedWhenInRangeElseOutOfRange) {
  const std::uint64_t ok[] = {0, 1, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())};
  const NpyArray a = NpyArray::from_data<std::uint64_t>({3}, ok);
  const torch::Tensor t = to_tensor(a);
  EXPECT_EQ(t.scalar_type(), torch::kLong);
  EXPECT_EQ(t[2].item<std::int64_t>(), std::numeric_limits<std::int64_t>::max());
  const std::uint64_t bad[] = {5, std::uint64_t{1} << 63};
  try {
    to_tensor(NpyArray::from_data<std::uint64_t>({2}, bad));
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("9223372036854775808"), std::string::npos) << e.what();
  }
}

TEST(TensorConvert, UnicodeIsRefused) {
  EXPECT_THROW(to_tensor(NpyArray::scalar_string("x")), std::invalid_argument);
}

TEST(TensorConvert, FromTensorMakesContiguousAndRoundTrips) {
  const torch::Tensor t = torch::arange(12, torch::kFloat).reshape({3, 4}).t();  // not contiguous
  const NpyArray a = from_tensor(t);
  EXPECT_EQ(a.dtype(), DType::kFloat32);
  EXPECT_EQ(a.shape(), (std::vector<std::int64_t>{4, 3}));
  EXPECT_EQ(a.data_as<float>()[1], 4.0f);  // C order of the transpose
  EXPECT_TRUE(torch::equal(to_tensor(a), t));
  const torch::Tensor c = torch::randn({2, 2}, torch::kComplexDouble);
  EXPECT_TRUE(torch::equal(to_tensor(from_tensor(c)), c));
  EXPECT_EQ(from_tensor(torch::ones({}, torch::kByte)).dtype(), DType::kUInt8);
  EXPECT_EQ(from_tensor(torch::ones({}, torch::kByte)).ndim(), 0u);
  EXPECT_THROW(from_tensor(torch::ones({2}, torch::kHalf)), std::invalid_argument);
  const torch::Tensor g = torch::ones({3}, torch::requires_grad());
  EXPECT_EQ(from_tensor(g).numel(), 3);
}

TEST(TensorConvert, FromTensorSharesMemory) {
  torch::Tensor t = torch::zeros({5}, torch::kDouble);
  const NpyArray a = from_tensor(t);
  t[2] = 7.0;
  EXPECT_EQ(a.data_as<double>()[2], 7.0);
}

}  // namespace
}  // namespace ptychopinn::io
