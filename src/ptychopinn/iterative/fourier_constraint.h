#pragma once
// The detector side of the forward model and the measured-data step shared by every algorithm.
//
// Far field: Ψ_k = FFT2_ortho(ψ_k) for each incoherent mode k, the model amplitude
// |Fψ| = sqrt(Σ_k |Ψ_k|²): physics::far_field_amplitude summed incoherently over modes. The engine
// keeps patterns in FFT order (DC at [0, 0]; to_fft_order) so that no fftshift is paid per iteration;
// centred (DC at (N/2, N/2)) is the files' and the PINN's layout.
//
// The exit-wave update χ = ψ' − ψ (real space) from the data:
//   gaussian: Ψ'_k = Ψ_k · A / |Fψ| (the modulus projection; LSQML's eq. 16 with its step 1/2 on the
//             intensity gradient, rPIE's and ePIE's constraint);
//   poisson:  Ψ'_k = Ψ_k · (1 − α ξ), ξ = 1 − A² / |Fψ|², with one α per pattern minimising the Poisson
//             negative log-likelihood along that direction (LSQML's eq. 17; solved by three fixed-point
//             iterations of its stationarity condition from α = 1/2, clamped to [0, 1], as
//             PtychoShelves does, rather than the paper's first-order approximation).
// Bad pixels (valid = 0) are left free: Ψ' = Ψ there, the model's value is kept, and they do not
// count in the error.
#include <torch/torch.h>

#include "ptychopinn/iterative/far_field.h"
#include "ptychopinn/iterative/iterative_options.h"

namespace ptychopinn::iterative {

// ifftshift over the last two axes: centred patterns [..., N, N] to FFT order (DC at [0, 0]).
torch::Tensor to_fft_order(const torch::Tensor& centred);

// |Fψ| = sqrt(Σ_k |FFT2_ortho(ψ_k)|²), in FFT order.
//   psi:     [B, K, N, N] complex64
//   returns: [B, N, N] float32
torch::Tensor model_amplitude(const FarField& far_field, const torch::Tensor& psi);

struct FourierStep {
  torch::Tensor chi;       // [B, K, N, N] complex64: ψ' − ψ
  double error_sum = 0.0;  // Σ_valid (|Fψ| − A)² over the batch, before the update
  // [B, N, N] complex64: Σ_k conj(P_k) χ_bk, the object's update direction per pattern, where it was
  // computed on the way (fourier_step_from_patches on the host); otherwise undefined.
  torch::Tensor object_numerator;
};

// The exit-wave update of a batch.
//   psi:        [B, K, N, N] complex64, the model's exit waves
//   amplitudes: [B, N, N] float32, measured √counts in FFT order, the device of psi
//   valid:      [N, N] float32 in FFT order, 1 = measured pixel, 0 = bad pixel; or undefined (all valid)
//   far_field:  the transforms for the patterns' size
FourierStep fourier_step(const FarField& far_field, const torch::Tensor& psi, const torch::Tensor& amplitudes,
                         const torch::Tensor& valid, NoiseModel noise_model);

// The exit waves ψ_bk = P_k · O_b of a batch and their update in one: fourier_step of those waves.
// On the host with the Gaussian model each pattern goes from its object patch to χ while it is in
// cache (FarField::round_trip), which saves the batch-sized exit-wave tensor and four passes over
// memory, and it returns Σ_k conj(P_k) χ_bk as well; elsewhere the two steps run as tensor operations.
//   probe:   [K, N, N] complex64;  patches: [B, N, N] complex64, the device of probe
//   the rest as fourier_step
FourierStep fourier_step_from_patches(const FarField& far_field, const torch::Tensor& probe,
                                      const torch::Tensor& patches, const torch::Tensor& amplitudes,
                                      const torch::Tensor& valid, NoiseModel noise_model);

}  // namespace ptychopinn::iterative
