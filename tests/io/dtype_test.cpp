#include "ptychopinn/io/dtype.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ptychopinn::io {
namespace {

TEST(DType, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(DType::kUnicode); ++i) {
    const auto d = static_cast<DType>(i);
    EXPECT_EQ(parse_dtype(to_string(d)), d);
  }
  EXPECT_EQ(to_string(DType::kFloat32), "float32");
  EXPECT_EQ(to_string(DType::kUnicode), "unicode");
}

TEST(DType, ParseErrorListsValidNamesAndSuggests) {
  try {
    parse_dtype("flaot32");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("complex128"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'float32'"), std::string::npos) << m;
  }
}

TEST(DType, SizesAndKinds) {
  EXPECT_EQ(dtype_size(DType::kBool), 1u);
  EXPECT_EQ(dtype_size(DType::kUInt16), 2u);
  EXPECT_EQ(dtype_size(DType::kComplex64), 8u);
  EXPECT_EQ(dtype_size(DType::kComplex128), 16u);
  EXPECT_EQ(dtype_size(DType::kUnicode), 4u);
  EXPECT_TRUE(is_complex(DType::kComplex64));
  EXPECT_FALSE(is_complex(DType::kFloat64));
  EXPECT_TRUE(is_floating(DType::kFloat32));
  EXPECT_FALSE(is_floating(DType::kComplex128));
  EXPECT_TRUE(is_integer(DType::kUInt64));
  EXPECT_FALSE(is_integer(DType::kBool));
}

}  // namespace
}  // namespace ptychopinn::io
