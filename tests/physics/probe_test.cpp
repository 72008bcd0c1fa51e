#include "ptychopinn/physics/probe.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "physics/gradient_check.h"

namespace ptychopinn::physics {
namespace {

// Centre of mass (row, column) of a non-negative [N, N] weight.
std::pair<double, double> centre_of_mass(const torch::Tensor& weight) {
  const auto index = torch::arange(weight.size(0), torch::kFloat64);
  const double total = weight.sum().item<double>();
  return {(weight.sum(1) * index).sum().item<double>() / total,
          (weight.sum(0) * index).sum().item<double>() / total};
}

TEST(ProbeMask, IsTheStrictDiskOfRadiusNOver4CentredHalfAPixelOff) {
  const auto mask = probe_mask(64, torch::kFloat64);
  EXPECT_EQ(mask.sum().item<double>(), 812.0);
  const auto [row, col] = centre_of_mass(mask);
  EXPECT_DOUBLE_EQ(row, 31.5);
  EXPECT_DOUBLE_EQ(col, 31.5);
  // (i - 31.5)² + (j - 31.5)² < 256: row 31 spans columns 16 ... 47 (|j - 31.5| <= 15.5).
  EXPECT_EQ(mask[31].sum().item<double>(), 32.0);
  EXPECT_EQ(mask[31][15].item<double>(), 0.0);
}

TEST(DefaultProbe, IsTheReferenceBlurredDiskAtN64) {
  const auto probe = default_probe(64, torch::kComplexFloat);
  ASSERT_EQ(probe.sizes(), (std::vector<int64_t>{64, 64}));
  ASSERT_EQ(probe.scalar_type(), torch::kComplexFloat);
  EXPECT_EQ(torch::imag(probe).abs().max().item<float>(), 0.0f);
  const auto real = torch::real(probe).to(torch::kFloat64);
  EXPECT_NEAR(real.square().sum().item<double>(), 338.0, 1.0);  // the reference's Σ P² = 338
  EXPECT_GE(real.min().item<double>(), 1e-9 * 0.99);            // + 1e-9 floor, no exact zeros
  EXPECT_LE(real.max().item<double>(), 1.0 + 1e-6);
  const auto [row, col] = centre_of_mass(real);
  EXPECT_NEAR(row, 31.5, 1e-4);  // float32 rounding only
  EXPECT_NEAR(col, 31.5, 1e-4);
  // The thresholded disk has 376 pixels; blurring keeps its mass (σ = 1 filter sums to 1).
  EXPECT_NEAR(real.sum().item<double>(), 376.0, 1e-3);
}

TEST(NormalizeProbe, GivesAMeanMaskedAmplitudeOfOneOverProbeScale) {
  for (double scale : {4.0, 10.0}) {
    const auto probe =
        normalize_probe(default_probe(64, torch::kComplexDouble) * c10::complex<double>(0.3, 0.4), scale);
    const auto masked = probe * probe_mask(64, torch::kFloat64);
    EXPECT_NEAR(masked.abs().mean().item<double>(), 1.0 / scale, 1e-12) << "probe_scale " << scale;
  }
  EXPECT_THROW(normalize_probe(torch::zeros({8, 8}, torch::kComplexFloat), 4.0), std::invalid_argument);
  EXPECT_THROW(normalize_probe(torch::ones({8, 8}, torch::kComplexFloat), 0.0), std::invalid_argument);
  EXPECT_THROW(normalize_probe(torch::ones({8, 6}, torch::kComplexFloat), 4.0), std::invalid_argument);
}

TEST(GaussianSmoothing, KernelSumsToOneAndAConstantImageIsUnchanged) {
  const auto kernel = gaussian_smoothing_kernel(0.8, torch::kFloat64);
  EXPECT_NEAR(kernel.sum().item<double>(), 1.0, 1e-15);
  EXPECT_NEAR(kernel[0].item<double>(), kernel[2].item<double>(), 1e-15);
  const auto constant = torch::full({2, 5, 7}, c10::complex<double>(1.5, -2.0), torch::kComplexDouble);
  EXPECT_TRUE(torch::allclose(gaussian_smooth(constant, 0.8), constant, 1e-14, 1e-14));
  EXPECT_THROW(gaussian_smoothing_kernel(0.0, torch::kFloat64), std::invalid_argument);
}

TEST(GaussianSmoothing, EqualsThe3x3OuterProductKernelWithReflectPadding) {
  torch::manual_seed(21);
  const auto image = torch::randn({5, 6}, torch::kFloat64);
  const auto k = gaussian_smoothing_kernel(1.3, torch::kFloat64);
  auto reflect = [](int64_t i, int64_t size) { return i < 0 ? -i : (i >= size ? 2 * (size - 1) - i : i); };
  auto expected = torch::zeros_like(image);
  for (int64_t y = 0; y < 5; ++y) {
    for (int64_t x = 0; x < 6; ++x) {
      double sum = 0;
      for (int64_t dy = -1; dy <= 1; ++dy) {
        for (int64_t dx = -1; dx <= 1; ++dx) {
          sum += k[dy + 1].item<double>() * k[dx + 1].item<double>() *
                 image[reflect(y + dy, 5)][reflect(x + dx, 6)].item<double>();
        }
      }
      expected[y][x] = sum;
    }
  }
  EXPECT_TRUE(torch::allclose(gaussian_smooth(image, 1.3), expected, 1e-13, 1e-13));
}

TEST(Illuminate, MultipliesByTheProbeThenSmoothsThenMasks) {
  torch::manual_seed(22);
  const int64_t n = 16;
  const auto patches = torch::complex(torch::randn({2, 3, n, n}), torch::randn({2, 3, n, n}));
  const auto probe = torch::complex(torch::randn({n, n}), torch::randn({n, n}));
  const auto mask = probe_mask(n, torch::kFloat32);
  EXPECT_TRUE(torch::allclose(illuminate(patches, probe, false, 0.0), patches * probe));
  EXPECT_TRUE(torch::allclose(illuminate(patches, probe, true, 0.0), patches * probe * mask));
  // Smoothing comes before the mask, so the exit wave is exactly zero outside the disk.
  const auto smoothed_masked = illuminate(patches, probe, true, 0.7);
  EXPECT_TRUE(torch::allclose(smoothed_masked, gaussian_smooth(patches * probe, 0.7) * mask, 1e-5, 1e-6));
  EXPECT_EQ((smoothed_masked * (1 - mask)).abs().max().item<float>(), 0.0f);
  EXPECT_THROW(illuminate(patches, probe.narrow(0, 0, 8), false, 0.0), std::invalid_argument);
  EXPECT_THROW(illuminate(patches, probe, false, -1.0), std::invalid_argument);
  EXPECT_THROW(illuminate(torch::real(patches), probe, false, 0.0), std::invalid_argument);
}

TEST(Illuminate, GradientsWithRespectToPatchesAndProbeMatchFiniteDifferences) {
  torch::manual_seed(23);
  testing::expect_gradients_match_finite_differences(
      [](const std::vector<torch::Tensor>& x) {
        return illuminate(torch::complex(x[0], x[1]).unsqueeze(0), torch::complex(x[2], x[3]), true, 0.6);
      },
      {torch::randn({2, 6, 6}, torch::kFloat64), torch::randn({2, 6, 6}, torch::kFloat64),
       torch::randn({6, 6}, torch::kFloat64), torch::randn({6, 6}, torch::kFloat64)});
}

}  // namespace
}  // namespace ptychopinn::physics
