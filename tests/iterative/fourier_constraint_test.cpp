#include "ptychopinn/iterative/fourier_constraint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "ptychopinn/physics/diffraction.h"

namespace ptychopinn::iterative {
namespace {

torch::Tensor random_waves(int64_t b, int64_t k, int64_t n, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::complex(torch::randn({b, k, n, n}, gen), torch::randn({b, k, n, n}, gen));
}

torch::Tensor far(const torch::Tensor& psi) { return torch::fft::fft2(psi, c10::nullopt, {-2, -1}, "ortho"); }

// The engine's functions with transforms of the waves' size.
torch::Tensor model_amplitude(const torch::Tensor& psi) {
  return model_amplitude(FarField(psi.size(-1)), psi);
}
FourierStep fourier_step(const torch::Tensor& psi, const torch::Tensor& amplitudes,
                         const torch::Tensor& valid, NoiseModel m) {
  return iterative::fourier_step(FarField(psi.size(-1)), psi, amplitudes, valid, m);
}

TEST(FourierConstraint, TheModelAmplitudeIsThePinnsFarFieldSummedOverModes) {
  const torch::Tensor psi = random_waves(3, 2, 16, 1);
  const torch::Tensor expected = (physics::far_field_amplitude(psi.select(1, 0)).square() +
                                  physics::far_field_amplitude(psi.select(1, 1)).square())
                                     .sqrt();
  EXPECT_TRUE(torch::allclose(model_amplitude(psi), to_fft_order(expected), 1e-4, 1e-5));
  // The centred layout's DC pixel (N/2, N/2) is FFT order's [0, 0].
  const torch::Tensor centred = torch::zeros({16, 16});
  centred[8][8] = 1;
  EXPECT_EQ(to_fft_order(centred)[0][0].item<float>(), 1.0f);
}

TEST(FourierConstraint, TheGaussianStepIsTheModulusProjectionAndLeavesBadPixelsFree) {
  const torch::Tensor psi = random_waves(2, 2, 16, 2);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
  torch::Tensor amplitudes = torch::rand({2, 16, 16}, gen) * 5;
  torch::Tensor valid = torch::ones({16, 16});
  valid[3][4] = 0;
  valid[0][0] = 0;
  const FourierStep step = fourier_step(psi, amplitudes, valid, NoiseModel::kGaussian);
  const torch::Tensor before = far(psi), after = far(psi + step.chi);
  const torch::Tensor amp_after = torch::view_as_real(after).square().sum({1, -1}).sqrt();
  const torch::Tensor v = valid.to(torch::kBool).expand({2, 16, 16});
  EXPECT_TRUE(torch::allclose(amp_after.masked_select(v), amplitudes.masked_select(v), 1e-3, 1e-4));
  // Bad pixels: the model's own field, every mode, untouched.
  for (auto [r, c] : {std::pair{3, 4}, std::pair{0, 0}}) {
    EXPECT_TRUE(torch::allclose(after.index({torch::indexing::Slice(), torch::indexing::Slice(), r, c}),
                                before.index({torch::indexing::Slice(), torch::indexing::Slice(), r, c}),
                                1e-4, 1e-4));
  }
  // ... and not in the error, whatever the data say there.
  torch::Tensor wild = amplitudes.clone();
  wild.index_put_({torch::indexing::Slice(), 3, 4}, 1e6);
  EXPECT_NEAR(fourier_step(psi, wild, valid, NoiseModel::kGaussian).error_sum, step.error_sum,
              1e-6 * step.error_sum);
  const double all = fourier_step(psi, amplitudes, torch::Tensor(), NoiseModel::kGaussian).error_sum;
  EXPECT_GT(all, step.error_sum);
}

TEST(FourierConstraint, ConsistentDataGiveNoUpdateAndNoError) {
  const torch::Tensor psi = random_waves(2, 1, 8, 4);
  for (NoiseModel m : {NoiseModel::kGaussian, NoiseModel::kPoisson}) {
    const FourierStep step = fourier_step(psi, model_amplitude(psi), torch::Tensor(), m);
    EXPECT_LT(step.error_sum, 1e-8);
    EXPECT_LT(step.chi.abs().max().item<double>(), 1e-4);
  }
}

TEST(FourierConstraint, ThePoissonStepLowersThePoissonLikelihood) {
  const torch::Tensor psi = random_waves(4, 1, 16, 5);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(6);
  const torch::Tensor counts = torch::poisson(model_amplitude(psi).square() * 3, gen);
  const torch::Tensor amplitudes = counts.sqrt();
  const auto nll = [&](const torch::Tensor& wave) {
    const torch::Tensor i = model_amplitude(wave).square() + 1e-9;
    return (i - counts * i.log()).sum().item<double>();
  };
  const FourierStep step = fourier_step(psi, amplitudes, torch::Tensor(), NoiseModel::kPoisson);
  EXPECT_LT(nll(psi + step.chi), nll(psi));
}

TEST(FourierConstraint, TheFusedStepFromPatchesEqualsTheStepOfTheExitWaves) {
  for (int64_t k : {1, 2}) {
    const int64_t b = 6, n = 32;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(20 + static_cast<uint64_t>(k));
    const torch::Tensor probe = random_waves(1, k, n, 7 + static_cast<uint64_t>(k)).squeeze(0);
    const torch::Tensor patches = random_waves(b, 1, n, 9).squeeze(1);
    const torch::Tensor amplitudes = torch::rand({b, n, n}, gen) * 4;
    torch::Tensor valid = torch::ones({n, n});
    valid[5][6] = 0;
    const torch::Tensor psi = probe.unsqueeze(0) * patches.unsqueeze(1);
    for (const torch::Tensor& v : {valid, torch::Tensor()}) {
      const FourierStep expected = fourier_step(psi, amplitudes, v, NoiseModel::kGaussian);
      const FourierStep fused =
          fourier_step_from_patches(FarField(n), probe, patches, amplitudes, v, NoiseModel::kGaussian);
      EXPECT_TRUE(torch::allclose(fused.chi, expected.chi, 1e-4, 1e-4)) << k;
      EXPECT_NEAR(fused.error_sum, expected.error_sum, 1e-5 * expected.error_sum) << k;
      ASSERT_TRUE(fused.object_numerator.defined());
      EXPECT_TRUE(
          torch::allclose(fused.object_numerator, (probe.conj().unsqueeze(0) * fused.chi).sum(1), 1e-4, 1e-4))
          << k;
    }
    // The Poisson model takes the tensor path: the same as the step of the exit waves.
    const FourierStep poisson =
        fourier_step_from_patches(FarField(n), probe, patches, amplitudes, valid, NoiseModel::kPoisson);
    EXPECT_TRUE(torch::allclose(poisson.chi, fourier_step(psi, amplitudes, valid, NoiseModel::kPoisson).chi,
                                1e-4, 1e-4));
  }
}

TEST(FourierConstraint, TheFusedStepDoesNotDependOnTheThreadCount) {
  const int64_t b = 9, n = 32;
  const torch::Tensor probe = random_waves(1, 1, n, 30).squeeze(0);
  const torch::Tensor patches = random_waves(b, 1, n, 31).squeeze(1);
  const torch::Tensor amplitudes = torch::rand({b, n, n}, at::make_generator<at::CPUGeneratorImpl>(32));
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const FourierStep one = fourier_step_from_patches(FarField(n), probe, patches, amplitudes, torch::Tensor(),
                                                    NoiseModel::kGaussian);
  at::set_num_threads(2);
  const FourierStep two = fourier_step_from_patches(FarField(n), probe, patches, amplitudes, torch::Tensor(),
                                                    NoiseModel::kGaussian);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one.chi, two.chi));
  EXPECT_EQ(one.error_sum, two.error_sum);
}

}  // namespace
}  // namespace ptychopinn::iterative
