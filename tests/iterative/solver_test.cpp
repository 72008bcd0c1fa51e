#include "ptychopinn/iterative/solver.h"

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

}  // namespace
}  // namespace ptychopinn::iterative
