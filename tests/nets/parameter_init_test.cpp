#include "ptychopinn/nets/parameter_init.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ptychopinn/nets/cnn.h"

namespace ptychopinn::nets {
namespace {

// A module with the layer kinds glorot_uniform_init handles and one it must leave alone.
struct MixedImpl : torch::nn::Module {
  MixedImpl()
      : conv(register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 5, 3)))),
        linear(register_module("linear", torch::nn::Linear(20, 10))),
        scale(register_parameter("scale", torch::full({}, 2.5))) {}
  torch::nn::Conv2d conv;
  torch::nn::Linear linear;
  torch::Tensor scale;
};
TORCH_MODULE(Mixed);

TEST(GlorotUniformInit, SameSeedSameWeightsDifferentSeedDifferentWeights) {
  Mixed a, b, c;
  glorot_uniform_init(*a, 42);
  glorot_uniform_init(*b, 42);
  glorot_uniform_init(*c, 43);
  EXPECT_TRUE(torch::equal(a->conv->weight, b->conv->weight));
  EXPECT_TRUE(torch::equal(a->linear->weight, b->linear->weight));
  EXPECT_FALSE(torch::equal(a->conv->weight, c->conv->weight));
  EXPECT_FALSE(torch::equal(a->linear->weight, c->linear->weight));
}

TEST(GlorotUniformInit, ZeroesBiasesAndBoundsKernelsBySqrtSixOverFanInPlusFanOut) {
  Mixed m;
  glorot_uniform_init(*m, 1);
  EXPECT_EQ(m->conv->bias.abs().max().item<float>(), 0.0f);
  EXPECT_EQ(m->linear->bias.abs().max().item<float>(), 0.0f);
  EXPECT_EQ(m->scale.item<float>(), 2.5f);  // not a kernel: untouched
  const double conv_bound = std::sqrt(6.0 / (3 * 9 + 5 * 9));
  const double linear_bound = std::sqrt(6.0 / (20 + 10));
  EXPECT_LE(m->conv->weight.abs().max().item<double>(), conv_bound);
  EXPECT_LE(m->linear->weight.abs().max().item<double>(), linear_bound);
  // Uniform on [-a, a]: the extremes come close to the bound (135 and 200 draws).
  EXPECT_GT(m->conv->weight.abs().max().item<double>(), 0.9 * conv_bound);
  EXPECT_GT(m->linear->weight.abs().max().item<double>(), 0.9 * linear_bound);
}

TEST(GlorotUniformInit, GivesTheGeneratorUniformKernelsWithTheGlorotVariance) {
  CnnGenerator net(CnnOptions{});
  glorot_uniform_init(*net, 5);
  // encoder.blocks.1.conv2: 128 -> 128, bound sqrt(6 / (2 * 128 * 9)); variance bound^2 / 3.
  const auto w = net->named_parameters()["encoder.blocks.1.conv2.weight"];
  const double bound = std::sqrt(6.0 / (2 * 128 * 9));
  EXPECT_LE(w.abs().max().item<double>(), bound);
  EXPECT_NEAR(w.var().item<double>(), bound * bound / 3, 0.02 * bound * bound / 3);
  EXPECT_NEAR(w.mean().item<double>(), 0.0, 0.01 * bound);
  for (const auto& p : net->named_parameters()) {
    if (p.key().size() > 4 && p.key().compare(p.key().size() - 4, 4, "bias") == 0) {
      EXPECT_EQ(p.value().abs().max().item<float>(), 0.0f) << p.key();
    }
  }
}

TEST(GlorotUniformInit, DoesNotTouchTheGlobalGenerator) {
  torch::manual_seed(9);
  const auto expected = torch::rand({4});
  torch::manual_seed(9);
  Mixed m;  // LibTorch's own default init draws from the global generator; redo the seed after it
  torch::manual_seed(9);
  glorot_uniform_init(*m, 3);
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
}

TEST(GlorotUniformInit, GivesFloat32AndFloat64ModulesTheSameWeightsUpToRounding) {
  Mixed a, b;
  b->to(torch::kFloat64);
  glorot_uniform_init(*a, 8);
  glorot_uniform_init(*b, 8);
  EXPECT_EQ(a->conv->weight.scalar_type(), torch::kFloat32);
  EXPECT_EQ(b->conv->weight.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(torch::equal(a->conv->weight, b->conv->weight.to(torch::kFloat32)));
  EXPECT_TRUE(torch::equal(a->linear->weight, b->linear->weight.to(torch::kFloat32)));
}

TEST(CountTrainableParameters, CountsOnlyParametersThatRequireGrad) {
  Mixed m;
  EXPECT_EQ(count_trainable_parameters(*m), (5 * 3 * 9 + 5) + (20 * 10 + 10) + 1);
  m->scale.set_requires_grad(false);
  EXPECT_EQ(count_trainable_parameters(*m), (5 * 3 * 9 + 5) + (20 * 10 + 10));
}

}  // namespace
}  // namespace ptychopinn::nets
