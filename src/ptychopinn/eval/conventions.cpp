#include "ptychopinn/eval/conventions.h"

#include <stdexcept>
#include <vector>

#include "ptychopinn/eval/image_checks.h"
#include "ptychopinn/util/spelling.h"

namespace ptychopinn::eval {

namespace {

// Σ c·v / Σ c² for a centred coordinate c; 0 along an axis of one pixel (no tilt to fit).
torch::Tensor slope(const torch::Tensor& centred, const torch::Tensor& values) {
  const double norm = centred.square().sum().item<double>();
  if (norm == 0) return torch::zeros({}, torch::kDouble);
  return (centred * values).sum() / norm;
}

}  // namespace

std::string to_string(PhaseAlignment alignment) {
  switch (alignment) {
    case PhaseAlignment::kPlane:
      return "plane";
    case PhaseAlignment::kMean:
      return "mean";
  }
  throw std::invalid_argument("eval::to_string: PhaseAlignment = " +
                              std::to_string(static_cast<int>(alignment)) + "; expected a declared value");
}

PhaseAlignment parse_phase_alignment(const std::string& text) {
  std::vector<std::string> names;
  for (const auto alignment : {PhaseAlignment::kPlane, PhaseAlignment::kMean}) {
    if (text == to_string(alignment)) return alignment;
    names.push_back(to_string(alignment));
  }
  throw std::invalid_argument("phase alignment: '" + text +
                              "' is not valid; expected one of 'plane', 'mean'" + did_you_mean(text, names));
}

torch::Tensor remove_phase_plane(const torch::Tensor& phase) {
  detail::require_real_image("eval::remove_phase_plane", "phase", phase);
  const auto p = detail::as_cpu_double(phase);
  // On a full rectangular grid the centred coordinates x - x̄, y - ȳ and the constant are mutually
  // orthogonal, so the least-squares plane separates into three independent projections.
  const auto x = torch::arange(p.size(1), torch::kDouble);
  const auto y = torch::arange(p.size(0), torch::kDouble);
  const auto xc = (x - x.mean()).unsqueeze(0);  // [1, W]
  const auto yc = (y - y.mean()).unsqueeze(1);  // [H, 1]
  const auto a = slope(xc.expand_as(p), p);
  const auto b = slope(yc.expand_as(p), p);
  return (p - (a * xc + b * yc + p.mean())).contiguous();
}

torch::Tensor remove_phase_mean(const torch::Tensor& phase) {
  detail::require_real_image("eval::remove_phase_mean", "phase", phase);
  const auto p = detail::as_cpu_double(phase);
  return (p - p.mean()).contiguous();
}

torch::Tensor align_phase(const torch::Tensor& phase, PhaseAlignment alignment) {
  return alignment == PhaseAlignment::kPlane ? remove_phase_plane(phase) : remove_phase_mean(phase);
}

double amplitude_scale(const torch::Tensor& target, const torch::Tensor& prediction) {
  detail::require_image_pair("eval::amplitude_scale", target, prediction);
  const double predicted_mean = detail::as_cpu_double(prediction).mean().item<double>();
  if (predicted_mean == 0) return 1.0;
  return detail::as_cpu_double(target).mean().item<double>() / predicted_mean;
}

}  // namespace ptychopinn::eval
