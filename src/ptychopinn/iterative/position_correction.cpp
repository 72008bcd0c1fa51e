#include "ptychopinn/iterative/position_correction.h"

#include "ptychopinn/iterative/reconstruction_state.h"

namespace ptychopinn::iterative {
namespace {

using torch::indexing::Slice;

// Central difference along `axis` (1 = rows/y, 2 = columns/x) of [B, N, N] patches; 0 on the border.
torch::Tensor central_difference(const torch::Tensor& patches, int64_t axis) {
  torch::Tensor out = torch::zeros_like(patches);
  const int64_t n = patches.size(axis);
  out.narrow(axis, 1, n - 2).copy_((patches.narrow(axis, 2, n - 2) - patches.narrow(axis, 0, n - 2)) * 0.5);
  return out;
}

// P_k ∂O/∂axis for every pattern and mode, [B, K, N, N] as real pairs [B, K, N, N, 2].
torch::Tensor derivative(const torch::Tensor& probe, const torch::Tensor& patches, int64_t axis) {
  return torch::view_as_real(probe.unsqueeze(0) * central_difference(patches, axis).unsqueeze(1));
}

}  // namespace

torch::Tensor position_steps(const torch::Tensor& chi, const torch::Tensor& probe,
                             const torch::Tensor& patches) {
  const torch::Tensor gx = derivative(probe, patches, 2), gy = derivative(probe, patches, 1);
  const torch::Tensor c = torch::view_as_real(chi);
  const torch::Tensor axx = per_pattern_sum(gx * gx), ayy = per_pattern_sum(gy * gy),
                      axy = per_pattern_sum(gx * gy);
  const torch::Tensor bx = per_pattern_sum(gx * c), by = per_pattern_sum(gy * c);
  // A patch with (next to) no gradient says nothing about its position: such patches (gradient
  // energy below 1e-10 of the exit wave's, float32 rounding noise on a flat object) get no step, and
  // a Tikhonov term of 1e-3 of the batch's mean curvature keeps the others' systems regular.
  const torch::Tensor trace = axx + ayy;
  const torch::Tensor probe_power = torch::view_as_real(probe).square().sum(std::vector<int64_t>{0, -1});
  const torch::Tensor wave_energy =
      per_pattern_sum(torch::view_as_real(patches).square().sum(-1) * probe_power);
  const torch::Tensor informative = trace > 1e-10 * wave_energy;
  if (!informative.any().item<bool>()) return torch::zeros({chi.size(0), 2}, torch::kDouble);
  const torch::Tensor lambda = 0.5e-3 * trace.masked_select(informative).mean();
  const torch::Tensor det = (axx + lambda) * (ayy + lambda) - axy * axy;
  const torch::Tensor dx =
      torch::where(informative, ((ayy + lambda) * bx - axy * by) / det, torch::zeros_like(det));
  const torch::Tensor dy =
      torch::where(informative, ((axx + lambda) * by - axy * bx) / det, torch::zeros_like(det));
  return torch::stack({dx, dy}, 1).cpu();
}

}  // namespace ptychopinn::iterative
