#include "ptychopinn/iterative/probe_modes.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <numeric>

#include "iterative/synthetic_problem.h"

namespace ptychopinn::iterative {
namespace {

TEST(ProbeModes, OrthogonalisationMakesModesOrthogonalStrongestFirstAndKeepsTheIntensity) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  const torch::Tensor p = torch::complex(torch::randn({3, 8, 8}, gen), torch::randn({3, 8, 8}, gen));
  const torch::Tensor q = orthogonalize_modes(p);
  const torch::Tensor flat = q.reshape({3, -1}).to(torch::kComplexDouble);
  const torch::Tensor gram = torch::matmul(flat, flat.conj().transpose(0, 1));
  const torch::Tensor off = gram - torch::diag(torch::diagonal(gram));
  EXPECT_LT(off.abs().max().item<double>(), 1e-4 * gram.abs().max().item<double>());
  const std::vector<double> f = mode_power_fractions(q);
  EXPECT_GE(f[0], f[1]);
  EXPECT_GE(f[1], f[2]);
  EXPECT_NEAR(std::accumulate(f.begin(), f.end(), 0.0), 1.0, 1e-9);
  // Σ_k |P_k|² per pixel, and so every predicted pattern, unchanged.
  EXPECT_TRUE(torch::allclose(q.abs().square().sum(0), p.abs().square().sum(0), 1e-4, 1e-4));
}

TEST(ProbeModes, ExtraModesStartWeakAndSmoothBesideTheGivenOne) {
  const torch::Tensor main = testing::synthetic_probe(32);
  const torch::Tensor p = probe_with_modes(main, 3, 0.05);
  ASSERT_EQ(p.sizes(), torch::IntArrayRef({3, 32, 32}));
  const std::vector<double> f = mode_power_fractions(p);
  EXPECT_NEAR(f[0], 1.0 / 1.1, 0.02);
  EXPECT_NEAR(f[1] + f[2], 0.1 / 1.1, 0.02);
  EXPECT_GT(testing::normalised_overlap(p[0], main), 0.99);
  // One mode asked of a [N, N] probe: the probe itself, as [1, N, N].
  EXPECT_TRUE(torch::equal(probe_with_modes(main, 1, 0.05)[0], main));
}

}  // namespace
}  // namespace ptychopinn::iterative
