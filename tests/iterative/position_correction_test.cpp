#include "ptychopinn/iterative/position_correction.h"

#include <gtest/gtest.h>

#include "iterative/synthetic_problem.h"
#include "ptychopinn/iterative/patch_operator.h"
#include "ptychopinn/iterative/reconstruction_state.h"

namespace ptychopinn::iterative {
namespace {

TEST(PositionCorrection, ASmallKnownShiftIsMeasured) {
  const torch::Tensor object = testing::synthetic_object(64, 5);
  const torch::Tensor probe = testing::synthetic_probe(16, 4.0).unsqueeze(0);
  const std::vector<double> x = {30.0, 25.0}, y = {28.0, 33.0};
  const std::vector<double> x_true = {30.3, 24.8}, y_true = {27.8, 33.25};
  const torch::Tensor patches = extract_patches(object, patch_windows(x, y, {0, 1}, 16));
  const torch::Tensor moved = extract_patches(object, patch_windows(x_true, y_true, {0, 1}, 16));
  const torch::Tensor chi = exit_waves(probe, moved) - exit_waves(probe, patches);
  const torch::Tensor steps = position_steps(chi, probe, patches);
  for (int64_t b = 0; b < 2; ++b) {
    const auto i = static_cast<size_t>(b);
    EXPECT_NEAR(steps[b][0].item<double>(), x_true[i] - x[i], 0.05) << b;
    EXPECT_NEAR(steps[b][1].item<double>(), y_true[i] - y[i], 0.05) << b;
  }
}

}  // namespace
}  // namespace ptychopinn::iterative
