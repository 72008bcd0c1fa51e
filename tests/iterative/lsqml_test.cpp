#include "ptychopinn/iterative/lsqml.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "iterative/synthetic_problem.h"
#include "ptychopinn/iterative/fourier_constraint.h"

namespace ptychopinn::iterative {
namespace {

struct LsqmlCase {
  ReconstructionState state;
  Batch batch;
};

// The synthetic scan's first 16 patterns on a flat start object.
LsqmlCase make_case() {
  const testing::Synthetic s = testing::make_synthetic();
  LsqmlCase out;
  out.state.object = torch::ones({81, 81}, torch::kComplexFloat);
  out.state.probe = s.probe.clone();
  for (int64_t i = 0; i < s.problem.positions_px.size(0); ++i) {
    out.state.x.push_back(s.problem.positions_px[i][0].item<double>());
    out.state.y.push_back(s.problem.positions_px[i][1].item<double>());
  }
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < 16; ++i) idx.push_back(i * 3);
  out.batch.windows = patch_windows(out.state.x, out.state.y, idx, 32);
  out.batch.amplitudes = to_fft_order(s.problem.amplitudes.index_select(0, torch::tensor(idx)));
  return out;
}

double batch_error(const LsqmlCase& s) {
  const torch::Tensor psi = exit_waves(s.state.probe, extract_patches(s.state.object, s.batch.windows));
  return fourier_step(FarField(32), psi, s.batch.amplitudes, torch::Tensor(), NoiseModel::kGaussian)
      .error_sum;
}

TEST(Lsqml, AnUpdateLowersTheBatchErrorForBothNoiseModels) {
  for (NoiseModel m : {NoiseModel::kGaussian, NoiseModel::kPoisson}) {
    for (bool refine_probe : {false, true}) {
      LsqmlCase s = make_case();
      const double before = batch_error(s);
      LsqmlParameters parameters;
      parameters.noise_model = m;
      Refine refine;
      refine.probe = refine_probe;
      const BatchOutcome outcome = lsqml_update(s.state, s.batch, FarField(32), parameters, refine);
      EXPECT_NEAR(outcome.error_sum, before, 1e-6 * before);
      // The Poisson step minimises the Poisson likelihood, so it only has to lower the amplitude error.
      EXPECT_LT(batch_error(s), (m == NoiseModel::kGaussian ? 0.8 : 1.0) * before)
          << to_string(m) << " probe " << refine_probe;
    }
  }
}

TEST(Lsqml, ExactDataLeaveTheStateUnchanged) {
  LsqmlCase s = make_case();
  // A flat object up to float32 rounding: its noise-level gradient must not move any position.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(4);
  s.state.object += 1e-7 * torch::complex(torch::randn({81, 81}, gen), torch::randn({81, 81}, gen));
  s.batch.amplitudes = model_amplitude(
      FarField(32), exit_waves(s.state.probe, extract_patches(s.state.object, s.batch.windows)));
  const torch::Tensor object = s.state.object.clone(), probe = s.state.probe.clone();
  Refine refine;
  refine.probe = true;
  refine.positions = true;
  const BatchOutcome outcome = lsqml_update(s.state, s.batch, FarField(32), LsqmlParameters{}, refine);
  EXPECT_TRUE(torch::allclose(s.state.object, object, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(s.state.probe, probe, 1e-5, 1e-5));
  EXPECT_LT(outcome.position_steps.abs().max().item<double>(), 1e-3);
}

}  // namespace
}  // namespace ptychopinn::iterative
