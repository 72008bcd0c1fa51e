#include "ptychopinn/eval/frc.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "ptychopinn/eval/image_checks.h"
#include "ptychopinn/physics/gaussian_filter.h"

namespace ptychopinn::eval {

namespace {

// The centred spectrum of a square float64 image.
torch::Tensor centred_spectrum(const torch::Tensor& image) {
  return torch::fft::fftshift(torch::fft::fft2(image), {0, 1});
}

// Σ over each ring of values [n * n] (real or complex) given ring indices [n * n].
torch::Tensor ring_sums(const torch::Tensor& values, const torch::Tensor& rings, int64_t n_rings) {
  if (values.is_complex()) {
    // index_add_ on the (real, imaginary) pairs works for every LibTorch build's dtype support.
    auto sums = torch::zeros({n_rings, 2}, torch::kDouble);
    sums.index_add_(0, rings, torch::view_as_real(values));
    return torch::view_as_complex(sums);
  }
  return torch::zeros({n_rings}, torch::kDouble).index_add_(0, rings, values);
}

}  // namespace

std::vector<double> frc_curve(const torch::Tensor& target, const torch::Tensor& prediction,
                              double smoothing_sigma) {
  constexpr const char* kWhere = "eval::frc_curve";
  detail::require_image_pair(kWhere, target, prediction);
  if (!std::isfinite(smoothing_sigma) || smoothing_sigma < 0) {
    detail::fail(kWhere, "smoothing_sigma", c10::str(smoothing_sigma), "a finite value >= 0");
  }
  const int64_t height = target.size(0);
  const int64_t width = target.size(1);
  const int64_t n = std::min(height, width);
  auto square = [&](const torch::Tensor& image) {
    return detail::as_cpu_double(image).narrow(0, (height - n) / 2, n).narrow(1, (width - n) / 2, n);
  };
  const auto f1 = centred_spectrum(square(target)).flatten();
  const auto f2 = centred_spectrum(square(prediction)).flatten();

  // Ring index round(|k|) from the fftshift centre n / 2; sqrt(integer) never lands on a .5 tie.
  const auto k = torch::arange(n, torch::kDouble) - static_cast<double>(n / 2);
  const auto rings =
      torch::round(torch::sqrt(k.unsqueeze(1).square() + k.unsqueeze(0).square())).to(torch::kLong).flatten();
  const int64_t n_rings = rings.max().item<int64_t>() + 1;
  const auto cross = ring_sums(f1 * torch::conj(f2), rings, n_rings);
  const auto power1 = ring_sums(f1.abs().square(), rings, n_rings);
  const auto power2 = ring_sums(f2.abs().square(), rings, n_rings);
  auto curve = (cross.abs() / torch::sqrt((power1 * power2).abs())).contiguous();
  if (smoothing_sigma > 0) {
    // A [1, L] image: the filter along the single row is the identity, so this is the 1-D filter.
    curve = physics::gaussian_filter(curve.unsqueeze(0), smoothing_sigma).squeeze(0).contiguous();
  }
  return std::vector<double>(curve.data_ptr<double>(), curve.data_ptr<double>() + curve.numel());
}

double frc_crossing(const std::vector<double>& curve, double threshold) {
  if (curve.empty())
    throw std::invalid_argument("eval::frc_crossing: curve = []; expected at least one ring");
  for (std::size_t i = 0; i < curve.size(); ++i) {
    if (!(curve[i] < threshold)) continue;  // NaN is not below, as in NumPy
    if (i == 0) return 0.0;
    const double above = curve[i - 1];
    const double below = curve[i];
    // curve[i - 1] >= threshold > curve[i] (or NaN above: then report the ring where it is below).
    if (!std::isfinite(above)) return static_cast<double>(i);
    return static_cast<double>(i - 1) + (above - threshold) / (above - below);
  }
  return static_cast<double>(curve.size());
}

}  // namespace ptychopinn::eval
