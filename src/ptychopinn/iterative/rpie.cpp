#include "ptychopinn/iterative/rpie.h"

#include "ptychopinn/iterative/batch_sums.h"
#include "ptychopinn/iterative/fourier_constraint.h"
#include "ptychopinn/iterative/position_correction.h"

namespace ptychopinn::iterative {

using torch::indexing::Slice;

BatchOutcome rpie_update(ReconstructionState& state, const Batch& batch, const FarField& far_field,
                         const RpieParameters& parameters, const Refine& refine) {
  const torch::Tensor& probe = state.probe;
  const torch::Tensor patches = extract_patches(state.object, batch.windows);
  const FourierStep step = fourier_step_from_patches(far_field, probe, patches, batch.amplitudes, batch.valid,
                                                     NoiseModel::kGaussian);
  BatchOutcome outcome;
  outcome.error_sum = step.error_sum;
  if (refine.positions) outcome.position_steps = position_steps(step.chi, probe, patches);

  // The object, on the box the batch touches (one window for the sequential engine).
  const CanvasBox box = bounding_box(batch.windows);
  const PatchWindows local = relative_to(batch.windows, box);
  torch::Tensor numerator = torch::zeros({box.height(), box.width()}, state.object.options());
  add_patches(numerator,
              step.object_numerator.defined() ? step.object_numerator
                                              : sum_modes(probe.conj().unsqueeze(0) * step.chi),
              local);
  const torch::Tensor probe_power =
      torch::view_as_real(probe).square().sum(std::vector<int64_t>{0, -1});  // [N, N]
  torch::Tensor illumination = torch::zeros({box.height(), box.width()}, probe_power.options());
  add_patches(illumination, probe_power.unsqueeze(0), local);
  const double a = parameters.alpha;
  const torch::Tensor object_denominator = ((1 - a) * illumination + a * illumination.max()).clamp_min(1e-30);

  torch::Tensor probe_update;
  if (refine.probe) {
    const ProbeSums sums = probe_sums(patches, step.chi);  // Σ_b conj(O_b) χ_bk and Σ_b |O_b|²
    const double beta = parameters.beta;
    const torch::Tensor probe_denominator =
        ((1 - beta) * sums.object_power + beta * sums.object_power.max()).clamp_min(1e-30).to(probe.device());
    probe_update = sums.numerator * (parameters.probe_step / probe_denominator);
  }
  state.object.index({Slice(box.row_begin, box.row_end), Slice(box.col_begin, box.col_end)})
      .add_(numerator / object_denominator);
  if (probe_update.defined()) state.probe.add_(probe_update);
  return outcome;
}

}  // namespace ptychopinn::iterative
