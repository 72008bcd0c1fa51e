#include "ptychopinn/physics/diffraction.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "physics/gradient_check.h"

namespace ptychopinn::physics {
namespace {

TEST(FarFieldAmplitude, SatisfiesParsevalPerPattern) {
  torch::manual_seed(1);
  const auto psi = torch::complex(torch::randn({2, 3, 16, 16}), torch::randn({2, 3, 16, 16}));
  const auto amplitude = far_field_amplitude(psi);
  ASSERT_EQ(amplitude.sizes(), psi.sizes());
  ASSERT_EQ(amplitude.scalar_type(), torch::kFloat);
  const auto energy_in = psi.abs().square().sum({-2, -1});
  const auto energy_out = amplitude.square().sum({-2, -1});
  EXPECT_TRUE(torch::allclose(energy_out, energy_in, 1e-5, 0));
}

TEST(FarFieldAmplitude, PutsTheDcTermAtPixelNOver2) {
  const auto flat = torch::ones({8, 8}, torch::kComplexDouble);
  auto expected = torch::zeros({8, 8}, torch::kFloat64);
  expected[4][4] = 8.0;  // ortho: Σ 1 / sqrt(64)
  EXPECT_TRUE(torch::allclose(far_field_amplitude(flat), expected, 0, 1e-12));
}

TEST(FarFieldAmplitude, EqualsTheReferenceUnnormalisedFormula) {
  // sqrt(fftshift(|FFT2(ψ)|² / (h·w))), as the reference computes it.
  torch::manual_seed(2);
  const auto psi =
      torch::complex(torch::randn({3, 12, 12}, torch::kFloat64), torch::randn({3, 12, 12}, torch::kFloat64));
  const auto raw = torch::fft::fft2(psi).abs().square() / 144.0;
  const auto expected = torch::sqrt(torch::fft::fftshift(raw, std::vector<int64_t>{-2, -1}));
  EXPECT_TRUE(torch::allclose(far_field_amplitude(psi), expected, 1e-12, 1e-12));
}

TEST(FarFieldIntensity, IsTheSquaredAmplitude) {
  torch::manual_seed(3);
  const auto psi =
      torch::complex(torch::randn({2, 8, 8}, torch::kFloat64), torch::randn({2, 8, 8}, torch::kFloat64));
  EXPECT_TRUE(torch::allclose(far_field_intensity(psi), far_field_amplitude(psi).square(), 1e-12, 1e-12));
}

TEST(FarFieldAmplitude, RejectsRealOrNonSquareInput) {
  EXPECT_THROW(far_field_amplitude(torch::ones({8, 8})), std::invalid_argument);
  EXPECT_THROW(far_field_amplitude(torch::ones({8, 6}, torch::kComplexFloat)), std::invalid_argument);
  EXPECT_THROW(far_field_intensity(torch::ones({8}, torch::kComplexFloat)), std::invalid_argument);
}

TEST(FarFieldAmplitude, GradientsMatchFiniteDifferences) {
  torch::manual_seed(4);
  testing::expect_gradients_match_finite_differences(
      [](const std::vector<torch::Tensor>& x) { return far_field_amplitude(torch::complex(x[0], x[1])); },
      {torch::randn({2, 6, 6}, torch::kFloat64), torch::randn({2, 6, 6}, torch::kFloat64)});
}

}  // namespace
}  // namespace ptychopinn::physics
