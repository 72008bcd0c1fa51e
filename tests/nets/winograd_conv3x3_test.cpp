#include "ptychopinn/nets/winograd_conv3x3.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "ptychopinn/nets/cnn_blocks.h"

namespace ptychopinn::nets {
namespace {

using Sizes = std::vector<int64_t>;

// What the Winograd path must equal: LibTorch's convolution, then ReLU.
torch::Tensor reference(torch::nn::Conv2d& conv, const torch::Tensor& x, bool relu) {
  torch::NoGradGuard no_grad;
  const auto y = conv(x.contiguous());
  return relu ? y.relu() : y;
}

// Winograd sums in another order (and through its transforms): agreement to float rounding of
// sums of 9 x in terms, relative to the output's scale.
void expect_close(const torch::Tensor& out, const torch::Tensor& expected) {
  const double scale = expected.abs().max().item<double>();
  const double error = (out - expected).abs().max().item<double>();
  EXPECT_LT(error, 2e-5 * scale) << "max |difference| " << error << " at output scale " << scale;
}

TEST(WinogradConv3x3, EqualsTheDirectConvolutionForEveryInputLayoutAndOutputFormat) {
  WinogradConv3x3 winograd;
  if (!winograd.available()) GTEST_SKIP() << "no oneDNN Winograd on this CPU or in this build";
  torch::manual_seed(11);
  auto conv = same_conv3x3(32, 48);
  const auto wide = torch::randn({4, 40, 12, 10});
  const std::vector<torch::Tensor> inputs = {
      wide.narrow(1, 0, 32).contiguous(), wide.narrow(1, 0, 32).contiguous(torch::MemoryFormat::ChannelsLast),
      wide.narrow(1, 8, 32), wide.contiguous(torch::MemoryFormat::ChannelsLast).narrow(1, 3, 32),
      wide.narrow(1, 0, 1).expand({4, 32, 12, 10})};
  torch::NoGradGuard no_grad;
  for (const auto& x : inputs) {
    for (const auto format : {torch::MemoryFormat::ChannelsLast, torch::MemoryFormat::Contiguous}) {
      for (const bool relu : {true, false}) {
        const auto out = winograd.forward(conv->weight, conv->bias, x, format, relu);
        ASSERT_TRUE(out.has_value());
        ASSERT_EQ(out->sizes(), (Sizes{4, 48, 12, 10}));
        EXPECT_TRUE(out->is_contiguous(format));
        expect_close(*out, reference(conv, x, relu));
        if (relu) {
          EXPECT_EQ(out->min().item<float>(), 0.0f);
        }
      }
    }
  }
}

TEST(WinogradConv3x3, SeesWeightsChangedInPlaceOrReplaced) {
  // Both paths keep transformed weights in inference: oneDNN's Winograd where the CPU has it, the
  // portable one elsewhere (64 channels and 64 tiles, where it runs).
  WinogradConv3x3 winograd;
  torch::manual_seed(12);
  auto conv = same_conv3x3(64, 64);
  const auto x = torch::randn({4, 64, 16, 16}).contiguous(torch::MemoryFormat::ChannelsLast);
  torch::NoGradGuard no_grad;
  const auto first = winograd.forward(conv->weight, conv->bias, x, torch::MemoryFormat::ChannelsLast, true);
  if (!first) GTEST_SKIP() << "no Winograd in this build";
  const auto before = *first;
  expect_close(before, reference(conv, x, true));
  expect_close(*winograd.forward(conv->weight, conv->bias, x, torch::MemoryFormat::ChannelsLast, true),
               reference(conv, x, true));
  // An optimiser step: in place, same storage.
  conv->weight.mul_(-0.5).add_(0.01);
  conv->bias.add_(0.25);
  const auto stepped =
      *winograd.forward(conv->weight, conv->bias, x, torch::MemoryFormat::ChannelsLast, true);
  expect_close(stepped, reference(conv, x, true));
  EXPECT_GT((stepped - before).abs().max().item<float>(), 0.1f);
  // New tensors, as loading weights into a fresh module gives.
  conv->weight.set_data(torch::randn({64, 64, 3, 3}) / 24);
  const auto replaced =
      *winograd.forward(conv->weight, conv->bias, x, torch::MemoryFormat::ChannelsLast, true);
  expect_close(replaced, reference(conv, x, true));
  EXPECT_GT((replaced - stepped).abs().max().item<float>(), 0.1f);
}

TEST(WinogradConv3x3, KeepsSeveralBatchSizesAndGrowsOneSharedWorkspace) {
  WinogradConv3x3 first, second;
  if (!first.available()) GTEST_SKIP() << "no oneDNN Winograd on this CPU or in this build";
  const auto workspace = std::make_shared<WinogradWorkspace>();
  first.set_workspace(workspace);
  second.set_workspace(workspace);
  torch::manual_seed(13);
  auto a = same_conv3x3(32, 64);
  auto b = same_conv3x3(64, 32);
  torch::NoGradGuard no_grad;
  for (const int64_t batch : {4, 9, 4, 5, 6, 7, 4}) {  // more shapes than the plan cache holds
    const auto x = torch::randn({batch, 32, 16, 16}).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto y = *first.forward(a->weight, a->bias, x, torch::MemoryFormat::ChannelsLast, true);
    const auto z = *second.forward(b->weight, b->bias, y, torch::MemoryFormat::ChannelsLast, true);
    expect_close(y, reference(a, x, true));
    expect_close(z, reference(b, reference(a, x, true), true));
  }
  // Input and output copies of the largest layer at batch 9, at least.
  EXPECT_GE(workspace->bytes(), std::size_t{2} * 9 * 64 * 16 * 16 * sizeof(float));
}

// Training: forward, input gradient and weight and bias gradients all with Winograd, equal to
// LibTorch's convolution and its autograd to float rounding, for either activation layout, with
// the ReLU applied after (in place, as the blocks do).
TEST(WinogradConv3x3, TrainsWithTheGradientsOfLibTorchsConvolution) {
  WinogradConv3x3 winograd;
  if (!winograd.available()) GTEST_SKIP() << "no oneDNN Winograd on this CPU or in this build";
  torch::manual_seed(16);
  auto conv = same_conv3x3(32, 48);
  for (const auto format : {torch::MemoryFormat::ChannelsLast, torch::MemoryFormat::Contiguous}) {
    const auto x0 = torch::randn({5, 32, 12, 10}).contiguous(format);
    const auto upstream = torch::randn({5, 48, 12, 10});
    const auto x = x0.clone().requires_grad_(true);
    conv->zero_grad();
    const auto out = winograd.forward(conv->weight, conv->bias, x, format, /*relu=*/true);
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(out->requires_grad());
    EXPECT_TRUE(out->is_contiguous(format));
    (*out * upstream).sum().backward();
    const auto grad_x = x.grad().clone(), grad_w = conv->weight.grad().clone(),
               grad_b = conv->bias.grad().clone();

    const auto x_ref = x0.clone().requires_grad_(true);
    conv->zero_grad();
    const auto expected = conv(x_ref).relu();
    (expected * upstream).sum().backward();
    expect_close(out->detach(), expected.detach());
    expect_close(grad_x, x_ref.grad());
    expect_close(grad_w, conv->weight.grad());
    expect_close(grad_b, conv->bias.grad());
  }
  // Only the parameters need gradients (an input that does not require them): none for x.
  conv->zero_grad();
  const auto y = *winograd.forward(conv->weight, conv->bias, torch::randn({4, 32, 8, 8}),
                                   torch::MemoryFormat::ChannelsLast, false);
  y.sum().backward();
  EXPECT_TRUE(conv->weight.grad().defined());
  EXPECT_GT(conv->bias.grad().abs().sum().item<float>(), 0.0f);
}

TEST(WinogradConv3x3, DeclinesWhatItDoesNotCover) {
  torch::manual_seed(14);
  auto conv = same_conv3x3(32, 32);
  auto narrow = same_conv3x3(4, 32);
  const auto x = torch::randn({4, 32, 8, 8});
  const auto cl = torch::MemoryFormat::ChannelsLast;
  WinogradConv3x3 winograd;
  torch::NoGradGuard no_grad;
  EXPECT_FALSE(
      winograd.forward(conv->weight, conv->bias, x.narrow(0, 0, WinogradConv3x3::kMinBatch - 1), cl, true)
          .has_value());
  EXPECT_FALSE(
      winograd.forward(narrow->weight, narrow->bias, torch::randn({4, 4, 8, 8}), cl, true).has_value());
  EXPECT_FALSE(winograd
                   .forward(conv->weight.to(torch::kDouble), conv->bias.to(torch::kDouble),
                            x.to(torch::kDouble), cl, true)
                   .has_value());
  EXPECT_FALSE(winograd.forward(conv->weight, conv->bias, x.narrow(1, 0, 16), cl, true).has_value());
  EXPECT_FALSE(
      winograd.forward(conv->weight, conv->bias, x, torch::MemoryFormat::Preserve, true).has_value());
  winograd.set_enabled(false);
  EXPECT_FALSE(winograd.enabled());
  EXPECT_FALSE(winograd.forward(conv->weight, conv->bias, x, cl, true).has_value());
  winograd.set_enabled(true);
  EXPECT_EQ(winograd.forward(conv->weight, conv->bias, x, cl, true).has_value(), winograd.available());
}

// Without oneDNN's Winograd, the portable one takes 32-channel layers only where it pays: in
// training, not in inference.
TEST(WinogradConv3x3, PortableTakesThirtyTwoChannelsInTrainingAndInference) {
  WinogradConv3x3 winograd;
  torch::manual_seed(17);
  auto thin = same_conv3x3(16, 16);
  auto narrow = same_conv3x3(32, 32);
  const auto cl = torch::MemoryFormat::ChannelsLast;
  const auto x16 = torch::randn({4, 16, 16, 16}).contiguous(cl);
  const auto x32 = torch::randn({4, 32, 16, 16}).contiguous(cl);
  {
    torch::NoGradGuard no_grad;
    const auto inferred = winograd.forward(narrow->weight, narrow->bias, x32, cl, true);
    if (!inferred) GTEST_SKIP() << "no Winograd in this build";
    if (winograd.available()) GTEST_SKIP() << "oneDNN's Winograd runs here, not the portable one";
    expect_close(*inferred, reference(narrow, x32, true));
    EXPECT_FALSE(winograd.forward(thin->weight, thin->bias, x16, cl, true).has_value());
  }
  const auto trained = winograd.forward(narrow->weight, narrow->bias, x32, cl, true);
  ASSERT_TRUE(trained.has_value());
  EXPECT_TRUE(trained->requires_grad());
  expect_close(trained->detach(), reference(narrow, x32, true));
  EXPECT_FALSE(winograd.forward(thin->weight, thin->bias, x16, cl, true).has_value());
}

// The blocks' convolution: Winograd where it applies, LibTorch's otherwise; the same numbers either
// way, and gradients whenever autograd is on.
TEST(Conv3x3Relu, GivesTheAutogradResultWithOrWithoutWinograd) {
  torch::manual_seed(15);
  auto conv = same_conv3x3(32, 32);
  WinogradConv3x3 winograd;
  const auto x = torch::randn({8, 32, 16, 16}).contiguous(torch::MemoryFormat::ChannelsLast);
  const auto trained = conv3x3_relu(conv, winograd, x, torch::MemoryFormat::ChannelsLast);
  ASSERT_TRUE(trained.requires_grad());
  torch::NoGradGuard no_grad;
  const auto inferred = conv3x3_relu(conv, winograd, x, torch::MemoryFormat::ChannelsLast);
  EXPECT_TRUE(inferred.is_contiguous(torch::MemoryFormat::ChannelsLast));
  expect_close(inferred, trained.detach());
}

}  // namespace
}  // namespace ptychopinn::nets
