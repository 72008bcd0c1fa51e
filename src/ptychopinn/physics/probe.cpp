#include "ptychopinn/physics/probe.h"

#include <cmath>

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::physics {

namespace checks = ::ptychopinn::tensor_checks;

namespace {

// The reference's default_probe_scale parameter: the window std is N / (scale · π²).
constexpr double kDefaultProbeWindowScale = 0.7;
// Added to the blurred disk so that the probe has no exact zeros, as the reference does.
constexpr double kDefaultProbeFloor = 1e-9;

enum class Padding {
  kSymmetric,  // scipy 'reflect': d c b a | a b c d
  kReflect,    // TF/torch 'reflect': d c b | a b c d
};

// Index of the padded position i in [-radius, size + radius) after mirroring into [0, size).
// One mirroring suffices because callers require size > radius.
torch::Tensor padded_indices(int64_t size, int64_t radius, Padding padding, const torch::Device& device) {
  auto i = torch::arange(-radius, size + radius, torch::TensorOptions().dtype(torch::kLong).device(device));
  const int64_t shift = padding == Padding::kSymmetric ? 1 : 0;
  i = torch::where(i < 0, -i - shift, i);
  i = torch::where(i >= size, 2 * (size - 1) - i + shift, i);
  return i;
}

// Correlates `values` along `dim` with the odd-length kernel `taps` [2r + 1] (real), padding each
// end by r according to `padding`. Works for real and complex values (real weights).
torch::Tensor filter_axis(const torch::Tensor& values, const torch::Tensor& taps, int64_t dim,
                          Padding padding) {
  const int64_t size = values.size(dim);
  const int64_t radius = (taps.size(0) - 1) / 2;
  const auto padded = values.index_select(dim, padded_indices(size, radius, padding, values.device()));
  torch::Tensor out;
  for (int64_t k = 0; k < taps.size(0); ++k) {
    const auto term = padded.narrow(dim, k, size) * taps[k];
    out = out.defined() ? out + term : term;
  }
  return out;
}

void require_sigma(const char* where, double sigma) {
  if (!(sigma > 0) || !std::isfinite(sigma)) {
    checks::fail(where, "sigma", std::to_string(sigma), "a finite value > 0");
  }
}

}  // namespace

torch::Tensor default_probe(int64_t n, const torch::TensorOptions& options) {
  if (n < 4) checks::fail("physics::default_probe", "N", std::to_string(n), ">= 4");
  const auto complex = checks::complex_dtype(c10::typeMetaToScalarType(options.dtype()));
  const auto real = c10::toRealValueType(complex);
  const auto real_options = options.dtype(real);

  // scipy.signal.windows.gaussian(N, std, sym=True): exp(-((n - (N-1)/2) / std)² / 2), / max.
  const double window_std = static_cast<double>(n) / (kDefaultProbeWindowScale * M_PI * M_PI);
  const auto x = (torch::arange(n, real_options) - (n - 1) / 2.0) / window_std;
  auto window = torch::exp(-0.5 * x * x);
  window = window / window.max();
  const auto disk = (window.unsqueeze(1) * window.unsqueeze(0) > 0.5).to(real);

  // scipy.ndimage.gaussian_filter(σ = 1): truncate 4 gives radius 4, weights normalised to 1.
  const auto k = torch::arange(-4, 5, real_options);
  auto taps = torch::exp(-0.5 * k * k);
  taps = taps / taps.sum();
  auto blurred = filter_axis(filter_axis(disk, taps, 0, Padding::kSymmetric), taps, 1, Padding::kSymmetric);
  return (blurred + kDefaultProbeFloor).to(complex);
}

torch::Tensor probe_mask(int64_t n, const torch::TensorOptions& options) {
  if (n < 1) checks::fail("physics::probe_mask", "N", std::to_string(n), ">= 1");
  // Squared distances of half-integers and (N/4)² are exact in float64, and they are never equal
  // for integer N, so comparing squares gives exactly the reference's sqrt(...) < N/4.
  const auto grid = torch::arange(n, options.dtype(torch::kFloat64)) - static_cast<double>(n / 2) + 0.5;
  const auto r2 = grid.square().unsqueeze(1) + grid.square().unsqueeze(0);
  const double radius = static_cast<double>(n) / 4.0;
  return (r2 < radius * radius).to(c10::typeMetaToScalarType(options.dtype()));
}

torch::Tensor normalize_probe(const torch::Tensor& probe, double probe_scale) {
  constexpr const char* kWhere = "physics::normalize_probe";
  checks::require_dim(kWhere, "probe", probe, 2, "[N, N]");
  if (probe.size(0) != probe.size(1) || probe.size(0) < 1)
    checks::fail(kWhere, "probe", checks::describe(probe), "[N, N]");
  checks::require_floating_or_complex(kWhere, "probe", probe);
  if (!(probe_scale > 0) || !std::isfinite(probe_scale)) {
    checks::fail(kWhere, "probe_scale", std::to_string(probe_scale), "a finite value > 0");
  }
  const auto mask = probe_mask(probe.size(0), probe.options().dtype(checks::real_dtype(probe)));
  const auto mean_amplitude = (mask * probe).abs().mean();
  const double value = mean_amplitude.item<double>();
  if (!(value > 0) || !std::isfinite(value)) {
    checks::fail(kWhere, "mean |M_disk * probe|", std::to_string(value),
                 "a finite value > 0 (a probe with amplitude inside the disk of radius N/4)");
  }
  return probe / (probe_scale * mean_amplitude);
}

torch::Tensor gaussian_smoothing_kernel(double sigma, const torch::TensorOptions& options) {
  require_sigma("physics::gaussian_smoothing_kernel", sigma);
  const auto x = torch::arange(-1, 2, options);
  return torch::softmax(-(x * x) / (2.0 * sigma * sigma), 0);
}

torch::Tensor gaussian_smooth(const torch::Tensor& images, double sigma) {
  constexpr const char* kWhere = "physics::gaussian_smooth";
  checks::require_defined(kWhere, "images", images);
  checks::require_floating_or_complex(kWhere, "images", images);
  if (images.dim() < 2 || images.size(-1) < 2 || images.size(-2) < 2) {
    checks::fail(kWhere, "images", checks::describe(images), "[..., H, W] with H, W >= 2");
  }
  require_sigma(kWhere, sigma);
  const auto taps = gaussian_smoothing_kernel(sigma, images.options().dtype(checks::real_dtype(images)));
  const int64_t rows = images.dim() - 2, cols = images.dim() - 1;
  return filter_axis(filter_axis(images, taps, rows, Padding::kReflect), taps, cols, Padding::kReflect);
}

torch::Tensor illuminate(const torch::Tensor& patches, const torch::Tensor& probe, bool apply_mask,
                         double gaussian_smoothing_sigma) {
  constexpr const char* kWhere = "physics::illuminate";
  checks::require_dim(kWhere, "patches", patches, 4, "[B, C, N, N]");
  checks::require_complex(kWhere, "patches", patches);
  const int64_t n = patches.size(3);
  if (patches.size(2) != n) checks::fail(kWhere, "patches", checks::describe(patches), "[B, C, N, N]");
  checks::require_dim(kWhere, "probe", probe, 2, "[N, N]");
  checks::require_floating_or_complex(kWhere, "probe", probe);
  if (probe.size(0) != n || probe.size(1) != n) {
    checks::fail(kWhere, "probe", checks::describe(probe),
                 "[N, N] with N = " + std::to_string(n) + " (the patch size)");
  }
  checks::require_same_device(kWhere, "probe", probe, patches);
  if (gaussian_smoothing_sigma < 0 || !std::isfinite(gaussian_smoothing_sigma)) {
    checks::fail(kWhere, "gaussian_smoothing_sigma", std::to_string(gaussian_smoothing_sigma),
                 "a finite value >= 0 (0 disables)");
  }

  auto psi = patches * probe.to(patches.scalar_type());
  if (gaussian_smoothing_sigma != 0) psi = gaussian_smooth(psi, gaussian_smoothing_sigma);
  if (apply_mask) psi = psi * probe_mask(n, patches.options().dtype(checks::real_dtype(patches)));
  return psi;
}

}  // namespace ptychopinn::physics
