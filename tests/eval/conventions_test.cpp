#include "ptychopinn/eval/conventions.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ptychopinn::eval {
namespace {

// a·x + b·y + c on an [rows, cols] grid, x = column, y = row.
torch::Tensor plane(int64_t rows, int64_t cols, double a, double b, double c) {
  const auto x = torch::arange(cols, torch::kDouble).unsqueeze(0);
  const auto y = torch::arange(rows, torch::kDouble).unsqueeze(1);
  return (a * x + b * y + c).expand({rows, cols}).contiguous();
}

TEST(RemovePhasePlane, RemovesAnAddedPlaneExactly) {
  torch::manual_seed(9);
  const auto phase = torch::rand({23, 31}, torch::kDouble) * 2 - 1;
  const auto tilted = phase + plane(23, 31, 0.013, -0.021, 0.7);
  EXPECT_TRUE(torch::allclose(remove_phase_plane(tilted), remove_phase_plane(phase), 0, 1e-13));
  EXPECT_LT(remove_phase_plane(plane(23, 31, 0.1, 0.2, 0.5)).abs().max().item<double>(), 1e-13);
  // What is left has no plane: its own fit is zero.
  const auto residual = remove_phase_plane(phase);
  EXPECT_NEAR(residual.mean().item<double>(), 0.0, 1e-15);
  EXPECT_TRUE(torch::allclose(remove_phase_plane(residual), residual, 0, 1e-13));
}

TEST(RemovePhasePlane, MatchesAGeneralLeastSquaresFit) {
  torch::manual_seed(10);
  const auto phase = torch::randn({12, 9}, torch::kDouble);
  const auto x = torch::arange(9, torch::kDouble).unsqueeze(0).expand({12, 9}).flatten();
  const auto y = torch::arange(12, torch::kDouble).unsqueeze(1).expand({12, 9}).flatten();
  const auto design = torch::stack({x, y, torch::ones_like(x)}, 1);  // [108, 3]
  const auto coefficients =
      torch::linalg_solve(design.t().matmul(design), design.t().matmul(phase.flatten()));
  const auto fitted = design.matmul(coefficients).view({12, 9});
  EXPECT_TRUE(torch::allclose(remove_phase_plane(phase), phase - fitted, 0, 1e-12));
}

TEST(RemovePhasePlane, HandlesSingleRowsAndColumns) {
  const auto row = plane(1, 8, 0.5, 0.0, 1.0);
  EXPECT_LT(remove_phase_plane(row).abs().max().item<double>(), 1e-14);
  const auto column = plane(6, 1, 0.0, -0.3, 2.0);
  EXPECT_LT(remove_phase_plane(column).abs().max().item<double>(), 1e-14);
}

TEST(RemovePhaseMean, SubtractsTheMeanOnly) {
  const auto p = plane(4, 5, 0.1, 0.2, 3.0);
  const auto aligned = align_phase(p, PhaseAlignment::kMean);
  EXPECT_NEAR(aligned.mean().item<double>(), 0.0, 1e-15);
  EXPECT_TRUE(torch::allclose(aligned, p - p.mean(), 0, 1e-15));
  EXPECT_TRUE(torch::allclose(align_phase(p, PhaseAlignment::kPlane), remove_phase_plane(p)));
}

TEST(PhaseAlignment, ParsesItsOwnSpellingsAndSuggestsTheClosest) {
  for (const auto a : {PhaseAlignment::kPlane, PhaseAlignment::kMean})
    EXPECT_EQ(parse_phase_alignment(to_string(a)), a);
  try {
    parse_phase_alignment("plain");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'plane'"), std::string::npos) << e.what();
  }
}

TEST(AmplitudeScale, IsTheRatioOfMeans) {
  const auto t = torch::full({3, 3}, 2.0, torch::kDouble);
  const auto p = torch::full({3, 3}, 0.5, torch::kDouble);
  EXPECT_DOUBLE_EQ(amplitude_scale(t, p), 4.0);
  EXPECT_DOUBLE_EQ(amplitude_scale(t, torch::zeros({3, 3})), 1.0);
  EXPECT_THROW(amplitude_scale(t, torch::zeros({3, 2})), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::eval
