#include "ptychopinn/physics/canvas.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "physics/gradient_check.h"

namespace ptychopinn::physics {
namespace {

torch::Tensor random_complex(at::IntArrayRef shape, torch::ScalarType real = torch::kFloat64) {
  return torch::complex(torch::randn(shape, real), torch::randn(shape, real));
}

TEST(CanvasSize, MatchesTheReferencePaddedSize) {
  EXPECT_EQ(canvas_size(64, 1, 4, 10), 74);
  EXPECT_EQ(canvas_size(64, 2, 4, 10), 78);
  EXPECT_EQ(canvas_size(128, 1, 4, 10), 138);
  EXPECT_EQ(canvas_size(128, 2, 4, 10), 142);
  EXPECT_THROW(canvas_size(64, 0, 4, 10), std::invalid_argument);
  EXPECT_THROW(canvas_size(64, 2, -1, 10), std::invalid_argument);
}

TEST(PadToAndCropCenter, PadHalfTheDifferenceOnEachSideAndInvertEachOther) {
  const auto patch = torch::ones({2, 3, 4, 4});
  const auto padded = pad_to(patch, 10);
  ASSERT_EQ(padded.sizes(), (std::vector<int64_t>{2, 3, 10, 10}));
  EXPECT_EQ(padded.sum().item<float>(), 2 * 3 * 16);
  EXPECT_EQ(padded[0][0][3][3].item<float>(), 1.0f);  // (10 - 4) / 2 = 3 zeros before
  EXPECT_EQ(padded[0][0][2][3].item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(crop_center(padded, 4), patch));
  EXPECT_TRUE(torch::equal(crop_center(patch, 4), patch));                      // M = N keeps everything
  EXPECT_EQ(crop_center(pad_to(patch, 9), 4).sum().item<float>(), 2 * 3 * 16);  // odd difference
  EXPECT_THROW(pad_to(patch, 3), std::invalid_argument);
  EXPECT_THROW(crop_center(patch, 5), std::invalid_argument);
  EXPECT_THROW(pad_to(torch::ones({4, 5}), 8), std::invalid_argument);
}

TEST(CenterMask, IsOnesInTheCentralHalfBlock) {
  const auto mask = center_mask(8, torch::kFloat32);
  EXPECT_EQ(mask.sum().item<float>(), 16.0f);
  EXPECT_EQ(mask.narrow(0, 2, 4).narrow(1, 2, 4).min().item<float>(), 1.0f);
  EXPECT_EQ(center_mask(64, torch::kFloat32).sum().item<float>(), 32.0f * 32.0f);
}

TEST(Merge, OfOnePatchAtZeroOffsetIsThePatchOver1001InTheCentreAnd1000TimesInTheRing) {
  torch::manual_seed(11);
  const int64_t n = 64, m = canvas_size(64, 1, 4, 10);
  const auto patch = random_complex({1, 1, n, n});
  const auto offsets = torch::zeros({1, 1, 2}, torch::kFloat64);
  const auto mcen = center_mask(n, torch::kFloat64);
  const auto ring = 1 - mcen;

  const auto canvas = merge(patch, offsets, m);
  ASSERT_EQ(canvas.sizes(), (std::vector<int64_t>{1, m, m}));
  const auto window = crop_center(canvas, n)[0];
  EXPECT_TRUE(torch::allclose(window * mcen, patch[0][0] * mcen / 1.001, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(window * ring, patch[0][0] * ring * 1000.0, 1e-9, 1e-9));
  auto outside = canvas.clone();
  crop_center(outside, n).zero_();                     // crop_center is a view
  EXPECT_EQ(outside.abs().max().item<double>(), 0.0);  // nothing outside the N x N patch

  const auto co_masked = crop_center(merge(patch, offsets, m, MergeDenominator::kCoMasked), n)[0];
  EXPECT_TRUE(torch::allclose(co_masked * mcen, patch[0][0] * mcen / 1.001, 1e-12, 1e-12));
  EXPECT_LT((co_masked * ring).abs().max().item<double>(), 1e-12);
}

TEST(Merge, IsPerSampleAndNeverMixesTheBatch) {
  torch::manual_seed(12);
  const auto patches = random_complex({3, 4, 8, 8});
  const auto offsets = torch::randn({3, 4, 2}, torch::kFloat64);
  const auto together = merge(patches, offsets, 14);
  for (int64_t b = 0; b < 3; ++b) {
    const auto alone = merge(patches.narrow(0, b, 1), offsets.narrow(0, b, 1), 14);
    EXPECT_TRUE(torch::allclose(together.narrow(0, b, 1), alone, 1e-12, 1e-12)) << "sample " << b;
  }
}

// The C = 4 patches are consistent crops of one object at relative offsets ±2, so
// merge then extract gives each patch back inside its central window (up to count / (count + 0.001)).
TEST(MergeThenExtract, ReturnsConsistentPatchesInsideTheirCentralWindows) {
  torch::manual_seed(13);
  const int64_t n = 16, m = canvas_size(16, 2, 4, 10), start = (m - n) / 2;
  const auto object = random_complex({m, m});
  const std::vector<std::pair<int64_t, int64_t>> r = {{-2, -2}, {2, -2}, {-2, 2}, {2, 2}};  // [x, y]
  std::vector<torch::Tensor> crops;
  auto offsets = torch::zeros({1, 4, 2}, torch::kFloat64);
  for (size_t c = 0; c < r.size(); ++c) {
    // extract: patch[i, j] = canvas[start + i - r_y, start + j - r_x]
    crops.push_back(object.narrow(0, start - r[c].second, n).narrow(1, start - r[c].first, n));
    offsets[0][c][0] = static_cast<double>(r[c].first);
    offsets[0][c][1] = static_cast<double>(r[c].second);
  }
  const auto patches = torch::stack(crops).unsqueeze(0);
  const auto mcen = center_mask(n, torch::kFloat64);

  // Reference denominator: correct when the patches are zero outside their central windows (the
  // decoder's output with pad_object and probe.big = False).
  const auto supported = patches * mcen;
  const auto round_trip = extract(merge(supported, offsets, m), offsets, n);
  ASSERT_EQ(round_trip.sizes(), patches.sizes());
  EXPECT_TRUE(torch::allclose(round_trip * mcen, supported, 1.1e-3, 1e-12));

  // Co-masked denominator: correct for full patches.
  const auto co_masked = extract(merge(patches, offsets, m, MergeDenominator::kCoMasked), offsets, n);
  EXPECT_TRUE(torch::allclose(co_masked * mcen, patches * mcen, 1.1e-3, 1e-12));

  // Probe-weighted: with a probe that lights the whole patch (a broad Gaussian, at least e^-1/2 of
  // its peak intensity everywhere), every pixel of every patch comes back, border included, to
  // within 0.001 / e^-1/2; the reference's formula multiplies the border by up to 1000.
  const auto axis = torch::arange(n, torch::kFloat64) - (n - 1) / 2.0;
  const auto r2 = axis.square().unsqueeze(0) + axis.square().unsqueeze(1);
  const auto broad = torch::exp(-r2 / (2.0 * n * n)).to(torch::kComplexDouble);
  const auto weighted =
      extract(merge(patches, offsets, m, MergeDenominator::kProbeWeighted, broad), offsets, n);
  EXPECT_TRUE(torch::allclose(weighted, patches, 3e-3, 1e-12));
  const auto reference = extract(merge(patches, offsets, m), offsets, n);
  EXPECT_GT(((reference - patches) * (1 - mcen)).abs().max().item<double>(), 10.0);
}

// With a probe dark outside a disk, the probe-weighted merge returns each patch where its probe
// lights it, and leaves the dark corners of the canvas near zero instead of amplifying them.
TEST(MergeThenExtract, ProbeWeightedReturnsEachPatchWhereTheProbeLightsIt) {
  torch::manual_seed(15);
  const int64_t n = 16, m = canvas_size(16, 2, 4, 10);
  const auto object = random_complex({m, m});
  // Whole-pixel offsets: a sub-pixel shift and its inverse are a bilinear blur, not an identity.
  auto offsets = torch::tensor({-1.0, -2.0, 2.0, -1.0, -2.0, 1.0, 1.0, 2.0}, torch::kFloat64).view({1, 4, 2});
  // Crops of one object at those offsets, as extract takes them.
  const auto canvas = object.unsqueeze(0);
  const auto patches = extract(canvas, offsets, n);
  const auto axis = torch::arange(n, torch::kFloat64) - (n - 1) / 2.0;
  const auto r = (axis.square().unsqueeze(0) + axis.square().unsqueeze(1)).sqrt();
  const auto disk = (r < 5.0).to(torch::kComplexDouble);
  const auto merged = merge(patches, offsets, m, MergeDenominator::kProbeWeighted, disk);
  const auto round_trip = extract(merged, offsets, n);
  const auto lit = (r < 3.0).to(torch::kFloat64);  // well inside the disk: every patch lit there
  EXPECT_TRUE(torch::allclose(round_trip * lit, patches * lit, 1e-3, 1e-12));
  EXPECT_LT(merged[0][0][0].abs().item<double>(), 1e-12);  // no patch lights the canvas corner
}

TEST(Merge, ProbeWeightedNeedsAnNByNProbe) {
  const auto patches = random_complex({1, 4, 8, 8});
  const auto offsets = torch::zeros({1, 4, 2}, torch::kFloat64);
  EXPECT_THROW(merge(patches, offsets, 12, MergeDenominator::kProbeWeighted), std::invalid_argument);
  EXPECT_THROW(merge(patches, offsets, 12, MergeDenominator::kProbeWeighted, torch::ones({6, 6})),
               std::invalid_argument);
  EXPECT_NO_THROW(merge(patches, offsets, 12, MergeDenominator::kProbeWeighted, torch::ones({8, 8})));
}

TEST(Extract, AtZeroOffsetsIsTheCentreCropOfTheCanvas) {
  torch::manual_seed(14);
  const auto canvas = random_complex({2, 12, 12}, torch::kFloat32);
  const auto patches = extract(canvas, torch::zeros({2, 3, 2}), 8);
  ASSERT_EQ(patches.sizes(), (std::vector<int64_t>{2, 3, 8, 8}));
  for (int64_t c = 0; c < 3; ++c) EXPECT_TRUE(torch::equal(patches.select(1, c), crop_center(canvas, 8)));
}

TEST(MergeAndExtract, RejectMismatchedOffsetsAndSizes) {
  const auto patches = torch::zeros({2, 4, 8, 8}, torch::kComplexFloat);
  EXPECT_THROW(merge(patches, torch::zeros({2, 3, 2}), 12), std::invalid_argument);
  EXPECT_THROW(merge(patches, torch::zeros({1, 4, 2}), 12), std::invalid_argument);
  EXPECT_THROW(merge(patches, torch::zeros({2, 4, 2}), 6), std::invalid_argument);
  EXPECT_THROW(merge(patches.view({8, 8, 8}), torch::zeros({2, 4, 2}), 12), std::invalid_argument);
  EXPECT_THROW(extract(torch::zeros({2, 12, 12}, torch::kComplexFloat), torch::zeros({3, 4, 2}), 8),
               std::invalid_argument);
  EXPECT_THROW(extract(torch::zeros({2, 12, 12}, torch::kComplexFloat), torch::zeros({2, 4, 2}), 13),
               std::invalid_argument);
}

TEST(Merge, GradientsWithRespectToPatchesAndOffsetsMatchFiniteDifferences) {
  torch::manual_seed(15);
  testing::expect_gradients_match_finite_differences(
      [](const std::vector<torch::Tensor>& x) { return merge(torch::complex(x[0], x[1]), x[2], 10); },
      {torch::randn({2, 2, 8, 8}, torch::kFloat64), torch::randn({2, 2, 8, 8}, torch::kFloat64),
       torch::tensor({{{0.3, -0.7}, {-0.3, 0.7}}, {{1.2, 0.4}, {-1.2, -0.4}}}, torch::kFloat64)},
      1e-6, 1e-5, 1e-5);
}

TEST(Extract, GradientsWithRespectToCanvasAndOffsetsMatchFiniteDifferences) {
  torch::manual_seed(16);
  testing::expect_gradients_match_finite_differences(
      [](const std::vector<torch::Tensor>& x) { return extract(torch::complex(x[0], x[1]), x[2], 6); },
      {torch::randn({2, 9, 9}, torch::kFloat64), torch::randn({2, 9, 9}, torch::kFloat64),
       torch::tensor({{{0.3, -0.7}, {-0.3, 0.7}}, {{1.2, 0.4}, {-1.2, -0.4}}}, torch::kFloat64)});
}

}  // namespace
}  // namespace ptychopinn::physics
