#pragma once
// The probe and its illumination of the object patches: the reference's default disk probe, the
// disk mask, the probe normalisation that fixes the object amplitude gauge, and
// ψ = [M_disk ⊙] [G_σ *] (P ⊙ patch).
#include <torch/torch.h>

namespace ptychopinn::physics {

// The reference's default probe (get_default_probe), before normalisation:
//   g = gaussian window of length N, std = N / (0.7 π²), symmetric (scipy.signal.windows.gaussian),
//       divided by its maximum;
//   P = gaussian_filter((g ⊗ g > 0.5) as float, σ = 1) + 1e-9
// with scipy.ndimage.gaussian_filter's defaults (9 taps, truncate 4, mode 'reflect', i.e.
// half-sample symmetric padding). A real, blurred disk centred at ((N - 1) / 2, (N - 1) / 2), the
// same half-pixel-off centre as probe_mask (centre of mass 31.5 at N = 64); 376 pixels of the disk
// at N = 64. Pass it through normalize_probe before use, as the reference does.
//   options: dtype float32/float64/complex64/complex128 gives the precision; device is used as is
//   returns: [N, N] complex (complex64 for float32/complex64 options), imaginary part zero
// Throws std::invalid_argument for N < 4.
torch::Tensor default_probe(int64_t n, const torch::TensorOptions& options);

// M_disk[i, j] = 1 if sqrt((i - N/2 + 0.5)² + (j - N/2 + 0.5)²) < N/4 (strict), else 0
// (the reference's probe mask): the disk of radius N/4 centred half a pixel off, at (N/2 - 0.5,
// N/2 - 0.5); 812 pixels at N = 64.
//   returns: [N, N] with options' dtype and device (real dtype expected, e.g. float32)
// Throws std::invalid_argument for N < 1.
torch::Tensor probe_mask(int64_t n, const torch::TensorOptions& options);

// P / (probe_scale · mean_{N×N} |M_disk ⊙ P|) (the reference's set_probe). Afterwards
// mean |M_disk ⊙ P| = 1 / probe_scale. The hard disk is used whatever probe.mask says.
// probe_scale is 4 in the modern config and 10 in the legacy / paper one.
//   probe:   [N, N] complex64/complex128 (float32/float64 also accepted)
//   returns: [N, N], dtype and device of probe; differentiable w.r.t. probe
// Throws std::invalid_argument for a wrong shape, probe_scale <= 0 or not finite, or a probe with
// no amplitude inside the disk (it cannot be normalised).
torch::Tensor normalize_probe(const torch::Tensor& probe, double probe_scale);

// The 1-D kernel of the illumination smoothing: softmax(-x² / (2σ²)) over x ∈ {-1, 0, 1}
// (as the reference's Gaussian filter builds it); it sums to 1.
//   returns: [3] with options' dtype and device (real dtype expected)
// Throws std::invalid_argument for sigma <= 0 or not finite.
torch::Tensor gaussian_smoothing_kernel(double sigma, const torch::TensorOptions& options);

// 3 × 3 Gaussian smoothing with the outer product of gaussian_smoothing_kernel, REFLECT padding
// (edge not repeated, TF's mode, as the reference pads), real and imaginary parts alike. A constant image is
// unchanged. Applied separably (rows then columns), which equals the 2-D outer-product kernel.
//   images:  [..., H, W] float32/float64/complex64/complex128, H, W >= 2
//   returns: same shape, dtype and device; differentiable w.r.t. images
// Throws std::invalid_argument for fewer than 2 axes, H or W < 2, or sigma <= 0 or not finite.
torch::Tensor gaussian_smooth(const torch::Tensor& images, double sigma);

// The exit wave (the reference's ProbeIllumination layer), in the reference's order:
//   1. ψ = P ⊙ patch;
//   2. if gaussian_smoothing_sigma != 0: ψ = gaussian_smooth(ψ, σ);
//   3. if apply_mask: ψ = M_disk ⊙ ψ.
//   patches: [B, C, N, N] complex64/complex128
//   probe:   [N, N] complex, same precision family and device as patches (cast to their dtype)
//   returns: [B, C, N, N], dtype and device of patches; differentiable w.r.t. patches and probe
// Throws std::invalid_argument on wrong shapes, dtypes or devices, or a negative sigma.
torch::Tensor illuminate(const torch::Tensor& patches, const torch::Tensor& probe, bool apply_mask,
                         double gaussian_smoothing_sigma);

}  // namespace ptychopinn::physics
