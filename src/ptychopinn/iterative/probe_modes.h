#pragma once
// Incoherent probe modes (a mixed-state probe: Thibault & Menzel, Nature 494, 68 (2013)): the
// measured intensity is Σ_k |F(P_k · O)|², so any unitary mix of the modes describes the same data.
// The engine keeps them orthogonal and ordered by power, which makes "the power of mode k" a
// well-defined, reportable number.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace ptychopinn::iterative {

// The unitary mix of the modes that makes them orthogonal (<P_j, P_k> = 0, j != k), strongest first:
// the eigenvectors of the K x K Gram matrix G_jk = <P_j, P_k>. Every pixel's Σ_k |P_k|² and so every
// predicted pattern is unchanged.
//   probe:   [K, N, N] complex64, any device
//   returns: [K, N, N] complex64, same device
torch::Tensor orthogonalize_modes(const torch::Tensor& probe);

// ‖P_k‖² / Σ_j ‖P_j‖² for each mode, summing to 1.
//   probe: [K, N, N] complex64
std::vector<double> mode_power_fractions(const torch::Tensor& probe);

// The probe with `modes` modes: the given ones, then (when there are fewer) the first mode times
// the low-order monomials x, y, xy, x², y², ... of the coordinates about its intensity centroid in
// units of its rms width, each scaled to `fraction` of the first mode's power; then orthogonalised.
// Fewer modes than given keeps the strongest. (The Hermite-like start of PtychoShelves and tike: the
// extra modes begin as smooth, distinct variations of the main one.)
//   probe:   [N, N] or [K0, N, N] complex64
//   returns: [modes, N, N] complex64, same device
torch::Tensor probe_with_modes(const torch::Tensor& probe, int64_t modes, double fraction);

}  // namespace ptychopinn::iterative
