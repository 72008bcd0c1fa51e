#include "ptychopinn/iterative/lsqml.h"

#include "ptychopinn/iterative/batch_sums.h"
#include "ptychopinn/iterative/fourier_constraint.h"
#include "ptychopinn/iterative/position_correction.h"

namespace ptychopinn::iterative {
namespace {

using torch::indexing::Slice;

}  // namespace

BatchOutcome lsqml_update(ReconstructionState& state, const Batch& batch, const FarField& far_field,
                          const LsqmlParameters& parameters, const Refine& refine) {
  const torch::Tensor& probe = state.probe;
  const torch::Tensor patches = extract_patches(state.object, batch.windows);
  const FourierStep step = fourier_step_from_patches(far_field, probe, patches, batch.amplitudes, batch.valid,
                                                     parameters.noise_model);
  const torch::Tensor& chi = step.chi;
  BatchOutcome outcome;
  outcome.error_sum = step.error_sum;

  // Eqs. 24b and 25b on the box the batch touches.
  const CanvasBox box = bounding_box(batch.windows);
  const PatchWindows local = relative_to(batch.windows, box);
  const torch::Tensor object_numerator = step.object_numerator.defined()
                                             ? step.object_numerator
                                             : sum_modes(probe.conj().unsqueeze(0) * chi);  // ΔO_j, [B, N, N]
  torch::Tensor direction = torch::zeros({box.height(), box.width()}, state.object.options());
  add_patches(direction, object_numerator, local);
  const torch::Tensor probe_power = torch::view_as_real(probe).square().sum(std::vector<int64_t>{0, -1});
  torch::Tensor illumination = torch::zeros({box.height(), box.width()}, probe_power.options());
  add_patches(illumination, probe_power.unsqueeze(0), local);
  direction.div_((illumination + parameters.damping * illumination.max()).clamp_min(1e-30));
  const torch::Tensor direction_patches = extract_patches(direction, local);  // ΔÔ_j, [B, N, N]
  torch::Tensor probe_direction;                                              // ΔP̂_k, [K, N, N]

  // Eqs. 24a and 25a, then eq. 22 (or 23): per-pattern steps (batch_sums.h).
  if (refine.probe) {
    const ProbeSums sums = probe_sums(patches, chi);
    probe_direction =
        sums.numerator /
        (sums.object_power + parameters.damping * sums.object_power.max()).clamp_min(1e-30).to(chi.device());
  }
  const StepSums t =
      lsqml_step_sums(direction_patches, object_numerator, patches, chi, probe, probe_direction);
  const double lambda = parameters.step_regularisation;
  const torch::Tensor a11 = t.a11 + lambda * t.a11.mean();
  torch::Tensor alpha_object, alpha_probe;
  if (refine.probe) {
    const torch::Tensor a22 = t.a22 + lambda * t.a22.mean();
    const torch::Tensor det = (a11 * a22 - t.a12 * t.a12).clamp_min(1e-300);
    alpha_object = ((a22 * t.b1 - t.a12 * t.b2) / det).clamp_min(0);
    alpha_probe = ((a11 * t.b2 - t.a12 * t.b1) / det).clamp_min(0);
  } else {
    alpha_object = (t.b1 / a11.clamp_min(1e-300)).clamp_min(0);
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
