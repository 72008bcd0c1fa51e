#pragma once
// A small stand-in for torch.autograd.gradcheck, which the C++ API of LibTorch 1.13 lacks: compares
// the autograd gradient of a random scalar projection of f's output with central differences, in
// float64, element by element. Complex quantities are passed as separate real leaves (the function
// recombines them with torch::complex), so only real derivatives are ever compared.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace ptychopinn::physics::testing {

using TensorFunction = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;

// Expects |autograd - finite difference| <= atol + rtol * |finite difference| for every element of
// every input. Inputs must be float64; they are cloned, not modified.
inline void expect_gradients_match_finite_differences(const TensorFunction& f,
                                                      const std::vector<torch::Tensor>& inputs,
                                                      double step = 1e-6, double atol = 1e-6,
                                                      double rtol = 1e-5) {
  torch::manual_seed(1234);
  std::vector<torch::Tensor> leaves;
  for (const auto& input : inputs) {
    ASSERT_EQ(input.scalar_type(), torch::kFloat64) << "gradient checks run in float64";
    leaves.push_back(input.detach().clone().set_requires_grad(true));
  }
  auto as_real = [](const torch::Tensor& t) { return t.is_complex() ? torch::view_as_real(t) : t; };
  const auto probe_output = as_real(f(leaves));
  const auto projection = torch::randn_like(probe_output.detach());
  auto scalar = [&](const std::vector<torch::Tensor>& xs) { return (as_real(f(xs)) * projection).sum(); };

  const auto analytic = torch::autograd::grad({scalar(leaves)}, leaves, {}, false, false, true);
  torch::NoGradGuard no_grad;
  for (size_t k = 0; k < leaves.size(); ++k) {
    ASSERT_TRUE(analytic[k].defined()) << "input " << k << " does not reach the output";
    auto flat_analytic = analytic[k].reshape(-1);
    std::vector<torch::Tensor> xs;
    for (const auto& leaf : leaves) xs.push_back(leaf.detach().clone());
    auto flat = xs[k].view(-1);
    int failures = 0;
    for (int64_t i = 0; i < flat.numel() && failures < 5; ++i) {
      const double original = flat[i].item<double>();
      flat[i] = original + step;
      const double plus = scalar(xs).item<double>();
      flat[i] = original - step;
      const double minus = scalar(xs).item<double>();
      flat[i] = original;
      const double numeric = (plus - minus) / (2 * step);
      const double autograd = flat_analytic[i].item<double>();
      if (std::abs(autograd - numeric) > atol + rtol * std::abs(numeric)) {
        ++failures;
        ADD_FAILURE() << "input " << k << " element " << i << ": autograd " << autograd
                      << ", finite difference " << numeric;
      }
    }
  }
}

}  // namespace ptychopinn::physics::testing
