#include "ptychopinn/eval/frc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace ptychopinn::eval {
namespace {

TEST(FrcCurve, OfAnImageWithItselfIsOneEverywhere) {
  torch::manual_seed(5);
  const auto image = torch::rand({64, 64}, torch::kDouble);
  const auto curve = frc_curve(image, image);
  // Rings reach the corners: round(sqrt(32² + 32²)) = 45, so 46 rings.
  ASSERT_EQ(curve.size(), 46u);
  for (const double v : curve) EXPECT_NEAR(v, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(frc_crossing(curve, kFrcHalfThreshold), 46.0);  // never below: the curve length
  // A scaled copy correlates perfectly too (FRC is scale invariant).
  for (const double v : frc_curve(image, 3 * image)) EXPECT_NEAR(v, 1.0, 1e-12);
}

TEST(FrcCurve, CentreCropsToASquareAndFallsForIndependentNoise) {
  torch::manual_seed(6);
  const auto a = torch::rand({40, 52}, torch::kDouble);
  const auto b = torch::rand({40, 52}, torch::kDouble);
  const auto curve = frc_curve(a, b);
  EXPECT_EQ(curve.size(), 29u);  // 40 x 40: round(sqrt(20² + 20²)) = 28
  // Independent noise shares only the mean (ring 0); beyond it the correlation is small.
  EXPECT_NEAR(curve[0], 1.0, 1e-12);
  double mean = 0;
  for (std::size_t k = 5; k < curve.size(); ++k) mean += curve[k] / static_cast<double>(curve.size() - 5);
  EXPECT_LT(mean, 0.3);
  const double cut = frc_crossing(curve, kFrcHalfThreshold);
  EXPECT_GT(cut, 0.0);
  EXPECT_LT(cut, 3.0);
}

TEST(FrcCurve, SmoothingKeepsAConstantCurve) {
  const auto image = torch::rand({32, 32}, torch::kDouble);
  for (const double v : frc_curve(image, image, 2.0)) EXPECT_NEAR(v, 1.0, 1e-12);
}

TEST(FrcCrossing, InterpolatesBetweenRingsAsTheReference) {
  // The reference's own test values (tests/test_frc_cutoffs: 2.5, 0.75, 2.5714...).
  EXPECT_NEAR(frc_crossing({0.95, 0.72, 0.55, 0.45, 0.20}, 0.5), 2.5, 1e-12);
  EXPECT_NEAR(frc_crossing({0.80, 0.40, 0.20, 0.10}, 0.5), 0.75, 1e-12);
  EXPECT_NEAR(frc_crossing({0.80, 0.40, 0.20, 0.10}, 1.0 / 7.0), 2.5714285714285716, 1e-12);
  EXPECT_DOUBLE_EQ(frc_crossing({0.95, 0.72, 0.66, 0.51}, 0.5), 4.0);  // never below
  EXPECT_DOUBLE_EQ(frc_crossing({0.3, 0.9}, 0.5), 0.0);                // ring 0 already below
  EXPECT_DOUBLE_EQ(frc_crossing({1.0, NAN, 0.2}, 0.5), 2.0);           // NaN is never below
  EXPECT_THROW(frc_crossing({}, 0.5), std::invalid_argument);
}

TEST(FrcCurve, RejectsMismatchedImages) {
  EXPECT_THROW(frc_curve(torch::rand({8, 8}), torch::rand({8, 9})), std::invalid_argument);
  EXPECT_THROW(frc_curve(torch::rand({8, 8}), torch::rand({8, 8}), -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::eval
