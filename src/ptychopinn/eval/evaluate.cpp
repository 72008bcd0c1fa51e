#include "ptychopinn/eval/evaluate.h"

#include <cmath>

#include "ptychopinn/eval/frc.h"
#include "ptychopinn/eval/image_checks.h"
#include "ptychopinn/eval/metrics.h"
#include "ptychopinn/eval/ssim.h"

namespace ptychopinn::eval {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Everything but SSIM and MS-SSIM, whose inputs differ between the channels.
ChannelMetrics pixel_and_frc_metrics(const torch::Tensor& target, const torch::Tensor& prediction,
                                     double frc_sigma) {
  ChannelMetrics m;
  m.mae = mae(target, prediction);
  m.mse = mse(target, prediction);
  m.psnr = psnr(target, prediction);
  m.psnr_legacy = psnr_legacy(target, prediction);
  m.frc = frc_curve(target, prediction, frc_sigma);
  m.frc50 = frc_crossing(m.frc, kFrcHalfThreshold);
  m.frc1over7 = frc_crossing(m.frc, kFrcOneSeventhThreshold);
  m.pearson = pearson(target, prediction);
  return m;
}

// The phase mapped from [-π, π] to [0, 1], where the reference computes its phase SSIMs.
torch::Tensor unit_phase(const torch::Tensor& phase) { return (phase + kPi) / (2 * kPi); }

}  // namespace

void EvaluationOptions::validate() const {
  constexpr const char* kWhere = "eval::EvaluationOptions";
  alignment.validate();
  if (trim_px < 0) detail::fail(kWhere, "trim_px", std::to_string(trim_px), ">= 0");
  if (!std::isfinite(frc_sigma) || frc_sigma < 0)
    detail::fail(kWhere, "frc_sigma", c10::str(frc_sigma), ">= 0, finite");
  if (!std::isfinite(ms_ssim_sigma) || ms_ssim_sigma < 0) {
    detail::fail(kWhere, "ms_ssim_sigma", c10::str(ms_ssim_sigma), ">= 0, finite");
  }
}

Evaluation evaluate(const torch::Tensor& reconstruction, const torch::Tensor& ground_truth,
                    const EvaluationOptions& options) {
  options.validate();
  const AlignedImages aligned = align_for_evaluation(reconstruction, ground_truth, options.alignment);
  Evaluation out;
  out.shift = aligned.shift;
  out.registered = aligned.registered;
  const PixelWindow inner =
      shrink(PixelWindow{0, 0, aligned.window.height, aligned.window.width}, options.trim_px);
  out.window = shrink(aligned.window, options.trim_px);
  const auto recon = crop(aligned.reconstruction, inner);
  const auto truth = crop(aligned.ground_truth, inner);

  out.amplitude_truth = truth.abs().contiguous();
  const auto raw_amplitude = recon.abs();
  out.amplitude_scale = amplitude_scale(out.amplitude_truth, raw_amplitude);
  out.amplitude_reconstruction = (raw_amplitude * out.amplitude_scale).contiguous();
  out.phase_truth = align_phase(torch::angle(truth), options.phase_alignment);
  out.phase_reconstruction = align_phase(torch::angle(recon), options.phase_alignment);

  out.amplitude = pixel_and_frc_metrics(out.amplitude_truth, out.amplitude_reconstruction, options.frc_sigma);
  const double amplitude_range = (out.amplitude_truth.max() - out.amplitude_truth.min()).item<double>();
  out.amplitude.ssim = ssim(out.amplitude_truth, out.amplitude_reconstruction, amplitude_range);
  out.amplitude.ms_ssim = ms_ssim(out.amplitude_truth, out.amplitude_reconstruction, options.ms_ssim_sigma);

  out.phase = pixel_and_frc_metrics(out.phase_truth, out.phase_reconstruction, options.frc_sigma);
  const auto phase_truth_unit = unit_phase(out.phase_truth);
  const auto phase_reconstruction_unit = unit_phase(out.phase_reconstruction);
  out.phase.ssim = ssim(phase_truth_unit, phase_reconstruction_unit, 1.0);
  out.phase.ms_ssim = ms_ssim(phase_truth_unit, phase_reconstruction_unit, 0.0);
  return out;
}

}  // namespace ptychopinn::eval
