#include "ptychopinn/iterative/position_correction.h"

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

// Re Σ <P ∂O, χ> / Σ |P ∂O|² per pattern, [B] float64.
torch::Tensor shift_along(const torch::Tensor& gradient, const torch::Tensor& chi,
                          const torch::Tensor& probe) {
  const torch::Tensor d = probe.unsqueeze(0) * gradient.unsqueeze(1);  // [B, K, N, N]
  const torch::Tensor dr = torch::view_as_real(d), cr = torch::view_as_real(chi);
  const torch::Tensor numerator = (dr * cr).sum({1, 2, 3, 4}, false, torch::kDouble);
  const torch::Tensor denominator = dr.square().sum({1, 2, 3, 4}, false, torch::kDouble);
  return numerator / denominator.clamp_min(1e-300);
}

}  // namespace

torch::Tensor position_steps(const torch::Tensor& chi, const torch::Tensor& probe,
                             const torch::Tensor& patches) {
  const torch::Tensor dx = shift_along(central_difference(patches, 2), chi, probe);
  const torch::Tensor dy = shift_along(central_difference(patches, 1), chi, probe);
  return torch::stack({dx, dy}, 1).cpu();
}

}  // namespace ptychopinn::iterative
