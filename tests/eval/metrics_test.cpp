#include "ptychopinn/eval/metrics.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <stdexcept>

namespace ptychopinn::eval {
namespace {

torch::Tensor image(std::vector<double> values, int64_t rows, int64_t cols) {
  return torch::tensor(values, torch::kDouble).view({rows, cols});
}

TEST(Metrics, MaeAndMseMatchHandValues) {
  const auto t = image({1, 2, 3, 4}, 2, 2);
  const auto p = image({2, 2, 5, 3}, 2, 2);
  EXPECT_DOUBLE_EQ(mae(t, p), (1.0 + 0 + 2 + 1) / 4);
  EXPECT_DOUBLE_EQ(mse(t, p), (1.0 + 0 + 4 + 1) / 4);
  EXPECT_DOUBLE_EQ(mae(t.to(torch::kFloat), p), mae(t, p));  // any float dtype
}

TEST(Metrics, PsnrIsRangeAwareAndLegacyUsesPeak255) {
  const auto t = image({0, 0.5, 1, 0.25}, 2, 2);  // range 1
  const auto p = image({0.1, 0.5, 0.9, 0.25}, 2, 2);
  const double m = (0.01 + 0 + 0.01 + 0) / 4;
  EXPECT_NEAR(psnr(t, p), 20 * std::log10(1.0 / (std::sqrt(m) + DBL_EPSILON)), 1e-12);
  EXPECT_NEAR(psnr(t, p), 10 * std::log10(1.0 / m), 1e-9);
  EXPECT_NEAR(psnr_legacy(t, p), 10 * std::log10(255.0 * 255.0 / m), 1e-9);
  // Scaling the data scales the range-aware peak with it, not the legacy one.
  EXPECT_NEAR(psnr(t * 3, p * 3), psnr(t, p), 1e-9);
  EXPECT_NEAR(psnr_legacy(t * 3, p * 3), psnr_legacy(t, p) + 20 * std::log10(1.0 / 3), 1e-9);
}

TEST(Metrics, PsnrOfIdenticalImagesIsLargeButFinite) {
  const auto t = image({0, 1, 2, 3}, 2, 2);
  EXPECT_NEAR(psnr_legacy(t, t), 20 * std::log10(255.0 / DBL_EPSILON), 1e-9);  // cv2.PSNR's value
  EXPECT_TRUE(std::isfinite(psnr(t, t)));
  EXPECT_GT(psnr(t, t), 300);
  EXPECT_EQ(psnr(torch::ones({2, 2}), torch::zeros({2, 2})), -INFINITY);  // flat target: no range
}

TEST(Metrics, PearsonMatchesHandValues) {
  const auto x = image({1, 2, 3, 4}, 2, 2);
  EXPECT_NEAR(pearson(x, x * 2 + 1), 1.0, 1e-15);
  EXPECT_NEAR(pearson(x, -x), -1.0, 1e-15);
  // dx = dy' = (-1.5, -0.5, 0.5, 1.5) permuted: Σ dx dy = 4, Σ dx² = 5.
  EXPECT_NEAR(pearson(x, image({1, 3, 2, 4}, 2, 2)), 0.8, 1e-15);
  EXPECT_TRUE(std::isnan(pearson(x, torch::ones({2, 2}))));
}

TEST(Metrics, RejectMismatchedOrNonImageInput) {
  EXPECT_THROW(mae(torch::zeros({2, 2}), torch::zeros({2, 3})), std::invalid_argument);
  EXPECT_THROW(mse(torch::zeros({4}), torch::zeros({4})), std::invalid_argument);
  EXPECT_THROW(pearson(torch::zeros({2, 2}, torch::kComplexFloat), torch::zeros({2, 2})),
               std::invalid_argument);
  EXPECT_THROW(psnr(torch::zeros({0, 2}), torch::zeros({0, 2})), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::eval
