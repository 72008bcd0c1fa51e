#include "ptychopinn/eval/metrics.h"

#include <cfloat>
#include <cmath>
#include <limits>

#include "ptychopinn/eval/image_checks.h"

namespace ptychopinn::eval {

namespace {

// cv2.PSNR's default peak, the reference's convention for every data range.
constexpr double kLegacyPeak = 255.0;

// 20 log10(peak / (rmse + ε)): OpenCV's form, finite for identical images.
double psnr_with_peak(double peak, double mean_squared_error) {
  if (peak <= 0) return -std::numeric_limits<double>::infinity();
  return 20.0 * std::log10(peak / (std::sqrt(mean_squared_error) + DBL_EPSILON));
}

}  // namespace

double mae(const torch::Tensor& target, const torch::Tensor& prediction) {
  detail::require_image_pair("eval::mae", target, prediction);
  return (detail::as_cpu_double(target) - detail::as_cpu_double(prediction)).abs().mean().item<double>();
}

double mse(const torch::Tensor& target, const torch::Tensor& prediction) {
  detail::require_image_pair("eval::mse", target, prediction);
  return (detail::as_cpu_double(target) - detail::as_cpu_double(prediction)).square().mean().item<double>();
}

double psnr(const torch::Tensor& target, const torch::Tensor& prediction) {
  const double error = mse(target, prediction);
  const auto t = detail::as_cpu_double(target);
  return psnr_with_peak((t.max() - t.min()).item<double>(), error);
}

double psnr_legacy(const torch::Tensor& target, const torch::Tensor& prediction) {
  return psnr_with_peak(kLegacyPeak, mse(target, prediction));
}

double pearson(const torch::Tensor& target, const torch::Tensor& prediction) {
  detail::require_image_pair("eval::pearson", target, prediction);
  const auto a = detail::as_cpu_double(target).flatten();
  const auto b = detail::as_cpu_double(prediction).flatten();
  const auto da = a - a.mean();
  const auto db = b - b.mean();
  const double denominator = std::sqrt(da.square().sum().item<double>() * db.square().sum().item<double>());
  if (denominator == 0) return std::numeric_limits<double>::quiet_NaN();
  return (da * db).sum().item<double>() / denominator;
}

}  // namespace ptychopinn::eval
