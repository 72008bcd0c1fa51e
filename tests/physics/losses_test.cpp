#include "ptychopinn/physics/losses.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace ptychopinn::physics {
namespace {

TEST(PoissonNll, EqualsItsClosedFormOnHandValues) {
  // I_pred = [1, 4, 0.25], I_obs = [1, 9, 0]: mean of I_pred - I_obs log I_pred.
  const auto pred = torch::tensor({1.0, 2.0, 0.5}, torch::kFloat64);
  const auto observed = torch::tensor({1.0, 3.0, 0.0}, torch::kFloat64);
  const double expected = ((1.0 - 0.0) + (4.0 - 9.0 * std::log(4.0)) + 0.25) / 3.0;
  EXPECT_NEAR(poisson_nll(pred, observed).item<double>(), expected, 1e-10);  // ε = 1e-12 inside the log
}

TEST(PoissonNll, AveragesOverEveryElement) {
  const auto pred = torch::full({2, 4, 8, 8}, 2.0, torch::kFloat64);
  const auto observed = torch::full({2, 4, 8, 8}, 1.0, torch::kFloat64);
  EXPECT_NEAR(poisson_nll(pred, observed).item<double>(), 4.0 - std::log(4.0), 1e-12);
}

TEST(PoissonNll, IsFiniteWithAFiniteGradientWhereThePredictionIsZero) {
  const auto pred = torch::tensor({0.0f, 1.0f}).set_requires_grad(true);
  const auto observed = torch::tensor({2.0f, 1.0f});
  const auto loss = poisson_nll(pred, observed);
  EXPECT_TRUE(std::isfinite(loss.item<float>()));
  loss.backward();
  EXPECT_TRUE(torch::isfinite(pred.grad()).all().item<bool>());
}

TEST(PoissonNll, IsStationaryWhereThePredictionEqualsTheObservation) {
  const auto pred = torch::tensor({0.5, 3.0, 40.0}, torch::kFloat64).set_requires_grad(true);
  poisson_nll(pred, pred.detach().clone()).backward();
  EXPECT_LT(pred.grad().abs().max().item<double>(), 1e-9);
}

TEST(AmplitudeMae, IsTheMeanAbsoluteDifference) {
  const auto pred = torch::tensor({1.0, 2.0, 3.0, 4.0}, torch::kFloat64);
  const auto observed = torch::tensor({1.5, 2.0, 1.0, 4.0}, torch::kFloat64);
  EXPECT_NEAR(amplitude_mae(pred, observed).item<double>(), 2.5 / 4, 1e-15);
}

TEST(Losses, RejectMismatchedShapesOrDtypesInsteadOfBroadcasting) {
  EXPECT_THROW(poisson_nll(torch::ones({2, 3}), torch::ones({3})), std::invalid_argument);
  EXPECT_THROW(poisson_nll(torch::ones({2, 3}), torch::ones({2, 3}, torch::kFloat64)), std::invalid_argument);
  EXPECT_THROW(amplitude_mae(torch::ones({2, 3}), torch::ones({1, 3})), std::invalid_argument);
  EXPECT_THROW(amplitude_mae(torch::ones({2}, torch::kComplexFloat), torch::ones({2}, torch::kComplexFloat)),
               std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::physics
