#pragma once
// What the algorithms update, and what one batch hands them (internal to iterative/).
#include <torch/torch.h>

#include <vector>

#include "ptychopinn/iterative/patch_operator.h"

namespace ptychopinn::iterative {

struct ReconstructionState {
  // [H + 1, W + 1] complex64: the object grid plus one spare row and column, so that a window
  // touching the grid's last row or column still reads its (zero-weight) bilinear neighbour.
  torch::Tensor object;
  // [K, N, N] complex64, modes orthogonal and strongest first.
  torch::Tensor probe;
  // Scan positions in canvas pixels (object pixels relative to the grid's pixel [0, 0]).
  std::vector<double> x, y;
};

// One batch of patterns.
struct Batch {
  PatchWindows windows;      // where their patches lie
  torch::Tensor amplitudes;  // [B, N, N] float32, measured √counts in FFT order
  torch::Tensor valid;       // [N, N] float32 in FFT order (1 = measured pixel), or undefined
};

// What a batch update changes besides the object and probe.
struct BatchOutcome {
  double error_sum = 0.0;        // Σ_valid (|Fψ| − A)² before the update
  torch::Tensor position_steps;  // [B, 2] float64 [dx, dy] on the host, unclamped; undefined unless asked
};

// Which unknowns a batch update refines (the object always).
struct Refine {
  bool probe = false;
  bool positions = false;
};

// The object's patches and the exit waves ψ = P_k · O_b of a batch.
//   patches: [B, N, N] complex64;  returns: [B, K, N, N] complex64
inline torch::Tensor exit_waves(const torch::Tensor& probe, const torch::Tensor& patches) {
  return probe.unsqueeze(0) * patches.unsqueeze(1);
}

// Σ over every axis but the first, per pattern: [B, ...] float32 -> [B] float64. Summed in float32
// (LibTorch's reductions sum pairwise, so 10^5 terms lose nothing that matters here) and converted
// after: asking the reduction for float64 would first copy the whole batch to float64.
inline torch::Tensor per_pattern_sum(const torch::Tensor& t) {
  return t.flatten(1).sum(1).to(torch::kDouble);
}

// Re Σ conj(a) b per pattern: [B, ...] complex64 -> [B] float64.
inline torch::Tensor real_inner(const torch::Tensor& a, const torch::Tensor& b) {
  return per_pattern_sum(torch::view_as_real(a) * torch::view_as_real(b));
}

// Σ over the mode axis of [B, K, N, N]: a view for one mode, not a copy.
inline torch::Tensor sum_modes(const torch::Tensor& t) { return t.size(1) == 1 ? t.squeeze(1) : t.sum(1); }

}  // namespace ptychopinn::iterative
