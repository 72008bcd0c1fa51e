#pragma once
// A random "same" 3 x 3 convolution layer for the tests of our own convolution kernels, and the
// comparison with LibTorch's result they share.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>

namespace ptychopinn::testing {

struct ConvLayer {
  torch::Tensor x, weight, bias;

  // Copies that require gradients: one set for each implementation a test compares.
  ConvLayer trainable() const {
    return {x.clone().requires_grad_(), weight.clone().requires_grad_(), bias.clone().requires_grad_()};
  }
};

// x [batch, in, height, width] ~ N(0, 1); weights scaled so the outputs are of order one.
inline ConvLayer random_conv_layer(int64_t batch, int64_t in, int64_t out, int64_t height, int64_t width,
                                   uint64_t seed) {
  torch::manual_seed(seed);
  return {torch::randn({batch, in, height, width}), torch::randn({out, in, 3, 3}) / 3.0 / std::sqrt(in),
          torch::randn({out}) * 0.1};
}

// max |out - expected| below `tolerance` times max |expected|: agreement to float rounding of sums
// taken in another order.
inline void expect_near_scaled(const torch::Tensor& out, const torch::Tensor& expected, double tolerance) {
  ASSERT_EQ(out.sizes(), expected.sizes());
  const double scale = expected.abs().max().item<double>();
  const double error = (out - expected).abs().max().item<double>();
  EXPECT_LT(error, tolerance * scale) << "max |difference| " << error << " at scale " << scale;
}

}  // namespace ptychopinn::testing
