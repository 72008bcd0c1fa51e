#include "ptychopinn/simulate/scans.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "support/error_of.h"

namespace ptychopinn::simulate {
namespace {

using testing::error_of;

TEST(GridScan, PatternCountsMatchTheReferenceGridLinesDatasets) {
  // The reference's grid-lines datasets: size 392, g = 1, offset 4; outer_offset 8 (train) and 20 (test).
  EXPECT_EQ(grid_scan(392, 64, 1, 4, 8).size(), 83u * 83u);
  EXPECT_EQ(grid_scan(392, 64, 1, 4, 20).size(), 33u * 33u);
  EXPECT_EQ(grid_scan(392, 128, 1, 4, 8).size(), 67u * 67u);
  EXPECT_EQ(grid_scan(392, 128, 1, 4, 20).size(), 27u * 27u);
}

TEST(GridScan, SingleChannelPositionsStepByHalfTheOuterOffsetFromPatchCentreNOver2) {
  const ScanPositions p = grid_scan(100, 64, 1, 4, 8);
  const size_t n_side = (100 - 64) / 4 + 1;
  ASSERT_EQ(p.size(), n_side * n_side);
  EXPECT_DOUBLE_EQ(p.x[0], 32.0);
  EXPECT_DOUBLE_EQ(p.y[0], 32.0);
  EXPECT_DOUBLE_EQ(p.x[1] - p.x[0], 4.0);       // next column
  EXPECT_DOUBLE_EQ(p.y[n_side] - p.y[0], 4.0);  // next row
  EXPECT_DOUBLE_EQ(p.x[n_side], p.x[0]);
}

TEST(GridScan, ChannelsOfAGroupAreOffsetApartAroundTheRegionCentrePointReflected) {
  const int64_t offset = 4;
  const ScanPositions p = grid_scan(128, 64, 2, offset, 8);
  // Region 0: corner 0, centre 32 + offset/2 = 34; channel c sits at centre − coords_c with
  // coords = (−2,−2), (+2,−2), (−2,+2), (+2,+2) (scans.h).
  const double cx[] = {36, 32, 36, 32}, cy[] = {36, 36, 32, 32};
  for (int c = 0; c < 4; ++c) {
    EXPECT_DOUBLE_EQ(p.x[c], cx[c]) << c;
    EXPECT_DOUBLE_EQ(p.y[c], cy[c]) << c;
  }
  for (size_t g = 0; g < p.size() / 4; ++g) {
    EXPECT_DOUBLE_EQ(std::abs(p.x[4 * g + 1] - p.x[4 * g]), offset);
    EXPECT_DOUBLE_EQ(std::abs(p.y[4 * g + 2] - p.y[4 * g]), offset);
  }
}

TEST(GridScan, EveryPatchLiesInsideTheObjectAndNominalEqualsActual) {
  for (int64_t g : {1, 2, 3}) {
    const ScanPositions p = grid_scan(200, 64, g, 5, 20);
    ASSERT_GT(p.size(), 0u);
    for (size_t i = 0; i < p.size(); ++i) {
      EXPECT_GE(p.x[i] - 32, 0.0);
      EXPECT_LE(p.x[i] + 32, 200.0);
      EXPECT_GE(p.y[i] - 32, 0.0);
      EXPECT_LE(p.y[i] + 32, 200.0);
    }
    EXPECT_EQ(p.x, p.x_nominal);
    EXPECT_EQ(p.y, p.y_nominal);
  }
}

TEST(GridScan, InvalidArgumentsAreRejectedNamingTheArgument) {
  EXPECT_NE(error_of([] { grid_scan(392, 64, 1, 4, 1); }).find("outer_offset = 1"), std::string::npos);
  EXPECT_NE(error_of([] { grid_scan(392, 64, 0, 4, 8); }).find("gridsize = 0"), std::string::npos);
  EXPECT_NE(error_of([] { grid_scan(392, 64, 2, 0, 8); }).find("offset = 0"), std::string::npos);
  EXPECT_NE(error_of([] { grid_scan(392, 0, 1, 4, 8); }).find("N = 0"), std::string::npos);
  EXPECT_NE(error_of([] { grid_scan(60, 64, 1, 4, 8); }).find("N + (gridsize - 1) * offset = 64"),
            std::string::npos);
}

TEST(RandomScan, EveryPatchStaysInsideTheObjectWithTheBorderBuffer) {
  const int64_t size = 300, n = 64;
  const double buffer = 10.5;
  const ScanPositions p = random_scan(5000, size, n, buffer, 42);
  ASSERT_EQ(p.size(), 5000u);
  const auto [xmin, xmax] = std::minmax_element(p.x.begin(), p.x.end());
  const auto [ymin, ymax] = std::minmax_element(p.y.begin(), p.y.end());
  EXPECT_GE(*xmin, n / 2 + buffer);
  EXPECT_LE(*xmax, size - n / 2 - buffer);
  EXPECT_GE(*ymin, n / 2 + buffer);
  EXPECT_LE(*ymax, size - n / 2 - buffer);
  // Uniform over the whole allowed range: the extremes come close to its ends.
  EXPECT_LT(*xmin, n / 2 + buffer + 1.0);
  EXPECT_GT(*ymax, size - n / 2 - buffer - 1.0);
  EXPECT_EQ(p.x, p.x_nominal);
}

TEST(RandomScan, TheSameSeedRepeatsThePositionsAndAnotherSeedChangesThem) {
  const ScanPositions a = random_scan(100, 256, 64, 0, 7), b = random_scan(100, 256, 64, 0, 7);
  const ScanPositions c = random_scan(100, 256, 64, 0, 8);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_NE(a.x, c.x);
  EXPECT_NE(a.x, a.y);  // x and y are separate draws
}

TEST(RandomScan, InvalidArgumentsAreRejectedNamingTheArgument) {
  EXPECT_NE(error_of([] { random_scan(10, 100, 64, 20, 1); }).find("border_buffer = 20"), std::string::npos);
  EXPECT_NE(error_of([] { random_scan(10, 100, 64, -1, 1); }).find("border_buffer = -1"), std::string::npos);
  EXPECT_NE(error_of([] { random_scan(-1, 100, 64, 0, 1); }).find("n_positions = -1"), std::string::npos);
  EXPECT_NE(error_of([] { random_scan(10, 100, 0, 0, 1); }).find("N = 0"), std::string::npos);
}

TEST(PositionJitter, OffsetsHaveZeroMeanAndStandardDeviationSigmaAndLeaveNominalUntouched) {
  ScanPositions p = random_scan(40000, 1000, 64, 0, 3);
  const ScanPositions before = p;
  const double sigma = 0.7;
  add_position_jitter(p, sigma, 99);
  EXPECT_EQ(p.x_nominal, before.x_nominal);
  EXPECT_EQ(p.y_nominal, before.y_nominal);
  for (int axis = 0; axis < 2; ++axis) {
    const auto& now = axis == 0 ? p.x : p.y;
    const auto& nominal = axis == 0 ? p.x_nominal : p.y_nominal;
    double sum = 0, sum_sq = 0;
    for (size_t i = 0; i < now.size(); ++i) {
      const double d = now[i] - nominal[i];
      sum += d;
      sum_sq += d * d;
    }
    const double mean = sum / now.size();
    const double std = std::sqrt(sum_sq / now.size() - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.02) << axis;           // 5σ/√n ≈ 0.018
    EXPECT_NEAR(std, sigma, 0.03 * sigma) << axis;  // ~4 standard errors
  }
}

TEST(PositionJitter, IsReproducibleAndZeroSigmaChangesNothing) {
  ScanPositions a = random_scan(50, 256, 64, 0, 1), b = a, c = a;
  const ScanPositions original = a;
  add_position_jitter(a, 1.0, 5);
  add_position_jitter(b, 1.0, 5);
  EXPECT_EQ(a.x, b.x);
  EXPECT_NE(a.x, original.x);
  add_position_jitter(c, 0.0, 5);
  EXPECT_EQ(c.x, original.x);
  EXPECT_EQ(c.y, original.y);
}

TEST(PositionJitter, InvalidArgumentsAreRejectedNamingTheArgument) {
  ScanPositions p = random_scan(5, 256, 64, 0, 1);
  EXPECT_NE(error_of([&] { add_position_jitter(p, -0.5, 1); }).find("sigma_px = -0.5"), std::string::npos);
  p.y.pop_back();
  EXPECT_NE(error_of([&] { add_position_jitter(p, 0.5, 1); }).find("positions.y.size() = 4"),
            std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::simulate
