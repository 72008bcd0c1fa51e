#pragma once
// The diffraction losses of the PINN: Poisson NLL averaged over every element, and MAE on amplitudes.
//
// Both take amplitudes already at the physics (counts) scale: the caller multiplies the model's
// amplitude by exp(log_scale) and the observed normalised amplitude X by intensity_scale s before
// calling (the reference's targets are s·X). The scale is kept out of these functions on purpose:
// it is a parameter of the model (trainable in the reference) and of the dataset, stored with the
// bundle, and the three normalisation systems (physical, statistical, display) must not mix.
#include <torch/torch.h>

namespace ptychopinn::physics {

// Floor added to I_pred inside the log of the Poisson NLL. The reference has none (log 0 = -inf, it
// relies on I_pred > 0). With it, I_pred = 0 gives a finite loss and gradient (d/dA of
// A² - I_obs·log(A² + ε) is 2A - 2A·I_obs/(A² + ε) = 0 at A = 0), and for counts-scale intensities
// (≫ 1e-12) it changes nothing measurable in float32.
inline constexpr double kPoissonNllEpsilon = 1e-12;

// Poisson negative log-likelihood without the constant lgamma term (the reference's
// tf.nn.log_poisson_loss(I_obs, log I_pred, compute_full_loss=False)):
//   mean over every element of I_pred - I_obs · log(I_pred + kPoissonNllEpsilon),
//   I_pred = pred_amplitude², I_obs = observed_amplitude².
// The mean over all B·C·N·N elements is the Keras 'sum_over_batch_size' reduction; the paper-era
// version summed over (N, N, C) per sample and included lgamma, which has the same optimum.
//   pred_amplitude, observed_amplitude: identical shapes (any, e.g. [B, C, N, N]), float32/float64,
//   same dtype and device (never broadcast)
//   returns: scalar [] of that dtype; differentiable w.r.t. pred_amplitude
// Throws std::invalid_argument for different shapes, dtypes or devices, or non-floating input.
torch::Tensor poisson_nll(const torch::Tensor& pred_amplitude, const torch::Tensor& observed_amplitude);

// Mean absolute error on amplitudes, mean |pred - observed| over every element (Keras
// 'mean_absolute_error'; the grid-lines workflow's loss).
//   pred_amplitude, observed_amplitude: identical shapes, float32/float64, same dtype and device
//   returns: scalar []; differentiable w.r.t. pred_amplitude
// Throws std::invalid_argument as poisson_nll.
torch::Tensor amplitude_mae(const torch::Tensor& pred_amplitude, const torch::Tensor& observed_amplitude);

}  // namespace ptychopinn::physics
