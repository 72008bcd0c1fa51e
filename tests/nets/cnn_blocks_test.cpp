#include "ptychopinn/nets/cnn_blocks.h"

#include <gtest/gtest.h>

#include <vector>

namespace ptychopinn::nets {
namespace {

using Sizes = std::vector<int64_t>;

TEST(SameConv3x3, PadsOneZeroOnEverySideLikeKerasSame) {
  auto conv = same_conv3x3(1, 1);
  {
    torch::NoGradGuard no_grad;
    conv->weight.fill_(1);
    conv->bias.zero_();
  }
  const auto out = conv(torch::ones({1, 1, 4, 5}));
  ASSERT_EQ(out.sizes(), (Sizes{1, 1, 4, 5}));
  // A box sum of ones: 4 neighbours at a corner, 6 on an edge, 9 inside, symmetric on all sides.
  const auto expected = torch::tensor({4.f, 6.f, 6.f, 6.f, 4.f, 6.f, 9.f, 9.f, 9.f, 6.f,  //
                                       6.f, 9.f, 9.f, 9.f, 6.f, 4.f, 6.f, 6.f, 6.f, 4.f})
                            .reshape({1, 1, 4, 5});
  EXPECT_TRUE(torch::equal(out, expected));
}

// Without autograd a batch of one goes to oneDNN directly rather than to LibTorch's im2col
// convolution: the same numbers to float rounding, whatever the input's layout (channels-last, or
// a channel slice as the decoder passes it); with autograd on it is conv(x), gradients included.
TEST(ApplyConv3x3, ABatchOfOneWithoutAutogradEqualsTheModulesConvolution) {
  torch::manual_seed(3);
  auto conv = same_conv3x3(12, 8);
  const auto wide = torch::randn({1, 16, 9, 7});
  const std::vector<torch::Tensor> inputs = {
      wide.narrow(1, 0, 12).contiguous(), wide.narrow(1, 0, 12).contiguous(torch::MemoryFormat::ChannelsLast),
      wide.narrow(1, 4, 12), wide.contiguous(torch::MemoryFormat::ChannelsLast).narrow(1, 2, 12)};
  for (const auto& x : inputs) {
    const auto expected = conv(x).detach();
    torch::NoGradGuard no_grad;
    const auto out = apply_conv3x3(conv, x);
    ASSERT_EQ(out.sizes(), (Sizes{1, 8, 9, 7}));
    EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-5)) << (out - expected).abs().max().item<float>();
  }
  const auto x = inputs[0].clone().requires_grad_(true);
  const auto out = apply_conv3x3(conv, x);
  out.sum().backward();
  ASSERT_TRUE(x.grad().defined() && conv->weight.grad().defined());
  EXPECT_TRUE(torch::equal(out.detach(), conv(inputs[0]).detach()));
}

TEST(SameMaxPool2x2, HalvesEvenSidesAndKeepsThePartialLastWindowOfOddSides) {
  const auto even = torch::arange(16, torch::kFloat32).reshape({1, 1, 4, 4});
  EXPECT_TRUE(
      torch::equal(same_max_pool2x2(even), torch::tensor({5.f, 7.f, 13.f, 15.f}).reshape({1, 1, 2, 2})));
  // Keras "same" on 3 x 3: output 2 x 2, the bottom/right windows are the max of what exists.
  const auto odd = -torch::arange(9, torch::kFloat32).reshape({1, 1, 3, 3});
  EXPECT_TRUE(
      torch::equal(same_max_pool2x2(odd), torch::tensor({0.f, -2.f, -6.f, -8.f}).reshape({1, 1, 2, 2})));
}

TEST(UpsampleNearest2x, RepeatsEachPixelTwoByTwo) {
  const auto x = torch::tensor({1.f, 2.f, 3.f, 4.f}).reshape({1, 1, 2, 2});
  const auto expected = torch::tensor({1.f, 1.f, 2.f, 2.f, 1.f, 1.f, 2.f, 2.f,  //
                                       3.f, 3.f, 4.f, 4.f, 3.f, 3.f, 4.f, 4.f})
                            .reshape({1, 1, 4, 4});
  EXPECT_TRUE(torch::equal(upsample_nearest2x(x), expected));
}

TEST(ConvPoolBlock, TwoReluConvsThenPooling) {
  ConvPoolBlock block(3, 8);
  const auto out = block(torch::rand({2, 3, 16, 16}));
  EXPECT_EQ(out.sizes(), (Sizes{2, 8, 8, 8}));
  EXPECT_GE(out.min().item<float>(), 0.0f);  // ReLU before the max
  EXPECT_EQ(block->named_parameters().size(), 4u);
  EXPECT_TRUE(block->named_parameters().contains("conv1.weight"));
  EXPECT_TRUE(block->named_parameters().contains("conv2.bias"));
}

TEST(ConvUpBlock, TwoReluConvsThenDoublesTheSide) {
  ConvUpBlock block(4, 6);
  const auto out = block(torch::rand({1, 4, 8, 8}));
  EXPECT_EQ(out.sizes(), (Sizes{1, 6, 16, 16}));
  EXPECT_GE(out.min().item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(out.narrow(2, 0, 1), out.narrow(2, 1, 1)));  // nearest: rows come in pairs
}

}  // namespace
}  // namespace ptychopinn::nets
