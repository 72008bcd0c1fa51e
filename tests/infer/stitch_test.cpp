#include "ptychopinn/infer/stitch.h"

#include <gtest/gtest.h>

#include <complex>
#include <stdexcept>
#include <vector>

#include "ptychopinn/data/patch_extraction.h"
#include "ptychopinn/simulate/objects.h"
#include "ptychopinn/simulate/scans.h"

namespace ptychopinn::infer {
namespace {

constexpr int64_t kN = 64;
constexpr int64_t kM = kDefaultStitchCropSize;

torch::Tensor positions_of(const std::vector<std::vector<double>>& xy) {
  auto out = torch::empty({static_cast<int64_t>(xy.size()), 2}, torch::kDouble);
  for (std::size_t i = 0; i < xy.size(); ++i) {
    out[static_cast<int64_t>(i)][0] = xy[i][0];
    out[static_cast<int64_t>(i)][1] = xy[i][1];
  }
  return out;
}

torch::Tensor positions_of_scan(const simulate::ScanPositions& scan) {
  auto out = torch::empty({static_cast<int64_t>(scan.size()), 2}, torch::kDouble);
  for (std::size_t i = 0; i < scan.size(); ++i) {
    out[static_cast<int64_t>(i)][0] = scan.x[i];
    out[static_cast<int64_t>(i)][1] = scan.y[i];
  }
  return out;
}

// The ground-truth N x N patch of `object` ([H, W] complex64) centred on every position.
torch::Tensor ground_truth_patches(const torch::Tensor& object, const torch::Tensor& positions) {
  const auto obj = object.contiguous();
  const int64_t n = positions.size(0);
  auto patches = torch::empty({n, kN, kN}, torch::kComplexFloat);
  const auto* src = reinterpret_cast<const std::complex<float>*>(obj.data_ptr<c10::complex<float>>());
  auto* dst = reinterpret_cast<std::complex<float>*>(patches.data_ptr<c10::complex<float>>());
  for (int64_t i = 0; i < n; ++i) {
    data::extract_patch(src, obj.size(0), obj.size(1), positions[i][0].item<double>(),
                        positions[i][1].item<double>(), kN, dst + i * kN * kN);
  }
  return patches;
}

// The object bilinearly sampled on the stitched image's pixel grid (pixel size 1).
torch::Tensor object_on_grid(const torch::Tensor& object, const StitchGrid& grid) {
  // An N x N "patch" whose pixel (N/2, N/2) is image pixel (height/2, width/2) covers the grid
  // exactly when it is square and even-sized, which the reference grid is.
  EXPECT_EQ(grid.width, grid.height);
  EXPECT_EQ(grid.width % 2, 0);
  const int64_t size = grid.width;
  auto out = torch::empty({size, size}, torch::kComplexFloat);
  const auto obj = object.contiguous();
  data::extract_patch(reinterpret_cast<const std::complex<float>*>(obj.data_ptr<c10::complex<float>>()),
                      obj.size(0), obj.size(1), grid.x_origin + static_cast<double>(size / 2),
                      grid.y_origin + static_cast<double>(size / 2), size,
                      reinterpret_cast<std::complex<float>*>(out.data_ptr<c10::complex<float>>()));
  return out;
}

// n random complex patches at random positions in [low, low + span)² (seeded).
struct RandomPatches {
  torch::Tensor patches;    // [n, N, N] complex64
  torch::Tensor positions;  // [n, 2] float64
};
RandomPatches random_patches(int64_t n, double low, double span, uint64_t seed) {
  torch::manual_seed(seed);
  RandomPatches out;
  out.patches = torch::complex(torch::randn({n, kN, kN}), torch::randn({n, kN, kN}));
  out.positions = torch::rand({n, 2}, torch::kDouble) * span + low;
  return out;
}

TEST(ReferenceStitchGrid, PadsEvenlyAroundTheMeanPosition) {
  // adj = ±10 -> pad 10 (even) -> canvas 20 + 20; the mean (20, 5) lands on index pad + M/2 = 20.
  auto grid = reference_stitch_grid(positions_of({{10, 5}, {30, 5}}), kM);
  EXPECT_EQ(grid.width, 40);
  EXPECT_EQ(grid.height, 40);
  EXPECT_DOUBLE_EQ(grid.x_origin, 0.0);
  EXPECT_DOUBLE_EQ(grid.y_origin, -15.0);
  // adj = ±2.5 -> ceil 3 -> odd -> 4.
  grid = reference_stitch_grid(positions_of({{0, 0}, {5, 1}}), 10);
  EXPECT_EQ(grid.width, 10 + 2 * 4);
  EXPECT_DOUBLE_EQ(grid.x_origin, 2.5 - 4 - 5);
  EXPECT_DOUBLE_EQ(grid.y_origin, 0.5 - 4 - 5);
  // One position: no padding at all.
  grid = reference_stitch_grid(positions_of({{7.25, 3}}), kM);
  EXPECT_EQ(grid.width, kM);
  EXPECT_DOUBLE_EQ(grid.x_origin, 7.25 - kM / 2);
}

TEST(ReassemblePosition, OfConstantPatchesIsOneOverTheCoveredAreaAndZeroElsewhere) {
  const auto positions = positions_of({{100.3, 50.7}, {112.0, 52.2}, {95.5, 80.1}, {140.25, 49.9}});
  const auto patches = torch::ones({4, kN, kN}, torch::kComplexFloat);
  const auto stitched = reassemble_position(patches, positions, kM);
  ASSERT_EQ(stitched.object.scalar_type(), torch::kComplexFloat);
  const auto covered = stitched.coverage > 1e-3;
  const auto uncovered = stitched.coverage == 0;
  EXPECT_GT(covered.sum().item<int64_t>(), 4 * (kM - 1) * (kM - 1));
  EXPECT_LT((stitched.object.masked_select(covered) - 1).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(stitched.object.masked_select(uncovered).abs().max().item<double>(), 0.0);
  // Pixels of exactly zero coverage exist: the positions span more in x than in y.
  EXPECT_GT(uncovered.sum().item<int64_t>(), 0);
}

TEST(ReassemblePosition, PlacesEachPatchCentreOnItsPosition) {
  // Integer positions far apart: each crop lands whole, so the coverage is the union of M x M
  // squares and the patch centre (N/2, N/2) sits on the position.
  const auto positions = positions_of({{10, 10}, {50, 10}, {30, 40}});
  auto patches = torch::zeros({3, kN, kN}, torch::kComplexFloat);
  for (int64_t i = 0; i < 3; ++i)
    patches[i][kN / 2][kN / 2] = c10::complex<float>(static_cast<float>(i + 1), 0.5f);
  const auto stitched = reassemble_position(patches, positions, kM);
  EXPECT_EQ((stitched.coverage > 0).sum().item<int64_t>(), 3 * kM * kM);
  for (int64_t i = 0; i < 3; ++i) {
    const auto column = static_cast<int64_t>(positions[i][0].item<double>() - stitched.grid.x_origin);
    const auto row = static_cast<int64_t>(positions[i][1].item<double>() - stitched.grid.y_origin);
    const auto value = stitched.object[row][column].item<c10::complex<float>>();
    EXPECT_NEAR(value.real(), static_cast<float>(i + 1), 1e-6);
    EXPECT_NEAR(value.imag(), 0.5, 1e-6);
  }
  EXPECT_NEAR(stitched.object.abs().sum().item<double>(),
              std::abs(std::complex<double>(1, 0.5)) + std::abs(std::complex<double>(2, 0.5)) +
                  std::abs(std::complex<double>(3, 0.5)),
              1e-5);
}

TEST(ReassemblePosition, OfGroundTruthPatchesReproducesTheObjectInsideTheScannedArea) {
  simulate::ObjectOptions options;
  options.set_phi = true;
  const auto object = simulate::make_object(simulate::ObjectKind::kLines, 128, 3, options);
  // Integer positions with an integer mean: the stitch is exact, no interpolation anywhere.
  const auto positions = positions_of_scan(simulate::grid_scan(128, kN, 1, 4, 8));
  ASSERT_EQ(positions.size(0), 17 * 17);
  const auto stitched = reassemble_position(ground_truth_patches(object, positions), positions, kM);
  const auto expected = object_on_grid(object, stitched.grid);
  const auto inside = stitched.coverage >= 1;
  // The scanned area (positions 32 ... 96, ± M/2) is covered everywhere.
  EXPECT_EQ(inside.sum().item<int64_t>(), (64 + kM) * (64 + kM));
  const double error = (stitched.object - expected).abs().masked_select(inside).max().item<double>();
  EXPECT_LT(error, 1e-5 * expected.abs().max().item<double>());
}

TEST(ReassemblePosition, AtFractionalPositionsApproximatesTheObject) {
  simulate::ObjectOptions options;
  options.set_phi = true;
  const auto object = simulate::make_object(simulate::ObjectKind::kLines, 128, 5, options);
  const auto positions = positions_of_scan(simulate::random_scan(300, 128, kN, 0.0, 11));
  const auto stitched = reassemble_position(ground_truth_patches(object, positions), positions, kM);
  const auto expected = object_on_grid(object, stitched.grid);
  const auto inside = stitched.coverage >= 1;
  ASSERT_GT(inside.sum().item<int64_t>(), 40 * 40);
  // Two bilinear interpolations (extraction and stitching) of a smooth object: small, not zero.
  const double mean_error = (stitched.object - expected).abs().masked_select(inside).mean().item<double>();
  EXPECT_LT(mean_error, 0.02 * expected.abs().masked_select(inside).mean().item<double>());
}

TEST(StitchAccumulator, BatchedAccumulationEqualsOneShot) {
  const auto [patches, positions] = random_patches(37, 30, 60, 3);
  const auto one_shot = reassemble_position(patches, positions, kM);
  StitchAccumulator accumulator(reference_stitch_grid(positions, kM), kM);
  for (int64_t first = 0; first < 37; first += 8) {
    const int64_t count = std::min<int64_t>(8, 37 - first);
    accumulator.add(patches.narrow(0, first, count), positions.narrow(0, first, count));
  }
  accumulator.add(patches.narrow(0, 0, 0), positions.narrow(0, 0, 0));  // an empty batch is a no-op
  EXPECT_EQ(accumulator.n_patches(), 37);
  const auto batched = accumulator.result();
  EXPECT_TRUE(torch::allclose(batched.object, one_shot.object, 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(batched.coverage, one_shot.coverage, 1e-12, 1e-12));
}

TEST(StitchIntoGrid, InMetresEqualsTheSameGridInPixels) {
  const auto [patches, positions_px] = random_patches(12, 20, 40, 4);
  StitchGrid pixels;
  pixels.x_origin = 5;
  pixels.y_origin = 7;
  pixels.width = 70;
  pixels.height = 60;
  const auto in_pixels = stitch_into_grid(patches, positions_px, pixels, kM);

  // ptychodus' ObjectGeometry of the same grid: 8 nm pixels, centred somewhere else entirely.
  const double pixel_m = 8e-9;
  const double centre_x_m = 3e-6;
  const double centre_y_m = -1e-6;
  const auto grid_m = stitch_grid_from_center(centre_x_m, centre_y_m, pixel_m, pixel_m, 70, 60);
  EXPECT_DOUBLE_EQ(grid_m.x_origin, centre_x_m - 35 * pixel_m);
  EXPECT_DOUBLE_EQ(grid_m.y_origin, centre_y_m - 30 * pixel_m);
  auto positions_m = positions_px.clone();
  positions_m.select(1, 0).sub_(pixels.x_origin).mul_(pixel_m).add_(grid_m.x_origin);
  positions_m.select(1, 1).sub_(pixels.y_origin).mul_(pixel_m).add_(grid_m.y_origin);
  const auto in_metres = stitch_into_grid(patches, positions_m, grid_m, kM);
  EXPECT_TRUE(torch::allclose(in_metres.object, in_pixels.object, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(in_metres.coverage, in_pixels.coverage, 1e-6, 1e-6));
}

TEST(StitchIntoGrid, DropsContentOutsideTheGridAndKeepsTheRest) {
  const auto [patches, positions] = random_patches(6, 30, 30, 5);
  const auto full = reassemble_position(patches, positions, kM);
  // A window of the reference grid that cuts through several crops.
  StitchGrid window = full.grid;
  window.x_origin += 13;
  window.y_origin += 9;
  window.width = 17;
  window.height = 21;
  const auto part = stitch_into_grid(patches, positions, window, kM);
  const auto expected = full.object.narrow(0, 9, 21).narrow(1, 13, 17);
  EXPECT_TRUE(torch::allclose(part.object, expected, 1e-5, 1e-5));
}

TEST(StitchAccumulator, KeepsDoublePrecisionAndAcceptsRealPatches) {
  const auto positions = positions_of({{0, 0}, {3.5, 1}});
  const auto wide = reassemble_position(torch::ones({2, kN, kN}, torch::kComplexDouble), positions, kM);
  EXPECT_EQ(wide.object.scalar_type(), torch::kComplexDouble);
  const auto real = reassemble_position(torch::ones({2, kN, kN}, torch::kFloat), positions, kM);
  EXPECT_EQ(real.object.scalar_type(), torch::kComplexFloat);
  EXPECT_TRUE(torch::allclose(real.object.to(torch::kComplexDouble), wide.object, 1e-6, 1e-6));
}

TEST(StitchAccumulator, RejectsBadInputWithAMessageThatNamesIt) {
  const auto patches = torch::ones({2, kN, kN}, torch::kComplexFloat);
  try {
    reassemble_position(patches, positions_of({{0, 0}}), kM);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("positions"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      reassemble_position(torch::ones({2, 8, 8}, torch::kComplexFloat), positions_of({{0, 0}, {1, 1}}), kM),
      std::invalid_argument);  // N < M
  EXPECT_THROW(reassemble_position(torch::ones({2, kN, kN}, torch::kInt), positions_of({{0, 0}, {1, 1}}), kM),
               std::invalid_argument);
  EXPECT_THROW(reassemble_position(patches, positions_of({{0, 0}, {NAN, 1}}), kM), std::invalid_argument);
  EXPECT_THROW(reference_stitch_grid(torch::zeros({0, 2}, torch::kDouble), kM), std::invalid_argument);
  StitchGrid empty;
  EXPECT_THROW(StitchAccumulator(empty, kM), std::invalid_argument);
  EXPECT_THROW(stitch_grid_from_center(0, 0, -1e-8, 1e-8, 10, 10), std::invalid_argument);
  EXPECT_THROW(StitchAccumulator(reference_stitch_grid(positions_of({{0, 0}}), kM), 0),
               std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::infer
