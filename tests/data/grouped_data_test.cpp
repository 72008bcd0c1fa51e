#include "ptychopinn/data/grouped_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "support/run_command.h"
#include "support/tiny_dataset.h"

namespace ptychopinn::data {
namespace {

using testing::TempDir;
using testing::TinyDatasetOptions;
using testing::write_tiny_dataset;

std::shared_ptr<const Dataset> tiny(const TinyDatasetOptions& o = {}) {
  TempDir dir;
  write_tiny_dataset(dir.file("d.npz"), o);
  return std::make_shared<const Dataset>(load_dataset(dir.file("d.npz")));
}

GroupTable table(int c, std::vector<std::int64_t> idx) {
  GroupTable t;
  t.group_size = c;
  t.n_rows = static_cast<std::int64_t>(idx.size()) / c;
  t.indices = std::move(idx);
  return t;
}

TEST(GroupCoordinates, FollowsTheSpecWorkedExample) {
  // x = [1, 3, 5, 7], y = [2, 0, -2, 4]: centre (4, 1), relative = -(v - centre).
  const std::vector<double> x = {1, 3, 5, 7}, y = {2, 0, -2, 4};
  const std::int64_t members[] = {0, 1, 2, 3};
  double centre[2], rel[8];
  group_coordinates(x, y, members, 4, centre, rel);
  EXPECT_DOUBLE_EQ(centre[0], 4.0);
  EXPECT_DOUBLE_EQ(centre[1], 1.0);
  const double expected[] = {3, -1, 1, 1, -1, 3, -3, -3};
  for (int i = 0; i < 8; ++i) EXPECT_DOUBLE_EQ(rel[i], expected[i]) << i;
}

TEST(GroupedData, GridsizeOneHasZeroRelativeOffsetsAndCentresOnThePoints) {
  auto d = tiny();
  GroupedData g(d, table(1, {0, 1, 2, 3, 4, 5, 6, 7, 8}));
  const Batch b = g.batch({2, 5});
  EXPECT_EQ(b.patterns.sizes(), (std::vector<std::int64_t>{2, 1, 8, 8}));
  EXPECT_EQ(b.patterns.scalar_type(), torch::kFloat32);
  EXPECT_EQ(b.coords_relative.sizes(), (std::vector<std::int64_t>{2, 1, 2}));
  EXPECT_EQ(b.coords_relative.scalar_type(), torch::kFloat64);
  EXPECT_EQ(b.coords_relative.abs().max().item<double>(), 0.0);
  EXPECT_EQ(b.coords_offsets[0][0].item<double>(), d->x()[2]);
  EXPECT_EQ(b.coords_offsets[1][1].item<double>(), d->y()[5]);
  EXPECT_EQ(b.indices[1][0].item<std::int64_t>(), 5);
  EXPECT_FALSE(b.ground_truth.defined());
}

TEST(GroupedData, NormalisesTheMeanPatternEnergyToHalfNSquared) {
  auto d = tiny();
  // Duplicates count: pattern 0 appears three times.
  GroupedData g(d, table(4, {0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 1}));
  const Batch b = g.batch({0, 1, 2});
  const double mean_energy = b.patterns.to(torch::kFloat64).pow(2).sum({2, 3}).mean().item<double>();
  EXPECT_NEAR(mean_energy, 16.0, 1e-4);  // (N/2)^2 with N = 8
  std::vector<float> raw(64);
  d->copy_pattern(4, raw.data());
  EXPECT_FLOAT_EQ(b.patterns[1][1][3][5].item<float>(), raw[3 * 8 + 5] * g.normalization());
}

TEST(GroupedData, IntensityScaleDefaultsToSqrtPhotonsOverHalfN) {
  auto d = tiny();
  GroupedDataOptions o;
  o.nphotons = 1e6;
  EXPECT_DOUBLE_EQ(GroupedData(d, table(1, {0, 1}), o).intensity_scale(), 1000.0 / 4.0);
  o.intensity_scale = 12.5;
  EXPECT_DOUBLE_EQ(GroupedData(d, table(1, {0, 1}), o).intensity_scale(), 12.5);
}

TEST(GroupedData, BatchesCarryGroupCoordinatesAndStartVariants) {
  TinyDatasetOptions o;
  o.include_start = true;
  auto d = tiny(o);
  GroupedData g(d, table(4, {0, 1, 3, 4}));
  const Batch b = g.batch({0});
  // Points 0, 1, 3, 4 of the 3x3 grid (spacing 4, origin 10): centre (12, 12).
  EXPECT_DOUBLE_EQ(b.coords_offsets[0][0].item<double>(), 12.0);
  EXPECT_DOUBLE_EQ(b.coords_offsets[0][1].item<double>(), 12.0);
  EXPECT_DOUBLE_EQ(b.coords_relative[0][0][0].item<double>(), 2.0);   // -(10 - 12)
  EXPECT_DOUBLE_EQ(b.coords_relative[0][3][1].item<double>(), -2.0);  // -(14 - 12)
  EXPECT_DOUBLE_EQ(b.coords_start_offsets[0][0].item<double>(), 12.5);
  EXPECT_DOUBLE_EQ(b.coords_start_relative[0][0][0].item<double>(), 2.0);
}

TEST(GroupedData, GroundTruthPatchesAreCentredOnEachMembersPosition) {
  TinyDatasetOptions o;
  o.include_object = true;
  auto d = tiny(o);
  GroupedData g(d, table(4, {0, 1, 3, 4}));
  const Batch b = g.batch({0});
  ASSERT_TRUE(b.ground_truth.defined());
  EXPECT_EQ(b.ground_truth.sizes(), (std::vector<std::int64_t>{1, 4, 8, 8}));
  for (int k = 0; k < 4; ++k) {
    const auto idx = b.indices[0][k].item<std::int64_t>();
    const auto centre = b.ground_truth[0][k][4][4].item<c10::complex<float>>();
    EXPECT_FLOAT_EQ(centre.real(), static_cast<float>(d->y()[idx])) << k;  // object pixel (r, c) = r + i c
    EXPECT_FLOAT_EQ(centre.imag(), static_cast<float>(d->x()[idx])) << k;
  }
}

TEST(GroupedData, RejectsBadTablesAndIds) {
  auto d = tiny();
  EXPECT_THROW(GroupedData(d, table(1, {0, 9})), std::invalid_argument);
  EXPECT_THROW(GroupedData(d, table(1, {})), std::invalid_argument);
  GroupedData g(d, table(1, {0, 1}));
  EXPECT_THROW(g.batch({2}), std::out_of_range);
}

TEST(BatchSampler, CoversEveryGroupOnceKeepsThePartialBatchAndIsSeeded) {
  const BatchSampler s(10, 4, /*shuffle=*/true, 7);
  EXPECT_EQ(s.batches_per_epoch(), 3);
  const auto e0 = s.epoch(0);
  ASSERT_EQ(e0.size(), 3u);
  EXPECT_EQ(e0[2].size(), 2u);
  std::set<std::int64_t> seen;
  for (const auto& b : e0) seen.insert(b.begin(), b.end());
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(BatchSampler(10, 4, true, 7).epoch(0), e0);
  EXPECT_NE(s.epoch(1), e0);
  const auto seq = BatchSampler(5, 2, false, 0).epoch(3);
  EXPECT_EQ(seq, (std::vector<std::vector<std::int64_t>>{{0, 1}, {2, 3}, {4}}));
}

}  // namespace
}  // namespace ptychopinn::data
