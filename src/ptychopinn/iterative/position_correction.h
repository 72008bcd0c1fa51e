#pragma once
// Scan-position refinement: the least-squares shift of each pattern along the gradient of its
// object patch, as in the position refinement of Odstrčil, Menzel & Guizar-Sicairos (2018) (and
// tike's and pty-chi's "gradient" position correction): the exit wave of a window moved by
// (dx, dy) is ψ + dx ∂ψ/∂x + dy ∂ψ/∂y to first order, with ∂ψ/∂x = P · ∂O/∂x (the window reads the
// object at column x − N/2 + c, so moving the window right reads the object's gradient), and the
// shift that best explains the exit-wave update χ is the least-squares solution of
//   [Σ‖g_x‖²      Re Σ<g_x, g_y>] [dx]   [Re Σ<g_x, χ>]
//   [Re Σ<g_x, g_y>      Σ‖g_y‖²] [dy] = [Re Σ<g_y, χ>],   g = P_k ∂O (sums over modes and pixels).
// Both axes at once, where the paper and pty-chi solve each alone: an object whose x and y gradients
// correlate (anything but a round, isotropic texture) biases the one-axis estimates. 1e-3 of the
// batch's mean diagonal is added to the diagonal, and a patch without gradient (a flat region:
// gradient energy below 1e-10 of its exit wave's) gets no step. The gradient is
// the central difference of the patch (the border rows and columns are left out: the probe is dark
// there).
#include <torch/torch.h>

namespace ptychopinn::iterative {

// Per-pattern position steps.
//   chi:     [B, K, N, N] complex64, the exit-wave update ψ' − ψ
//   probe:   [K, N, N] complex64
//   patches: [B, N, N] complex64, the object patches the shift is measured against
//   returns: [B, 2] float64 on the host, [dx, dy] in canvas (object) pixels, unclamped
torch::Tensor position_steps(const torch::Tensor& chi, const torch::Tensor& probe,
                             const torch::Tensor& patches);

}  // namespace ptychopinn::iterative
