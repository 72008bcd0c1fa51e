#pragma once
// Sums over a batch that the update rules need, each in one pass over the batch on the CPU (raw
// loops: the tensor form materialises a product per term, and on the CPU those passes, not the
// FFTs, were most of an LSQML iteration) and as tensor expressions on other devices. Internal to
// iterative/.
#include <torch/torch.h>

namespace ptychopinn::iterative {

// The probe's numerator and denominator of ePIE, rPIE and LSQML (eq. 24a summed over the batch):
//   numerator[k] = Σ_j conj(O_j) χ_jk   [K, N, N] complex64,   object_power = Σ_j |O_j|²   [N, N] float32.
//   patches: [B, N, N] complex64;  chi: [B, K, N, N] complex64
struct ProbeSums {
  torch::Tensor numerator;
  torch::Tensor object_power;
};
ProbeSums probe_sums(const torch::Tensor& patches, const torch::Tensor& chi);

// The per-pattern terms of LSQML's step-length system (eq. 22) with u_jk = ΔÔ_j P_k and
// v_jk = O_j ΔP̂_k, each [B] float64:
//   a11 = ‖u‖²,  b1 = Re<u, χ>,  a22 = ‖v‖²,  a12 = Re<u, v>,  b2 = Re<v, χ>
// computed through the per-pattern images (no [B, K, N, N] product is formed):
//   ‖u‖² = Σ |ΔÔ_j|² Σ_k |P_k|²,  Re<u, χ> = Re Σ conj(ΔÔ_j) ΔO_j  (ΔO_j = Σ_k conj(P_k) χ_jk),
//   ‖v‖² = Σ |O_j|² Σ_k |ΔP̂_k|²,  Re<u, v> = Re Σ conj(ΔÔ_j) O_j Σ_k conj(P_k) ΔP̂_k,
//   Re<v, χ> = Re Σ conj(O_j) Σ_k conj(ΔP̂_k) χ_jk.
// Without a probe direction (undefined), a22, a12 and b2 are undefined.
//   direction_patches ΔÔ_j, object_numerator ΔO_j, patches O_j: [B, N, N] complex64
//   chi: [B, K, N, N];  probe, probe_direction: [K, N, N] complex64
struct StepSums {
  torch::Tensor a11, b1, a22, a12, b2;
};
StepSums lsqml_step_sums(const torch::Tensor& direction_patches, const torch::Tensor& object_numerator,
                         const torch::Tensor& patches, const torch::Tensor& chi, const torch::Tensor& probe,
                         const torch::Tensor& probe_direction);

namespace detail {
// The tensor forms (used off the CPU), callable anywhere so the tests can hold the loops to them.
ProbeSums probe_sums_tensor(const torch::Tensor& patches, const torch::Tensor& chi);
StepSums lsqml_step_sums_tensor(const torch::Tensor& direction_patches, const torch::Tensor& object_numerator,
                                const torch::Tensor& patches, const torch::Tensor& chi,
                                const torch::Tensor& probe, const torch::Tensor& probe_direction);
}  // namespace detail

}  // namespace ptychopinn::iterative
