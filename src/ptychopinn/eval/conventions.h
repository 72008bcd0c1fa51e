#pragma once
// The reference's conventions for comparing a reconstruction with the ground truth: each image's
// phase gauge is removed on its own, and the predicted amplitude is rescaled to the target's mean.
// Without them a PINN reconstruction (whose global phase and amplitude scale are free) could not be
// compared.
#include <torch/torch.h>

#include <string>

namespace ptychopinn::eval {

// How the free phase offset (and tilt) is removed from each image before comparing phases.
enum class PhaseAlignment {
  // "plane": the least-squares plane a·x + b·y + c is removed (the reference's default; it also
  // absorbs a linear phase ramp, i.e. a sub-pixel shift in Fourier space).
  kPlane,
  // "mean": the mean is subtracted.
  kMean,
};

// "plane" / "mean"; the only valid spellings.
std::string to_string(PhaseAlignment alignment);
// Inverse of to_string; throws std::invalid_argument listing the valid spellings (with a "did you
// mean") for anything else.
PhaseAlignment parse_phase_alignment(const std::string& text);

// The phase with its own least-squares plane a·x + b·y + c removed (x = column, y = row). The
// phase is used as given: wrapped to [-π, π] by the caller and never unwrapped, as the reference.
//   phase:   [H, W] real floating; any device
//   returns: [H, W] float64 on the CPU
// Throws std::invalid_argument for a wrong rank or dtype or an empty image.
torch::Tensor remove_phase_plane(const torch::Tensor& phase);

// The phase minus its mean; same shapes and errors as remove_phase_plane.
torch::Tensor remove_phase_mean(const torch::Tensor& phase);

// remove_phase_plane or remove_phase_mean, as `alignment` says.
torch::Tensor align_phase(const torch::Tensor& phase, PhaseAlignment alignment);

// The reference's amplitude rescale factor mean(target) / mean(prediction); the prediction is
// multiplied by it before every amplitude metric. A prediction of zero mean gets factor 1 (the
// reference would divide by zero and poison every metric with inf/NaN).
//   target, prediction: [H, W] real floating, same shape; any device
// Throws std::invalid_argument on wrong ranks, dtypes or shapes.
double amplitude_scale(const torch::Tensor& target, const torch::Tensor& prediction);

}  // namespace ptychopinn::eval
