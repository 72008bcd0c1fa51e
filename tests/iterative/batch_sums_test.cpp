#include "ptychopinn/iterative/batch_sums.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

namespace ptychopinn::iterative {
namespace {

torch::Tensor random_complex(std::vector<int64_t> shape, at::Generator& gen) {
  return torch::complex(torch::randn(shape, gen), torch::randn(shape, gen));
}

TEST(BatchSums, TheCpuLoopsEqualTheTensorFormsForOneAndTwoModes) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  for (int64_t k : {1, 2}) {
    const torch::Tensor patches = random_complex({5, 12, 12}, gen), chi = random_complex({5, k, 12, 12}, gen);
    const torch::Tensor direction = random_complex({5, 12, 12}, gen),
                        numerator = random_complex({5, 12, 12}, gen);
    const torch::Tensor probe = random_complex({k, 12, 12}, gen),
                        probe_direction = random_complex({k, 12, 12}, gen);

    const ProbeSums loops = probe_sums(patches, chi), tensors = detail::probe_sums_tensor(patches, chi);
    EXPECT_TRUE(torch::allclose(loops.numerator, tensors.numerator, 1e-4, 1e-4)) << k;
    EXPECT_TRUE(torch::allclose(loops.object_power, tensors.object_power, 1e-4, 1e-4)) << k;

    for (bool with_probe : {false, true}) {
      const torch::Tensor dp = with_probe ? probe_direction : torch::Tensor();
      const StepSums a = lsqml_step_sums(direction, numerator, patches, chi, probe, dp);
      const StepSums b = detail::lsqml_step_sums_tensor(direction, numerator, patches, chi, probe, dp);
      EXPECT_TRUE(torch::allclose(a.a11, b.a11, 1e-4, 1e-3));
      EXPECT_TRUE(torch::allclose(a.b1, b.b1, 1e-4, 1e-3));
      EXPECT_EQ(a.a22.defined(), with_probe);
      if (with_probe) {
        EXPECT_TRUE(torch::allclose(a.a22, b.a22, 1e-4, 1e-3));
        EXPECT_TRUE(torch::allclose(a.a12, b.a12, 1e-4, 1e-3));
        EXPECT_TRUE(torch::allclose(a.b2, b.b2, 1e-4, 1e-3));
      }
    }
  }
}

TEST(BatchSums, TheStepTermsAreTheNormsAndInnerProductsTheyStandFor) {
  // u = ΔÔ_j P_k, v = O_j ΔP̂_k formed explicitly.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(2);
  const torch::Tensor patches = random_complex({3, 8, 8}, gen), chi = random_complex({3, 2, 8, 8}, gen);
  const torch::Tensor direction = random_complex({3, 8, 8}, gen);
  const torch::Tensor probe = random_complex({2, 8, 8}, gen),
                      probe_direction = random_complex({2, 8, 8}, gen);
  const torch::Tensor numerator = (probe.conj().unsqueeze(0) * chi).sum(1);
  const torch::Tensor u = direction.unsqueeze(1) * probe.unsqueeze(0),
                      v = patches.unsqueeze(1) * probe_direction;
  const auto re_inner = [](const torch::Tensor& a, const torch::Tensor& b) {
    return torch::real((a.conj() * b).flatten(1).sum(1)).to(torch::kDouble);
  };
  const StepSums s = lsqml_step_sums(direction, numerator, patches, chi, probe, probe_direction);
  EXPECT_TRUE(torch::allclose(s.a11, re_inner(u, u), 1e-4, 1e-3));
  EXPECT_TRUE(torch::allclose(s.b1, re_inner(u, chi), 1e-4, 1e-3));
  EXPECT_TRUE(torch::allclose(s.a22, re_inner(v, v), 1e-4, 1e-3));
  EXPECT_TRUE(torch::allclose(s.a12, re_inner(u, v), 1e-4, 1e-3));
  EXPECT_TRUE(torch::allclose(s.b2, re_inner(v, chi), 1e-4, 1e-3));
}

}  // namespace
}  // namespace ptychopinn::iterative
