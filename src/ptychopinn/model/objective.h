#pragma once
// The training objective of each model type.
//
//   pinn:        nll_weight · PoissonNLL(Â, s·X) + mae_weight · MAE(Â, s·X)
//                (torch_loss_mode mae: the MAE term alone, weight 1)
//   supervised:  MAE(|O|, |Y|) + MAE(wrap(arg O − arg Y)) over the generator's patches against the
//                ground-truth patches of the batch (the paper's supervised baseline), where wrap
//                maps a phase difference to (−π, π] so that ±π count as equal.
// The observed amplitudes are brought to the counts scale with the dataset's fixed s, never with
// the model's trainable exp(w): the target must not move with the parameters.
#include <torch/torch.h>

#include "ptychopinn/config/training_config.h"
#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/model/pinn_model.h"

namespace ptychopinn::model {

struct LossTerms {
  torch::Tensor total;  // scalar, what the optimiser minimises
  // Components for logs (undefined when not computed): Poisson NLL, diffraction MAE, and for the
  // supervised model the amplitude and phase MAEs.
  torch::Tensor nll, mae, amplitude_mae, phase_mae;
};

// The objective of config.model.model_type on one batch, with the model in its current mode.
// Throws std::invalid_argument when a supervised batch has no ground truth.
LossTerms compute_loss(PinnModelImpl& model, const data::Batch& batch, double intensity_scale,
                       const config::TrainingConfig& config);

// The Poisson NLL of the measured counts predicting themselves, mean over elements: the optimum
// a PINN's NLL approaches (tests and logs report the excess over it).
torch::Tensor poisson_nll_optimum(const torch::Tensor& observed_counts_amplitude);

}  // namespace ptychopinn::model
