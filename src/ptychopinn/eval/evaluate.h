#pragma once
// Evaluation of a reconstruction against the ground-truth object: alignment, the reference's
// conventions, and the metrics of amplitude and phase. docs/evaluation.md defines every number.
#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "ptychopinn/eval/alignment.h"
#include "ptychopinn/eval/conventions.h"

namespace ptychopinn::eval {

struct EvaluationOptions {
  // Placement, scanned region, registration and its border crop (alignment.h).
  AlignmentOptions alignment;
  // Pixels trimmed from every edge before the metrics: the reference's offset / 2 = 2; >= 0.
  int64_t trim_px = 2;
  // How each image's phase gauge is removed (the reference's default: plane).
  PhaseAlignment phase_alignment = PhaseAlignment::kPlane;
  // Gaussian smoothing of the FRC curves (the reference's frc_sigma, default 0 = none); >= 0.
  double frc_sigma = 0.0;
  // Gaussian smoothing of the amplitudes before MS-SSIM (the reference's ms_ssim_sigma, default 1;
  // the phases are never smoothed); >= 0.
  double ms_ssim_sigma = 1.0;

  // Throws std::invalid_argument naming the field for a value out of range.
  void validate() const;
};

// The metrics of one channel (amplitude or phase); NaN where a metric is undefined (e.g. Pearson
// or FRC of a flat image).
struct ChannelMetrics {
  double mae = 0.0;
  double mse = 0.0;
  double psnr = 0.0;         // range-aware: peak = max(target) - min(target)
  double psnr_legacy = 0.0;  // the reference's cv2 peak 255
  double ssim = 0.0;
  double ms_ssim = 0.0;
  double frc50 = 0.0;      // rings (spatial-frequency pixels), interpolated
  double frc1over7 = 0.0;  // rings, interpolated
  double pearson = 0.0;
  std::vector<double> frc;  // the FRC curve, one value per ring
};

struct Evaluation {
  ChannelMetrics amplitude;
  ChannelMetrics phase;
  ImageShift shift;              // applied to the reconstruction, pixels
  bool registered = false;       // whether the shift was measured by estimate_shift
  double amplitude_scale = 1.0;  // mean(target) / mean(prediction), applied to the prediction
  PixelWindow window;            // the compared region on the ground truth's grid (after every crop)
  // The images the metrics compared, [h, w] float64 (for the comparison picture): amplitudes with
  // the prediction rescaled, phases (radians) with their gauge removed.
  torch::Tensor amplitude_truth;
  torch::Tensor amplitude_reconstruction;
  torch::Tensor phase_truth;
  torch::Tensor phase_reconstruction;

  // {"amplitude": {"mae", "mse", "psnr", "psnr_legacy", "ssim", "ms_ssim", "frc50", "frc1over7",
  //   "pearson"}, "phase": {...}, "registration": {"registered", "dy_px", "dx_px"},
  //   "amplitude_scale", "region": {"row0", "col0", "height", "width"},
  //   "frc_curves": {"amplitude": [...], "phase": [...]}}; undefined values (NaN, ±inf) are null.
  nlohmann::json to_json() const;
};

// Evaluates a reconstruction against the ground truth:
//  1. align_for_evaluation (placement, scanned region, registration, border crop);
//  2. trim trim_px from every edge;
//  3. amplitude: |·| of both, the prediction rescaled by amplitude_scale; phase: angle(·) in
//     [-π, π] (not unwrapped) of both, each with its own gauge removed (phase_alignment);
//  4. per channel: MAE, MSE, PSNR (range-aware and legacy), SSIM (amplitude: data range of the
//     target; phase: on (φ + π) / 2π with data range 1), MS-SSIM (amplitude smoothed by
//     ms_ssim_sigma; phase on (φ + π) / 2π), FRC curve (smoothed by frc_sigma) with frc50 and
//     frc1over7, Pearson r.
//   reconstruction, ground_truth: [H, W] and [H', W'] complex64/complex128; any device
// Throws std::invalid_argument on wrong ranks or dtypes, invalid options, or when fewer than 7 x 7
// pixels are left to compare (the SSIM window).
Evaluation evaluate(const torch::Tensor& reconstruction, const torch::Tensor& ground_truth,
                    const EvaluationOptions& options = {});

}  // namespace ptychopinn::eval
