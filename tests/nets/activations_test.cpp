#include "ptychopinn/nets/activations.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ptychopinn::nets {
namespace {

torch::Tensor inputs() { return torch::tensor({-30.0, -2.0, -1.0, 0.0, 0.5, 3.0, 30.0}, torch::kFloat64); }

TEST(AmplitudeActivation, IsTheNamedFunction) {
  using config::AmpActivation;
  const auto x = inputs();
  EXPECT_TRUE(torch::allclose(amplitude_activation(x, AmpActivation::kSigmoid), 1 / (1 + torch::exp(-x))));
  EXPECT_TRUE(torch::allclose(amplitude_activation(x, AmpActivation::kSwish), x / (1 + torch::exp(-x))));
  EXPECT_TRUE(
      torch::allclose(amplitude_activation(x, AmpActivation::kSoftplus), torch::log1p(torch::exp(x))));
  EXPECT_TRUE(torch::allclose(amplitude_activation(x, AmpActivation::kRelu), x.clamp_min(0)));
}

TEST(PhaseActivation, IsPiTanhAndStaysWithinPlusMinusPi) {
  const auto phase = phase_activation(inputs().to(torch::kFloat32));
  EXPECT_TRUE(torch::allclose(phase, M_PI * torch::tanh(inputs().to(torch::kFloat32))));
  EXPECT_LE(phase.abs().max().item<double>(), M_PI + 1e-6);
  EXPECT_EQ(phase_activation(torch::zeros({1})).item<float>(), 0.0f);
}

TEST(Swish, IsXTimesSigmoidWithMinimumNearMinus0278) {
  const auto x = torch::linspace(-10, 10, 20001, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(swish(x), x * torch::sigmoid(x)));
  EXPECT_NEAR(swish(x).min().item<double>(), -0.27846, 1e-5);
}

}  // namespace
}  // namespace ptychopinn::nets
