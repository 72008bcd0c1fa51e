#include "ptychopinn/iterative/solver.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "iterative/synthetic_problem.h"
#include "ptychopinn/iterative/probe_modes.h"

namespace ptychopinn::iterative {
namespace {

using testing::compare_objects;
using testing::make_synthetic;
using testing::normalised_overlap;
using testing::Synthetic;
using testing::SyntheticOptions;

// The well-lit part of the grid: where the scan's illumination is at least half its maximum.
torch::Tensor well_lit(const IterativeResult& r) { return r.illumination >= 0.5 * r.illumination.max(); }

IterativeOptions quick(Algorithm algorithm, int64_t iterations) {
  IterativeOptions o;
  o.algorithm = algorithm;
  o.iterations = iterations;
  o.seed = 1;
  return o;
}

void expect_converges_to_truth(Algorithm algorithm, int64_t batch_size) {
  const Synthetic s = make_synthetic();
  IterativeOptions o = quick(algorithm, 40);
  o.batch_size = batch_size;
  o.probe_refinement = false;
  const IterativeResult r = reconstruct(s.problem, o);
  ASSERT_EQ(r.history.size(), 40u);
  // On the dataset's own grid (objectGuess's), pixel for pixel: no flip, transpose, conjugation or shift.
  ASSERT_EQ(r.object.sizes(), s.object.sizes());
  EXPECT_EQ(r.grid.x_origin, 0.0);
  const auto match = compare_objects(r.object, s.object, well_lit(r));
  EXPECT_GT(match.amplitude_r, 0.99) << to_string(algorithm);
  EXPECT_GT(match.phase_r, 0.99) << to_string(algorithm);
  EXPECT_LT(r.history.back().fourier_error, 0.1 * r.history.front().fourier_error);
  for (size_t i = 5; i < r.history.size(); ++i)
    EXPECT_LE(r.history[i].fourier_error, r.history[i - 5].fourier_error);
}

TEST(IterativeSolver, LsqmlConvergesToTheTrueObjectWithTheTrueProbe) {
  expect_converges_to_truth(Algorithm::kLsqml, 16);
}

TEST(IterativeSolver, SequentialRpieConvergesToTheTrueObjectWithTheTrueProbe) {
  expect_converges_to_truth(Algorithm::kRpie, 1);
}

TEST(IterativeSolver, MiniBatchRpieConvergesToTheTrueObjectWithTheTrueProbe) {
  expect_converges_to_truth(Algorithm::kRpie, 8);
}

TEST(IterativeSolver, ProbeRefinementRecoversTheProbeFromABlurredStart) {
  Synthetic s = make_synthetic();
  // A wider probe without the true one's curvature (defocus): overlap 0.85 with the truth.
  s.problem.probe = testing::synthetic_probe(32, 6.0, 0.0);
  ASSERT_LT(normalised_overlap(s.problem.probe, s.probe[0]), 0.9);
  for (Algorithm algorithm : {Algorithm::kLsqml, Algorithm::kRpie}) {
    IterativeOptions o = quick(algorithm, 60);
    o.batch_size = algorithm == Algorithm::kLsqml ? 16 : 1;  // sequential rPIE
    const IterativeResult r = reconstruct(s.problem, o);
    EXPECT_GT(normalised_overlap(r.probe[0], s.probe[0]), 0.95) << to_string(algorithm);
    EXPECT_LT(r.history.back().fourier_error, 0.05 * r.history.front().fourier_error) << to_string(algorithm);
  }
}

TEST(IterativeSolver, WithoutProbeRefinementABlurredProbeStaysWrong) {
  Synthetic s = make_synthetic();
  s.problem.probe = testing::synthetic_probe(32, 6.0, 0.0);
  IterativeOptions o = quick(Algorithm::kLsqml, 20);
  o.batch_size = 16;
  o.probe_refinement = false;
  const IterativeResult r = reconstruct(s.problem, o);
  EXPECT_LT(normalised_overlap(r.probe[0], s.probe[0]), 0.9);
}

TEST(IterativeSolver, TheGaugeHoldsTheProbePowerWhileTheProbeIsRefined) {
  Synthetic s = make_synthetic();
  s.problem.probe = testing::synthetic_probe(32, 6.0, 0.0) * 37.0;  // any scale
  IterativeOptions o = quick(Algorithm::kRpie, 30);
  o.batch_size = 1;
  o.iterations = 0;
  const double start = torch::view_as_real(reconstruct(s.problem, o).probe).square().sum().item<double>();
  o.iterations = 30;
  const IterativeResult r = reconstruct(s.problem, o);
  const double end = torch::view_as_real(r.probe).square().sum().item<double>();
  EXPECT_NEAR(end / start, 1.0, 1e-4);
  // The starting probe was rescaled to the data: on the flat start object every window predicts
  // Σ|P|² (Parseval), which must be the data's mean pattern energy.
  const double data_energy =
      s.problem.amplitudes.square().sum().item<double>() / s.problem.amplitudes.size(0);
  EXPECT_NEAR(start / data_energy, 1.0, 1e-4);
  EXPECT_NEAR(
      r.probe_scale * 37.0 *
          std::sqrt(
              torch::view_as_real(testing::synthetic_probe(32, 6.0, 0.0)).square().sum().item<double>()),
      std::sqrt(data_energy), 1e-3 * std::sqrt(data_energy));
}

TEST(IterativeSolver, PositionCorrectionRemovesTwoPixelErrors) {
  const Synthetic s = make_synthetic();
  auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
  const torch::Tensor error =
      torch::randn(s.problem.positions_px.sizes(), gen, torch::kDouble) * (2.0 / std::sqrt(2.0));
  IterativeProblem p = s.problem;
  // Kept on the grid (a window must not leave it), so a few edge errors are smaller.
  p.positions_px = (s.problem.positions_px + error - error.mean(0, true)).clamp(16, 80 - 16);
  const auto rms = [&](const torch::Tensor& positions) {
    const torch::Tensor d = positions - s.problem.positions_px;
    return (d - d.mean(0, true)).square().sum(1).mean().sqrt().item<double>();
  };
  ASSERT_GT(rms(p.positions_px), 1.5);
  IterativeOptions o = quick(Algorithm::kLsqml, 60);
  o.batch_size = 16;
  o.probe_refinement = false;
  o.position_correction = true;
  o.position_correction_start = 5;
  const IterativeResult r = reconstruct(p, o);
  EXPECT_LT(rms(r.positions_px), 0.5);
  EXPECT_GT(r.history.back().position_rms_change_px, 1.0);
}

TEST(IterativeSolver, TwoIncoherentModesAreRecoveredWithTheirPowerRatio) {
  // Two orthogonal modes, 70 % and 30 % of the power.
  const torch::Tensor main = testing::synthetic_probe(32);
  const torch::Tensor r = torch::arange(32, torch::kFloat) - 16;
  const torch::Tensor second = main * (r.view({1, -1}) / 4.0).to(torch::kComplexFloat);
  const auto power = [](const torch::Tensor& t) {
    return torch::view_as_real(t).square().sum().item<double>();
  };
  const torch::Tensor modes =
      torch::stack({main * std::sqrt(0.7 / power(main)), second * std::sqrt(0.3 / power(second))});
  SyntheticOptions so;
  so.step_px = 3;
  Synthetic s = make_synthetic(so, orthogonalize_modes(modes));
  IterativeOptions o = quick(Algorithm::kLsqml, 80);
  o.batch_size = 16;
  o.probe_modes = 2;
  const IterativeResult res = reconstruct(s.problem, o);
  const std::vector<double> p = res.history.back().mode_powers;
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p[1] / p[0], 0.3 / 0.7, 0.1 * 0.3 / 0.7);
  EXPECT_LT(res.history.back().fourier_error, 0.01);
}

TEST(IterativeSolver, TheObserverStopsAndCancellationReturnsTheStateSoFar) {
  const Synthetic s = make_synthetic();
  IterativeOptions o = quick(Algorithm::kLsqml, 50);
  o.batch_size = 16;
  IterationCallbacks stop;
  stop.on_iteration = [](const IterationReport& r) {
    return r.iteration == 2 ? IterationAction::kStop : IterationAction::kContinue;
  };
  const IterativeResult stopped = reconstruct(s.problem, o, stop);
  EXPECT_EQ(stopped.termination, Termination::kStopped);
  EXPECT_EQ(stopped.history.size(), 3u);

  IterationCallbacks cancel;
  int polls = 0;
  cancel.cancel_requested = [&polls] { return ++polls > 25; };
  const IterativeResult cancelled = reconstruct(s.problem, o, cancel);
  EXPECT_EQ(cancelled.termination, Termination::kCancelled);
  EXPECT_EQ(polls, 26);
  const int64_t batches_per_iteration = (s.problem.amplitudes.size(0) + 15) / 16;
  EXPECT_EQ(static_cast<int64_t>(cancelled.history.size()), 25 / batches_per_iteration);
  EXPECT_FALSE(torch::allclose(cancelled.object, torch::ones_like(cancelled.object)));
  EXPECT_EQ(cancelled.object.sizes(), s.object.sizes());
}

TEST(IterativeSolver, RunsAreReproducibleForASeed) {
  const Synthetic s = make_synthetic();
  IterativeOptions o = quick(Algorithm::kRpie, 3);
  const IterativeResult a = reconstruct(s.problem, o), b = reconstruct(s.problem, o);
  EXPECT_TRUE(torch::equal(a.object, b.object));
  o.seed = 2;
  EXPECT_FALSE(torch::equal(a.object, reconstruct(s.problem, o).object));
}

TEST(IterativeSolver, AGivenStartingObjectIsUsedOnTheGrid) {
  // A start near the truth (what a network's stitched prediction provides) fits the data better
  // from the first iteration on than the flat start.
  Synthetic s = make_synthetic();
  IterativeOptions o = quick(Algorithm::kLsqml, 1);
  o.batch_size = 16;
  const double flat = reconstruct(s.problem, o).history[0].fourier_error;
  s.problem.object = (s.object + 0.05 * testing::synthetic_object(80, 17)).contiguous();
  const double given = reconstruct(s.problem, o).history[0].fourier_error;
  EXPECT_LT(given, 0.2 * flat);
}

}  // namespace
}  // namespace ptychopinn::iterative
