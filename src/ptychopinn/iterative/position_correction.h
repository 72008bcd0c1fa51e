#pragma once
// Scan-position refinement: the least-squares shift of each pattern along the gradient of its
// object patch, as in the position refinement of Odstrčil, Menzel & Guizar-Sicairos (2018) (and
// tike's and pty-chi's "gradient" position correction): the exit wave of a window moved by
// (dx, dy) is ψ + dx ∂ψ/∂x + dy ∂ψ/∂y to first order, with ∂ψ/∂x = P · ∂O/∂x (the window reads the
// object at column x − N/2 + c, so moving the window right reads the object's gradient), and the
// shift that best explains the exit-wave update χ is, per axis,
//   dx = Re Σ_k <P_k ∂O/∂x, χ_k> / Σ_k ‖P_k ∂O/∂x‖²   (likewise dy).
// The two axes are solved separately (the paper's and pty-chi's choice: the cross term is small
// for a round probe). The gradient is the central difference of the patch (one-sided terms at the
// border are left out: the probe is dark there).
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
