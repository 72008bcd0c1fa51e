#include "ptychopinn/data/array_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>

namespace ptychopinn::data {
namespace {

TEST(ComputeStats, ReportsRangeMeanAndCountsOfRealValues) {
  const float v[] = {1.0f,
                     -2.0f,
                     0.0f,
                     4.5f,
                     std::numeric_limits<float>::quiet_NaN(),
                     std::numeric_limits<float>::infinity()};
  const ArrayStats s = compute_stats(io::NpyArray::from_data<float>({2, 3}, v));
  EXPECT_TRUE(s.numeric);
  EXPECT_EQ(s.count, 6);
  EXPECT_EQ(s.nan_count, 1);
  EXPECT_EQ(s.inf_count, 1);
  EXPECT_EQ(s.negative_count, 1);
  EXPECT_EQ(s.zero_count, 1);
  EXPECT_DOUBLE_EQ(s.min, -2.0);
  EXPECT_DOUBLE_EQ(s.max, 4.5);
  EXPECT_DOUBLE_EQ(s.mean, 3.5 / 4);
  EXPECT_FALSE(s.all_integral);
}

TEST(ComputeStats, UsesTheModulusOfComplexValues) {
  const std::complex<double> v[] = {{3, 4}, {0, -1}};
  const ArrayStats s = compute_stats(io::NpyArray::from_data<std::complex<double>>({2}, v));
  EXPECT_TRUE(s.of_modulus);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 5.0);
  EXPECT_TRUE(s.all_integral);
}

TEST(ComputeStats, HandlesIntegersAndUnicode) {
  const std::uint16_t v[] = {0, 65535, 7};
  const ArrayStats s = compute_stats(io::NpyArray::from_data<std::uint16_t>({3}, v));
  EXPECT_DOUBLE_EQ(s.max, 65535.0);
  EXPECT_TRUE(s.all_integral);
  EXPECT_FALSE(compute_stats(io::NpyArray::scalar_string("{}")).numeric);
}

}  // namespace
}  // namespace ptychopinn::data
