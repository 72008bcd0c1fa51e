#include "ptychopinn/iterative/rpie.h"

#include <gtest/gtest.h>

#include "iterative/synthetic_problem.h"
#include "ptychopinn/iterative/fourier_constraint.h"

namespace ptychopinn::iterative {
namespace {

using torch::indexing::Slice;

struct OnePattern {
  ReconstructionState state;
  Batch batch;
  torch::Tensor patch, chi;  // before the update
};

// One pattern at an integer position: the window is a plain slice and rPIE's formula can be written
// out by hand.
OnePattern one_pattern() {
  OnePattern p;
  p.state.object = testing::synthetic_object(40, 2) * 0.8;
  p.state.probe = testing::synthetic_probe(16, 4.0).unsqueeze(0) * 3.0;
  p.state.x = {20.0};
  p.state.y = {18.0};
  p.batch.windows = patch_windows(p.state.x, p.state.y, {0}, 16);
  const torch::Tensor truth = testing::synthetic_object(40, 9);
  const torch::Tensor true_patch = truth.index({Slice(10, 26), Slice(12, 28)});
  p.batch.amplitudes = model_amplitude(FarField(16), exit_waves(p.state.probe, true_patch.unsqueeze(0)));
  p.patch = p.state.object.index({Slice(10, 26), Slice(12, 28)}).clone();
  p.chi = fourier_step(FarField(16), exit_waves(p.state.probe, p.patch.unsqueeze(0)), p.batch.amplitudes,
                       torch::Tensor(), NoiseModel::kGaussian)
              .chi[0][0];
  return p;
}

TEST(Rpie, OneUpdateIsThePapersFormula) {
  OnePattern p = one_pattern();
  const torch::Tensor probe = p.state.probe[0].clone();
  const torch::Tensor object_before = p.state.object.clone();
  RpieParameters parameters;
  parameters.alpha = 0.2;
  parameters.beta = 0.7;
  parameters.probe_step = 0.5;
  Refine refine;
  refine.probe = true;
  rpie_update(p.state, p.batch, FarField(16), parameters, refine);
  const torch::Tensor p2 = probe.abs().square(), o2 = p.patch.abs().square();
  const torch::Tensor expected_object = p.patch + probe.conj() * p.chi / ((1 - 0.2) * p2 + 0.2 * p2.max());
  const torch::Tensor expected_probe =
      probe + 0.5 * p.patch.conj() * p.chi / ((1 - 0.7) * o2 + 0.7 * o2.max());
  EXPECT_TRUE(
      torch::allclose(p.state.object.index({Slice(10, 26), Slice(12, 28)}), expected_object, 1e-4, 1e-4));
  EXPECT_TRUE(torch::allclose(p.state.probe[0], expected_probe, 1e-4, 1e-4));
  // Outside the window nothing moves.
  torch::Tensor outside = torch::ones({40, 40}, torch::kBool);
  outside.index_put_({Slice(10, 27), Slice(12, 29)}, false);
  EXPECT_TRUE(torch::equal(p.state.object.masked_select(outside), object_before.masked_select(outside)));
}

TEST(Rpie, AWholeBatchIsOneJointUpdate) {
  // Two patterns on the same window: one joint update, numerators and denominators summed.
  OnePattern p = one_pattern();
  const torch::Tensor probe = p.state.probe[0].clone();
  p.state.x = {20.0, 20.0};
  p.state.y = {18.0, 18.0};
  p.batch.windows = patch_windows(p.state.x, p.state.y, {0, 1}, 16);
  p.batch.amplitudes = p.batch.amplitudes.expand({2, 16, 16}).contiguous();
  rpie_update(p.state, p.batch, FarField(16), RpieParameters{}, Refine{});
  const torch::Tensor p2 = 2 * probe.abs().square();
  const torch::Tensor expected = p.patch + 2 * probe.conj() * p.chi / (0.9 * p2 + 0.1 * p2.max());
  EXPECT_TRUE(torch::allclose(p.state.object.index({Slice(10, 26), Slice(12, 28)}), expected, 1e-4, 1e-4));
}

}  // namespace
}  // namespace ptychopinn::iterative
