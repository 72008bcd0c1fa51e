#pragma once
// The far-field (diffraction) model of the forward model (docs/conventions.md, Diffraction).
#include <torch/torch.h>

namespace ptychopinn::physics {

// A = |fftshift(FFT2_ortho(ψ))| over the last two axes, DC at pixel (N/2, N/2). This equals the
// reference's sqrt(fftshift(|FFT2(ψ)|² / (h·w))), with no extra zero padding, and satisfies
// Parseval: Σ A² = Σ |ψ|² per pattern. The model predicts amplitudes (√counts), as stored in files.
//   psi:     [..., N, N] complex64/complex128 (at least 2 axes; square)
//   returns: [..., N, N] float32/float64 (the real type of psi), device of psi
// Differentiable w.r.t. psi (where A = 0 the gradient of |·| is taken as 0).
// Throws std::invalid_argument for fewer than 2 axes, non-square or non-complex input.
torch::Tensor far_field_amplitude(const torch::Tensor& psi);

// I = A² = |fftshift(FFT2_ortho(ψ))|², computed as re² + im² so that its gradient is smooth
// where A = 0. Same shapes, dtypes and errors as far_field_amplitude.
torch::Tensor far_field_intensity(const torch::Tensor& psi);

}  // namespace ptychopinn::physics
