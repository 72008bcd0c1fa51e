#include "ptychopinn/nets/thin_conv3x3.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "support/conv_layer.h"

namespace ptychopinn::nets {
namespace {

using ptychopinn::testing::ConvLayer;

// The same sums as the direct convolution in another order: agreement to float rounding.
void expect_near_conv2d(const torch::Tensor& out, const torch::Tensor& expected) {
  ptychopinn::testing::expect_near_scaled(out, expected, 1e-5);
}

ConvLayer thin_layer(int64_t batch, int64_t in, int64_t out, int64_t height, int64_t width, uint64_t seed) {
  return ptychopinn::testing::random_conv_layer(batch, in, out, height, width, seed);
}

// The path needs oneDNN's sgemm; a build without its headers declines every layer.
bool built_with_the_path() {
  return thin_conv3x3::applicable(torch::zeros({1, 1, 4, 4}), torch::zeros({8, 1, 3, 3}), torch::zeros({8}));
}

// Few inputs (the first layer, the ring branch), few outputs (the heads), both; non-square images
// of odd and even sides; the last two cover more than one range of pixels.
const std::vector<std::array<int64_t, 5>> kShapes = {{2, 1, 32, 8, 12}, {3, 4, 32, 7, 9}, {2, 60, 1, 10, 6},
                                                     {2, 32, 4, 5, 8},  {1, 3, 3, 6, 6},  {3, 1, 16, 48, 40},
                                                     {2, 28, 2, 64, 40}};

TEST(ThinConv3x3, EqualsTheDirectConvolution) {
  if (!built_with_the_path()) GTEST_SKIP() << "no oneDNN in this build";
  for (const auto& [batch, in, out, height, width] : kShapes) {
    const auto l = thin_layer(batch, in, out, height, width, 3);
    ASSERT_TRUE(thin_conv3x3::applicable(l.x, l.weight, l.bias)) << in << " -> " << out;
    torch::NoGradGuard no_grad;
    const auto y = thin_conv3x3::conv3x3(l.x, l.weight, l.bias);
    EXPECT_TRUE(y.is_contiguous(torch::MemoryFormat::ChannelsLast));
    expect_near_conv2d(y, torch::conv2d(l.x, l.weight, l.bias, 1, 1));
    // Channels-last input reads the same.
    EXPECT_TRUE(torch::equal(
        thin_conv3x3::conv3x3(l.x.contiguous(torch::MemoryFormat::ChannelsLast), l.weight, l.bias), y));
  }
}

TEST(ThinConv3x3, GradientsAreThoseOfTheDirectConvolution) {
  if (!built_with_the_path()) GTEST_SKIP() << "no oneDNN in this build";
  for (const auto& [batch, in, out, height, width] : kShapes) {
    const auto l = thin_layer(batch, in, out, height, width, 4);
    const auto direct = l.trainable(), thin = l.trainable();
    const auto upstream = torch::randn({batch, out, height, width});
    (torch::conv2d(direct.x, direct.weight, direct.bias, 1, 1).relu() * upstream).sum().backward();
    (thin_conv3x3::conv3x3(thin.x, thin.weight, thin.bias).relu_() * upstream).sum().backward();
    SCOPED_TRACE(std::to_string(in) + " -> " + std::to_string(out));
    expect_near_conv2d(thin.x.grad(), direct.x.grad());
    expect_near_conv2d(thin.weight.grad(), direct.weight.grad());
    expect_near_conv2d(thin.bias.grad(), direct.bias.grad());
  }
}

TEST(ThinConv3x3, OnlyTheGradientsAskedFor) {
  if (!built_with_the_path()) GTEST_SKIP() << "no oneDNN in this build";
  // The network's first layer: its input (the diffraction amplitudes) needs no gradient.
  const auto l = thin_layer(2, 1, 32, 8, 8, 5);
  auto w = l.weight.clone().requires_grad_();
  thin_conv3x3::conv3x3(l.x, w, l.bias).sum().backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().sizes(), l.weight.sizes());
}

TEST(ThinConv3x3, TheSameBitsOnOneThreadOrTwo) {
  if (!built_with_the_path()) GTEST_SKIP() << "no oneDNN in this build";
  // The weight gradient sums fixed ranges of pixels in a fixed order.
  const auto l = thin_layer(3, 1, 16, 48, 40, 6);
  const int threads = torch::get_num_threads();
  std::vector<torch::Tensor> outputs, gradients;
  for (const int n : {1, 2}) {
    torch::set_num_threads(n);
    auto w = l.weight.clone().requires_grad_();
    auto y = thin_conv3x3::conv3x3(l.x, w, l.bias);
    (y * y).sum().backward();
    outputs.push_back(y.detach());
    gradients.push_back(w.grad());
  }
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(outputs[0], outputs[1]));
  EXPECT_TRUE(torch::equal(gradients[0], gradients[1]));
}

TEST(ThinConv3x3, PaysInTrainingAndForFewOutputsOrOneInput) {
  if (!built_with_the_path()) GTEST_SKIP() << "no oneDNN in this build";
  const auto ring = thin_layer(1, 4, 32, 8, 8, 8);
  const auto first = thin_layer(1, 1, 32, 8, 8, 8);
  const auto head = thin_layer(1, 60, 1, 8, 8, 8);
  {
    torch::NoGradGuard no_grad;
    EXPECT_FALSE(thin_conv3x3::pays(ring.x, ring.weight, ring.bias));
    EXPECT_TRUE(thin_conv3x3::pays(first.x, first.weight, first.bias));
    EXPECT_TRUE(thin_conv3x3::pays(head.x, head.weight, head.bias));
  }
  EXPECT_TRUE(thin_conv3x3::pays(ring.x, ring.weight.clone().requires_grad_(), ring.bias));
  EXPECT_FALSE(thin_conv3x3::pays(ring.x, torch::randn({32, 32, 3, 3}).requires_grad_(), ring.bias));
}

TEST(ThinConv3x3, DeclinesWhatItDoesNotTake) {
  const auto l = thin_layer(1, 1, 32, 8, 8, 7);
  EXPECT_FALSE(
      thin_conv3x3::applicable(torch::randn({1, 8, 8, 8}), torch::randn({8, 8, 3, 3}), torch::randn({8})));
  EXPECT_FALSE(thin_conv3x3::applicable(l.x.to(torch::kDouble), l.weight, l.bias));
  EXPECT_FALSE(thin_conv3x3::applicable(l.x, torch::randn({32, 1, 5, 5}), l.bias));
  EXPECT_FALSE(thin_conv3x3::applicable(l.x, l.weight, torch::Tensor()));
  EXPECT_FALSE(thin_conv3x3::applicable(torch::randn({1, 2, 8, 8}), l.weight, l.bias));
  EXPECT_THROW(
      thin_conv3x3::conv3x3(torch::randn({1, 8, 8, 8}), torch::randn({8, 8, 3, 3}), torch::randn({8})),
      c10::Error);
}

}  // namespace
}  // namespace ptychopinn::nets
