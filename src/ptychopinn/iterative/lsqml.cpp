#include "ptychopinn/iterative/lsqml.h"

#include "ptychopinn/iterative/fourier_constraint.h"
#include "ptychopinn/iterative/position_correction.h"

namespace ptychopinn::iterative {
namespace {

using torch::indexing::Slice;

}  // namespace

BatchOutcome lsqml_update(ReconstructionState& state, const Batch& batch, const LsqmlParameters& parameters,
                          const Refine& refine) {
  const torch::Tensor& probe = state.probe;
  const torch::Tensor patches = extract_patches(state.object, batch.windows);
  const FourierStep step =
      fourier_step(exit_waves(probe, patches), batch.amplitudes, batch.valid, parameters.noise_model);
  const torch::Tensor& chi = step.chi;
  BatchOutcome outcome;
  outcome.error_sum = step.error_sum;

  // Eqs. 24b and 25b on the box the batch touches.
  const CanvasBox box = bounding_box(batch.windows);
  const PatchWindows local = relative_to(batch.windows, box);
  const torch::Tensor object_numerator = sum_modes(probe.conj().unsqueeze(0) * chi);  // ΔO_j, [B, N, N]
  torch::Tensor direction = torch::zeros({box.height(), box.width()}, state.object.options());
  add_patches(direction, object_numerator, local);
  const torch::Tensor probe_power = torch::view_as_real(probe).square().sum(std::vector<int64_t>{0, -1});
  torch::Tensor illumination = torch::zeros({box.height(), box.width()}, probe_power.options());
  add_patches(illumination, probe_power.unsqueeze(0), local);
  direction.div_((illumination + parameters.damping * illumination.max()).clamp_min(1e-30));
  const torch::Tensor direction_patches = extract_patches(direction, local);  // ΔÔ_j, [B, N, N]

  // Eq. 22 (or 23): per-pattern steps. The sums over modes factor through the per-pattern images,
  // so no [B, K, N, N] product is formed: with u = ΔÔ_j P_k and v = O_j ΔP̂_k,
  //   ‖u‖² = Σ |ΔÔ_j|² Σ_k |P_k|²,          Re<u, χ> = Re Σ conj(ΔÔ_j) ΔO_j,
  //   ‖v‖² = Σ |O_j|² Σ_k |ΔP̂_k|²,          Re<v, χ> = Re Σ conj(O_j) Σ_k conj(ΔP̂_k) χ_jk,
  //   Re<u, v> = Re Σ conj(ΔÔ_j) O_j Σ_k conj(P_k) ΔP̂_k.
  const torch::Tensor direction_power = torch::view_as_real(direction_patches).square().sum(-1);
  torch::Tensor a11 = per_pattern_sum(direction_power * probe_power);
  const torch::Tensor b1 = real_inner(direction_patches, object_numerator);
  const double lambda = parameters.step_regularisation;
  a11 = a11 + lambda * a11.mean();
  torch::Tensor alpha_object, alpha_probe, probe_direction;
  if (refine.probe) {
    // Eqs. 24a and 25a.
    const torch::Tensor patch_power = torch::view_as_real(patches).square().sum(-1);  // |O_j|², [B, N, N]
    const torch::Tensor object_power = patch_power.sum(0);
    probe_direction = (patches.conj().unsqueeze(1) * chi).sum(0) /
                      (object_power + parameters.damping * object_power.max()).clamp_min(1e-30);
    const torch::Tensor direction_probe_power =
        torch::view_as_real(probe_direction).square().sum(std::vector<int64_t>{0, -1});
    torch::Tensor a22 = per_pattern_sum(patch_power * direction_probe_power);
    a22 = a22 + lambda * a22.mean();
    const torch::Tensor cross = (probe.conj() * probe_direction).sum(0);  // Σ_k conj(P_k) ΔP̂_k
    const torch::Tensor a12 = real_inner(direction_patches, patches * cross);
    const torch::Tensor b2 = real_inner(patches, sum_modes(probe_direction.conj().unsqueeze(0) * chi));
    const torch::Tensor det = (a11 * a22 - a12 * a12).clamp_min(1e-300);
    alpha_object = ((a22 * b1 - a12 * b2) / det).clamp_min(0);
    alpha_probe = ((a11 * b2 - a12 * b1) / det).clamp_min(0);
  } else {
    alpha_object = (b1 / a11.clamp_min(1e-300)).clamp_min(0);
  }

  // Eq. 27 with the batch-mean steps.
  const double step_object = alpha_object.mean().item<double>();
  if (refine.positions) {
    outcome.position_steps = position_steps(chi, probe, patches + step_object * direction_patches);
  }
  state.object.index({Slice(box.row_begin, box.row_end), Slice(box.col_begin, box.col_end)})
      .add_(direction * step_object);
  if (refine.probe) state.probe.add_(probe_direction * alpha_probe.mean().item<double>());
  return outcome;
}

}  // namespace ptychopinn::iterative
