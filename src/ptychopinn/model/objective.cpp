#include "ptychopinn/model/objective.h"

#include <stdexcept>

#include "ptychopinn/physics/losses.h"

namespace ptychopinn::model {
namespace {

LossTerms pinn_loss(PinnModelImpl& model, const data::Batch& batch, double intensity_scale,
                    const config::TrainingConfig& config) {
  const auto out = model.forward(batch.patterns, batch.coords_relative);
  const auto observed = batch.patterns.to(out.amplitude.scalar_type()) * intensity_scale;
  LossTerms terms;
  if (config.torch_loss_mode == config::TorchLossMode::kMae) {
    terms.mae = physics::amplitude_mae(out.amplitude, observed);
    terms.total = terms.mae;
    return terms;
  }
  terms.total = torch::zeros({}, out.amplitude.options());
  if (config.nll_weight != 0) {
    terms.nll = physics::poisson_nll(out.amplitude, observed);
    terms.total = terms.total + config.nll_weight * terms.nll;
  }
  if (config.mae_weight != 0) {
    terms.mae = physics::amplitude_mae(out.amplitude, observed);
    terms.total = terms.total + config.mae_weight * terms.mae;
  }
  return terms;
}

LossTerms supervised_loss(PinnModelImpl& model, const data::Batch& batch) {
  if (!batch.ground_truth.defined()) {
    throw std::invalid_argument(
        "supervised training needs ground-truth object patches, but the batch has none; the dataset "
        "must contain objectGuess or Y (or train with model_type pinn)");
  }
  const auto object = model.generate(batch.patterns);
  const auto truth =
      batch.ground_truth.to(object.device()).narrow(1, 0, object.size(1)).to(object.scalar_type());
  LossTerms terms;
  terms.amplitude_mae = (object.abs() - truth.abs()).abs().mean();
  const auto difference = object.angle() - truth.angle();
  const auto wrapped = torch::atan2(torch::sin(difference), torch::cos(difference));
  terms.phase_mae = wrapped.abs().mean();
  terms.total = terms.amplitude_mae + terms.phase_mae;
  return terms;
}

}  // namespace

LossTerms compute_loss(PinnModelImpl& model, const data::Batch& batch, double intensity_scale,
                       const config::TrainingConfig& config) {
  if (config.model.model_type == config::ModelType::kSupervised) return supervised_loss(model, batch);
  return pinn_loss(model, batch, intensity_scale, config);
}

torch::Tensor poisson_nll_optimum(const torch::Tensor& observed_counts_amplitude) {
  return physics::poisson_nll(observed_counts_amplitude, observed_counts_amplitude);
}

}  // namespace ptychopinn::model
