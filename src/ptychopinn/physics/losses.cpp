#include "ptychopinn/physics/losses.h"

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::physics {

namespace checks = ::ptychopinn::tensor_checks;

namespace {

void require_pair(const char* where, const torch::Tensor& pred, const torch::Tensor& observed) {
  checks::require_defined(where, "pred_amplitude", pred);
  checks::require_defined(where, "observed_amplitude", observed);
  checks::require_real_floating(where, "pred_amplitude", pred);
  if (observed.sizes() != pred.sizes() || observed.scalar_type() != pred.scalar_type()) {
    checks::fail(where, "observed_amplitude", checks::describe(observed),
                 "the shape and dtype of pred_amplitude, " + checks::describe(pred) + " (never broadcast)");
  }
  checks::require_same_device(where, "observed_amplitude", observed, pred);
}

}  // namespace

torch::Tensor poisson_nll(const torch::Tensor& pred_amplitude, const torch::Tensor& observed_amplitude) {
  require_pair("physics::poisson_nll", pred_amplitude, observed_amplitude);
  const auto predicted = pred_amplitude.square();
  const auto observed = observed_amplitude.square();
  return (predicted - observed * torch::log(predicted + kPoissonNllEpsilon)).mean();
}

torch::Tensor amplitude_mae(const torch::Tensor& pred_amplitude, const torch::Tensor& observed_amplitude) {
  require_pair("physics::amplitude_mae", pred_amplitude, observed_amplitude);
  return (pred_amplitude - observed_amplitude).abs().mean();
}

}  // namespace ptychopinn::physics
