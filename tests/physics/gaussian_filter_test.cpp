#include "ptychopinn/physics/gaussian_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "support/error_of.h"

namespace ptychopinn::physics {
namespace {

using ::ptychopinn::testing::error_of;

TEST(GaussianFilter, ConservesTheSumOfAnImpulseAndIsSymmetric) {
  torch::Tensor img = torch::zeros({41, 41}, torch::kFloat64);
  img[20][20] = 1.0;
  const torch::Tensor out = gaussian_filter(img, 2.0);
  EXPECT_NEAR(out.sum().item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(torch::allclose(out, out.t()));
  EXPECT_TRUE(torch::allclose(out, out.flip({0})));
  // scipy's 1-D kernel at σ = 2, offset 0: 1 / sum(exp(-x²/8), |x| <= 8).
  double norm = 0;
  for (int x = -8; x <= 8; ++x) norm += std::exp(-x * x / 8.0);
  EXPECT_NEAR(out[20][20].item<double>(), 1.0 / (norm * norm), 1e-12);
}

TEST(GaussianFilter, ReflectsAtTheBorderSoAConstantImageIsUnchanged) {
  const torch::Tensor img = torch::full({10, 13}, 2.5, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(gaussian_filter(img, 7.5), img));  // radius 30 > size: repeated reflection
}

TEST(GaussianFilter, ABadSigmaOrImageIsRejectedNamingIt) {
  EXPECT_NE(error_of([] {
              gaussian_filter(torch::zeros({4, 4}), 0.0);
            }).find("sigma = 0"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              gaussian_filter(torch::zeros({2, 4, 4}), 1.0);
            }).find("image = [2, 4, 4]"),
            std::string::npos);
}

TEST(GaussianFilter, TheArrayAndTensorFormsAgreeBitForBit) {
  const torch::Tensor img = torch::rand({17, 23}, torch::kFloat64);
  torch::Tensor out = torch::empty_like(img);
  gaussian_filter(img.data_ptr<double>(), 17, 23, 1.5, out.data_ptr<double>());
  EXPECT_TRUE(torch::equal(out, gaussian_filter(img, 1.5)));
}

}  // namespace
}  // namespace ptychopinn::physics
