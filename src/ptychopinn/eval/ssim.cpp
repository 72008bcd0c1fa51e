#include "ptychopinn/eval/ssim.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "ptychopinn/eval/image_checks.h"
#include "ptychopinn/physics/gaussian_filter.h"

namespace ptychopinn::eval {

namespace {

// skimage's defaults: win_size 7, K1 0.01, K2 0.03, use_sample_covariance True.
constexpr int64_t kWindow = 7;
constexpr double kK1 = 0.01;
constexpr double kK2 = 0.03;

// The reference's MS-SSIM level weights (Wang et al. 2003).
constexpr std::array<double, 5> kLevelWeights = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
// What the reference substitutes for a negative level SSIM, so the fractional power stays real.
constexpr double kNegativeSsimFloor = 1e-4;

// Indices of positions -pad ... n + pad - 1 folded into [0, n) the way scipy's mode 'reflect'
// does: half-sample symmetric (d c b a | a b c d | d c b a), period 2n.
torch::Tensor reflect_indices(int64_t n, int64_t pad) {
  const auto period = 2 * n;
  const auto folded = torch::remainder(torch::arange(-pad, n + pad, torch::kLong), period);
  return torch::where(folded < n, folded, period - 1 - folded);
}

// scipy.ndimage.uniform_filter(image, size=7), mode 'reflect': the mean over the window centred
// on each pixel, the image extended symmetrically beyond its border.
torch::Tensor uniform_filter(const torch::Tensor& image) {
  constexpr int64_t pad = kWindow / 2;
  const auto padded = image.index_select(0, reflect_indices(image.size(0), pad))
                          .index_select(1, reflect_indices(image.size(1), pad));
  return torch::avg_pool2d(padded.unsqueeze(0).unsqueeze(0), {kWindow, kWindow}, {1, 1})
      .squeeze(0)
      .squeeze(0);
}

void require_ssim_inputs(const char* where, const torch::Tensor& target, const torch::Tensor& prediction) {
  detail::require_image_pair(where, target, prediction);
  if (target.size(0) < kWindow || target.size(1) < kWindow) {
    detail::fail(where, "target", detail::describe(target),
                 "an image of at least " + std::to_string(kWindow) + " x " + std::to_string(kWindow) +
                     " pixels (the SSIM window)");
  }
}

// SSIM of float64 CPU images that passed require_ssim_inputs.
double ssim_of_checked(const torch::Tensor& x, const torch::Tensor& y, double data_range) {
  constexpr double n = kWindow * kWindow;
  constexpr double covariance_norm = n / (n - 1);  // sample rather than population covariance
  const auto ux = uniform_filter(x);
  const auto uy = uniform_filter(y);
  const auto vx = covariance_norm * (uniform_filter(x * x) - ux * ux);
  const auto vy = covariance_norm * (uniform_filter(y * y) - uy * uy);
  const auto vxy = covariance_norm * (uniform_filter(x * y) - ux * uy);
  const double c1 = (kK1 * data_range) * (kK1 * data_range);
  const double c2 = (kK2 * data_range) * (kK2 * data_range);
  const auto map = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  // skimage averages only where the window lies inside the image.
  constexpr int64_t border = (kWindow - 1) / 2;
  return map.narrow(0, border, map.size(0) - 2 * border)
      .narrow(1, border, map.size(1) - 2 * border)
      .mean()
      .item<double>();
}

double value_range(const torch::Tensor& image) { return (image.max() - image.min()).item<double>(); }

}  // namespace

double ssim(const torch::Tensor& target, const torch::Tensor& prediction, double data_range) {
  constexpr const char* kWhere = "eval::ssim";
  require_ssim_inputs(kWhere, target, prediction);
  if (!std::isfinite(data_range) || data_range < 0) {
    detail::fail(kWhere, "data_range", c10::str(data_range), "a finite value >= 0");
  }
  return ssim_of_checked(detail::as_cpu_double(target), detail::as_cpu_double(prediction), data_range);
}

double ms_ssim(const torch::Tensor& target, const torch::Tensor& prediction, double smoothing_sigma) {
  constexpr const char* kWhere = "eval::ms_ssim";
  require_ssim_inputs(kWhere, target, prediction);
  if (!std::isfinite(smoothing_sigma) || smoothing_sigma < 0) {
    detail::fail(kWhere, "smoothing_sigma", c10::str(smoothing_sigma), "a finite value >= 0");
  }
  auto x = detail::as_cpu_double(target);
  auto y = detail::as_cpu_double(prediction);
  if (smoothing_sigma > 0) {
    x = physics::gaussian_filter(x, smoothing_sigma);
    y = physics::gaussian_filter(y, smoothing_sigma);
  }
  const double data_range = std::max(value_range(x), value_range(y));
  double product = 1.0;
  for (std::size_t level = 0; level < kLevelWeights.size(); ++level) {
    double s = ssim_of_checked(x, y, data_range);
    if (std::isnan(s)) return 0.0;
    if (s < 0) s = kNegativeSsimFloor;
    product *= std::pow(s, kLevelWeights[level]);
    if (level + 1 == kLevelWeights.size()) break;
    // Naive decimation, as the reference (no low-pass before subsampling).
    x = x.slice(0, 0, c10::nullopt, 2).slice(1, 0, c10::nullopt, 2).contiguous();
    y = y.slice(0, 0, c10::nullopt, 2).slice(1, 0, c10::nullopt, 2).contiguous();
    if (std::min(x.size(0), x.size(1)) < kWindow) break;
  }
  return std::isnan(product) ? 0.0 : product;
}

}  // namespace ptychopinn::eval
