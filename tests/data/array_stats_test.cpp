#include "ptychopinn/data/array_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "ptychopinn/io/npz.h"
#include "support/run_command.h"

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

// A scan that hands back the pages behind it (an array larger than one chunk of the scan, from a
// stored archive member the reader maps) gives the same statistics, and the array reads the same after.
TEST(ComputeStats, ReleasingTheScannedPagesChangesNothing) {
  testing::TempDir dir;
  std::vector<float> v(3 << 20);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 1000) - 3.0f;
  {
    io::NpzWriter w(dir.file("a.npz"));
    w.add("x", io::NpyArray::from_data<float>({static_cast<std::int64_t>(v.size())}, v.data()));
    w.close();
  }
  const io::NpzReader reader(dir.file("a.npz"));
  EXPECT_TRUE(reader.maps_file());
  const io::NpyArray a = reader.read("x");
  ASSERT_TRUE(a.is_mapped());
  const ArrayStats kept = compute_stats(a), released = compute_stats(a, true);
  EXPECT_EQ(released.count, kept.count);
  EXPECT_EQ(released.negative_count, kept.negative_count);
  EXPECT_EQ(released.zero_count, kept.zero_count);
  EXPECT_EQ(released.min, kept.min);
  EXPECT_EQ(released.max, kept.max);
  EXPECT_EQ(released.mean, kept.mean);
  const auto* data = static_cast<const float*>(a.data());
  for (std::size_t i = 0; i < v.size(); i += 4099) ASSERT_EQ(data[i], v[i]) << i;
  EXPECT_FALSE(io::NpzReader::from_arrays("arrays", {{"x", a}}).maps_file());
}

}  // namespace
}  // namespace ptychopinn::data
