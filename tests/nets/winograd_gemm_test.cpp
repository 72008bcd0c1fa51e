#include "ptychopinn/nets/winograd_gemm.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "support/conv_layer.h"

namespace ptychopinn::nets {
namespace {

using Sizes = std::vector<int64_t>;

using ptychopinn::testing::ConvLayer;

// Agreement to float rounding of the transforms and of a longer sum, relative to the scale.
void expect_near_direct(const torch::Tensor& out, const torch::Tensor& expected, double tolerance = 1e-4) {
  ptychopinn::testing::expect_near_scaled(out, expected, tolerance);
}

ConvLayer layer(int64_t batch, int64_t in, int64_t out, int64_t height, int64_t width, uint64_t seed) {
  return ptychopinn::testing::random_conv_layer(batch, in, out, height, width, seed);
}

TEST(WinogradGemm, EqualsTheDirectConvolutionWithAndWithoutReluOnEveryBorder) {
  // Non-square, tiles on every border, batch 1 and 3, channels from 16 to 48.
  for (const auto& [batch, in, out, height, width] :
       std::vector<std::array<int64_t, 5>>{{1, 16, 32, 4, 4}, {3, 32, 16, 12, 8}, {2, 48, 32, 8, 20}}) {
    const auto l = layer(batch, in, out, height, width, 3);
    ASSERT_TRUE(winograd_gemm::applicable(l.x, l.weight, l.bias));
    const auto direct = torch::conv2d(l.x, l.weight, l.bias, 1, 1);
    torch::NoGradGuard no_grad;
    const auto y = winograd_gemm::conv3x3(l.x, l.weight, l.bias, false);
    EXPECT_TRUE(y.is_contiguous(torch::MemoryFormat::ChannelsLast));
    expect_near_direct(y, direct);
    expect_near_direct(
        winograd_gemm::conv3x3(l.x.contiguous(torch::MemoryFormat::ChannelsLast), l.weight, l.bias, true),
        direct.relu());
  }
}

TEST(WinogradGemm, KernelsTransformedOnceGiveTheSameConvolution) {
  const auto l = layer(2, 32, 48, 8, 12, 9);
  torch::NoGradGuard no_grad;
  const auto u = winograd_gemm::transformed_weights(l.weight);
  EXPECT_EQ(u.sizes(), (std::vector<int64_t>{36, 32, 48}));
  for (const bool relu : {false, true}) {
    EXPECT_TRUE(torch::equal(winograd_gemm::conv3x3_transformed(l.x, u, l.bias, relu),
                             winograd_gemm::conv3x3(l.x, l.weight, l.bias, relu)));
  }
  EXPECT_THROW(winograd_gemm::conv3x3_transformed(l.x, u.narrow(1, 0, 16), l.bias, false), c10::Error);
  EXPECT_THROW(winograd_gemm::transformed_weights(torch::randn({8, 32, 3, 3})), c10::Error);
}

TEST(WinogradGemm, OneKernelTapGivesTheShiftedInput) {
  // A kernel with a single 1 at (0, 0) copies the input shifted by one row and one column: up to
  // the transforms' rounding, whatever the other channels hold.
  auto x = torch::randn({1, 16, 8, 8});
  auto weight = torch::zeros({16, 16, 3, 3});
  for (int64_t c = 0; c < 16; ++c) weight.index_put_({c, c, 0, 0}, 1.0);
  torch::NoGradGuard no_grad;
  const auto y = winograd_gemm::conv3x3(x, weight, torch::zeros({16}), false);
  using torch::indexing::Slice;
  expect_near_direct(y.index({Slice(), Slice(), Slice(1), Slice(1)}),
                     x.index({Slice(), Slice(), Slice(0, 7), Slice(0, 7)}), 1e-5);
  // The first row reads only the zero padding above the image.
  EXPECT_LT(y.index({Slice(), Slice(), 0}).abs().max().item<float>(), 1e-5 * x.abs().max().item<float>());
}

TEST(WinogradGemm, GradientsAreThoseOfTheDirectConvolution) {
  for (const bool relu : {false, true}) {
    const auto l = layer(2, 32, 16, 8, 12, 5);
    const auto d = l.trainable(), w = l.trainable();
    const auto upstream = torch::randn({2, 16, 8, 12});
    auto direct = torch::conv2d(d.x, d.weight, d.bias, 1, 1);
    if (relu) direct = direct.relu();
    (direct * upstream).sum().backward();
    (winograd_gemm::conv3x3(w.x, w.weight, w.bias, relu) * upstream).sum().backward();
    expect_near_direct(w.x.grad(), d.x.grad());
    expect_near_direct(w.weight.grad(), d.weight.grad());
    expect_near_direct(w.bias.grad(), d.bias.grad());
  }
}

TEST(WinogradGemm, TheReluInsideTheLayerPassesTheGradientsOfASeparateRelu) {
  // The layer's own ReLU masks the output gradient as its transforms read it; LibTorch's ReLU after
  // the layer writes the masked gradient first. The same values go into the same sums, so the same
  // bits, in every gradient. Tiles inside the image and on its borders (which are read differently).
  const auto l = layer(3, 32, 48, 16, 20, 12);
  const auto upstream = torch::randn({3, 48, 16, 20});
  const auto fused = l.trainable(), separate = l.trainable();
  const auto y = winograd_gemm::conv3x3(fused.x, fused.weight, fused.bias, true);
  const auto reference = winograd_gemm::conv3x3(separate.x, separate.weight, separate.bias, false).relu();
  ASSERT_TRUE(torch::equal(y, reference));
  ASSERT_GT((y == 0).sum().item<int64_t>(), y.numel() / 4);  // the mask matters
  (y * upstream).sum().backward();
  (reference * upstream).sum().backward();
  EXPECT_TRUE(torch::equal(fused.x.grad(), separate.x.grad()));
  EXPECT_TRUE(torch::equal(fused.weight.grad(), separate.weight.grad()));
  EXPECT_TRUE(torch::equal(fused.bias.grad(), separate.bias.grad()));

  // Frozen weights: the bias gradient alone, also masked.
  auto bias = l.bias.clone().requires_grad_();
  (winograd_gemm::conv3x3(l.x, l.weight, bias, true) * upstream).sum().backward();
  auto direct_bias = l.bias.clone().requires_grad_();
  (torch::conv2d(l.x, l.weight, direct_bias, 1, 1).relu() * upstream).sum().backward();
  expect_near_direct(bias.grad(), direct_bias.grad());
}

TEST(WinogradGemm, RunsALargeBatchInBlocksWithTheSameResultsAndGradients) {
  // 17 images of 32 x 32 with 64 channels: 1,088 tiles in 13 blocks, 12 of 85 and one of 68, and the
  // weight gradient's blocks in 8 groups.
  const auto l = layer(17, 64, 64, 32, 32, 8);
  const auto d = l.trainable(), w = l.trainable();
  const auto upstream = torch::randn({17, 64, 32, 32});
  // Without the ReLU: among a million outputs a few lie within rounding of zero, where the two
  // algorithms' ReLUs may pass different gradients.
  const auto direct = torch::conv2d(d.x, d.weight, d.bias, 1, 1);
  const auto winograd = winograd_gemm::conv3x3(w.x, w.weight, w.bias, false);
  expect_near_direct(winograd, direct);
  (direct * upstream).sum().backward();
  (winograd * upstream).sum().backward();
  expect_near_direct(w.x.grad(), d.x.grad());
  expect_near_direct(w.weight.grad(), d.weight.grad());
  expect_near_direct(w.bias.grad(), d.bias.grad());
  torch::NoGradGuard no_grad;
  expect_near_direct(winograd_gemm::conv3x3(l.x, l.weight, l.bias, true),
                     torch::conv2d(l.x, l.weight, l.bias, 1, 1).relu());
}

TEST(WinogradGemm, TheSameBitsOnAnyNumberOfThreads) {
  // 90 tiles in blocks that cross from one image to the next and end partway through the last:
  // each block is one thread's, and the blocks do not depend on how many threads there are.
  const auto l = layer(3, 32, 48, 24, 20, 11);
  const auto upstream = torch::randn({3, 48, 24, 20});
  const int threads = torch::get_num_threads();
  std::vector<torch::Tensor> outputs, gradients, inferred;
  for (const int n : {1, 2, 3}) {
    torch::set_num_threads(n);
    const auto w = l.trainable();
    const auto y = winograd_gemm::conv3x3(w.x, w.weight, w.bias, true);
    (y * upstream).sum().backward();
    outputs.push_back(y.detach());
    gradients.push_back(torch::cat({w.x.grad().flatten(), w.weight.grad().flatten(), w.bias.grad()}));
    torch::NoGradGuard no_grad;
    inferred.push_back(winograd_gemm::conv3x3(l.x, l.weight, l.bias, true));
  }
  torch::set_num_threads(threads);
  expect_near_direct(outputs[0], torch::conv2d(l.x, l.weight, l.bias, 1, 1).relu());
  for (std::size_t i = 1; i < outputs.size(); ++i) {
    EXPECT_TRUE(torch::equal(outputs[i], outputs[0]));
    EXPECT_TRUE(torch::equal(gradients[i], gradients[0]));
    EXPECT_TRUE(torch::equal(inferred[i], inferred[0]));
  }
  EXPECT_TRUE(torch::equal(inferred[0], outputs[0]));
}

TEST(WinogradGemm, OnlyInputGradientsWhenTheWeightsAreFrozen) {
  const auto l = layer(1, 16, 16, 4, 8, 6);
  auto x = l.x.clone().requires_grad_();
  winograd_gemm::conv3x3(x, l.weight, l.bias, false).sum().backward();
  auto reference = l.x.clone().requires_grad_();
  torch::conv2d(reference, l.weight, l.bias, 1, 1).sum().backward();
  expect_near_direct(x.grad(), reference.grad());
  EXPECT_FALSE(l.weight.grad().defined());
}

TEST(WinogradGemm, DeclinesWhatItCannotCompute) {
  const auto l = layer(1, 16, 16, 8, 8, 7);
  EXPECT_FALSE(winograd_gemm::applicable(l.x.narrow(2, 0, 6), l.weight, l.bias));                  // 6 rows
  EXPECT_FALSE(winograd_gemm::applicable(l.x.narrow(1, 0, 8), l.weight.narrow(1, 0, 8), l.bias));  // 8 in
  EXPECT_FALSE(winograd_gemm::applicable(l.x, l.weight.narrow(0, 0, 8), l.bias.narrow(0, 0, 8)));  // 8 out
  EXPECT_FALSE(winograd_gemm::applicable(l.x.to(torch::kDouble), l.weight, l.bias));
  EXPECT_FALSE(winograd_gemm::applicable(l.x, l.weight, torch::Tensor()));
  EXPECT_FALSE(winograd_gemm::applicable(l.x, torch::randn({16, 16, 5, 5}), l.bias));
  EXPECT_THROW(winograd_gemm::conv3x3(l.x.narrow(3, 0, 5), l.weight, l.bias, false), c10::Error);
}

}  // namespace
}  // namespace ptychopinn::nets
