#include "ptychopinn/eval/registration.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "ptychopinn/eval/image_checks.h"

namespace ptychopinn::eval {

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;
// Interior border beyond |integer shift|: the refinement may move 2 px further, and the Fourier
// interpolation rings a few pixels around the kinks of the mirror extension.
constexpr int64_t kInteriorMargin = 6;
constexpr int64_t kMinInteriorSide = 8;
constexpr double kMaxRefinementPx = 2.0;
constexpr int kMaxIterations = 50;
constexpr double kConvergedPx = 1e-7;

// [H, W] -> [2H, 2W]: x | flip(x), stacked over flip(x) rows; periodic and continuous.
torch::Tensor mirror_extend(const torch::Tensor& x) {
  const auto rows = torch::cat({x, x.flip({0})}, 0);
  return torch::cat({rows, rows.flip({1})}, 1);
}

// exp(-2πi (dy·ky + dx·kx)) on a [rows, cols] FFT grid: multiplying a spectrum by it moves the
// content by +shift.
torch::Tensor shift_ramp(int64_t rows, int64_t cols, const ImageShift& shift) {
  const auto ky = torch::fft::fftfreq(rows, torch::kDouble).unsqueeze(1);
  const auto kx = torch::fft::fftfreq(cols, torch::kDouble).unsqueeze(0);
  const auto phase = -kTwoPi * (shift.dy_px * ky + shift.dx_px * kx);
  return torch::polar(torch::ones_like(phase), phase);
}

// The integer shift at the peak of the circular cross-correlation of the mean-subtracted images,
// wrapped to (-size/2, size/2] as scikit-image does. Not whitened: see registration.h.
ImageShift integer_shift(const torch::Tensor& reference, const torch::Tensor& moving) {
  const auto a = torch::fft::fft2(reference - reference.mean());
  const auto b = torch::fft::fft2(moving - moving.mean());
  const auto correlation = torch::real(torch::fft::ifft2(a * torch::conj(b)));
  const int64_t peak = correlation.argmax().item<int64_t>();
  auto wrap = [](int64_t index, int64_t size) {
    return static_cast<double>(index > size / 2 ? index - size : index);
  };
  const int64_t cols = reference.size(1);
  return {wrap(peak / cols, reference.size(0)), wrap(peak % cols, cols)};
}

// Solves the 4 x 4 system a·x = b by Gaussian elimination with partial pivoting (b becomes x).
// Returns false for a (numerically) singular matrix, e.g. flat images.
bool solve_4x4(std::array<double, 16>& a, std::array<double, 4>& b) {
  double scale = 0;
  for (const double v : a) scale = std::max(scale, std::abs(v));
  if (!(scale > 0)) return false;
  for (int col = 0; col < 4; ++col) {
    int pivot = col;
    for (int row = col + 1; row < 4; ++row) {
      if (std::abs(a[row * 4 + col]) > std::abs(a[pivot * 4 + col])) pivot = row;
    }
    if (!(std::abs(a[pivot * 4 + col]) > 1e-12 * scale)) return false;
    for (int k = 0; k < 4; ++k) std::swap(a[col * 4 + k], a[pivot * 4 + k]);
    std::swap(b[col], b[pivot]);
    for (int row = col + 1; row < 4; ++row) {
      const double f = a[row * 4 + col] / a[col * 4 + col];
      for (int k = col; k < 4; ++k) a[row * 4 + k] -= f * a[col * 4 + k];
      b[row] -= f * b[col];
    }
  }
  for (int row = 3; row >= 0; --row) {
    for (int k = row + 1; k < 4; ++k) b[row] -= a[row * 4 + k] * b[k];
    b[row] /= a[row * 4 + row];
  }
  return true;
}

// Gauss-Newton on (dy, dx, gain, offset), see estimate_shift; nullopt when it cannot run or does not
// converge near `start`.
std::optional<ImageShift> refine_shift(const torch::Tensor& reference, const torch::Tensor& moving,
                                       const ImageShift& start) {
  const int64_t rows = reference.size(0);
  const int64_t cols = reference.size(1);
  const auto margin =
      static_cast<int64_t>(std::ceil(std::max(std::abs(start.dy_px), std::abs(start.dx_px)))) +
      kInteriorMargin;
  if (rows - 2 * margin < kMinInteriorSide || cols - 2 * margin < kMinInteriorSide) return std::nullopt;
  auto interior = [&](const torch::Tensor& image) {
    return image.narrow(0, margin, rows - 2 * margin).narrow(1, margin, cols - 2 * margin).flatten();
  };
  const auto spectrum = torch::fft::fft2(mirror_extend(moving));
  const auto ky =
      torch::fft::fftfreq(2 * rows, torch::kDouble).unsqueeze(1) * c10::complex<double>(0, kTwoPi);
  const auto kx =
      torch::fft::fftfreq(2 * cols, torch::kDouble).unsqueeze(0) * c10::complex<double>(0, kTwoPi);
  auto back = [&](const torch::Tensor& s) {
    return interior(torch::real(torch::fft::ifft2(s)).narrow(0, 0, rows).narrow(1, 0, cols));
  };
  const auto target = interior(reference);

  ImageShift s = start;
  double gain = 1;
  double offset = 0;
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    const auto shifted = spectrum * shift_ramp(2 * rows, 2 * cols, s);
    const auto m = back(shifted);
    if (iteration == 0) {  // the gain and offset that best match the integer-shifted image
      const auto dm = m - m.mean();
      const double variance = dm.square().sum().item<double>();
      if (!(variance > 0)) return std::nullopt;
      gain = (dm * (target - target.mean())).sum().item<double>() / variance;
      offset = (target.mean() - gain * m.mean()).item<double>();
    }
    // d(shifted)/d(shift) = -gradient, since shifted(x) = moving(x - shift).
    const auto jacobian =
        torch::stack({-gain * back(shifted * ky), -gain * back(shifted * kx), m, torch::ones_like(m)}, 1);
    const auto residual = target - gain * m - offset;
    const auto normal = jacobian.t().matmul(jacobian).contiguous();
    const auto rhs = jacobian.t().matmul(residual).contiguous();
    std::array<double, 16> a{};
    std::array<double, 4> step{};
    std::copy(normal.data_ptr<double>(), normal.data_ptr<double>() + 16, a.begin());
    std::copy(rhs.data_ptr<double>(), rhs.data_ptr<double>() + 4, step.begin());
    if (!solve_4x4(a, step)) return std::nullopt;
    s.dy_px += step[0];
    s.dx_px += step[1];
    gain += step[2];
    offset += step[3];
    if (!std::isfinite(s.dy_px) || !std::isfinite(s.dx_px) ||
        std::abs(s.dy_px - start.dy_px) > kMaxRefinementPx ||
        std::abs(s.dx_px - start.dx_px) > kMaxRefinementPx) {
      return std::nullopt;
    }
    if (std::max(std::abs(step[0]), std::abs(step[1])) < kConvergedPx) return s;
  }
  return std::nullopt;
}

}  // namespace

ImageShift estimate_shift(const torch::Tensor& reference, const torch::Tensor& moving) {
  detail::require_image_pair("eval::estimate_shift", reference, moving);
  const auto ref = detail::as_cpu_double(reference);
  const auto mov = detail::as_cpu_double(moving);
  const ImageShift coarse = integer_shift(ref, mov);
  return refine_shift(ref, mov, coarse).value_or(coarse);
}

torch::Tensor fourier_shift(const torch::Tensor& image, const ImageShift& shift) {
  constexpr const char* kWhere = "eval::fourier_shift";
  tensor_checks::require_dim(kWhere, "image", image, 2, "[H, W]");
  tensor_checks::require_floating_or_complex(kWhere, "image", image);
  if (image.numel() == 0) detail::fail(kWhere, "image", detail::describe(image), "a non-empty [H, W] image");
  if (!std::isfinite(shift.dy_px) || !std::isfinite(shift.dx_px)) {
    detail::fail(kWhere, "shift", "(" + c10::str(shift.dy_px) + ", " + c10::str(shift.dx_px) + ")",
                 "finite (dy, dx)");
  }
  const auto x = detail::as_cpu_double(image);
  const int64_t rows = x.size(0);
  const int64_t cols = x.size(1);
  const auto extended = torch::fft::fft2(mirror_extend(x)) * shift_ramp(2 * rows, 2 * cols, shift);
  const auto shifted = torch::fft::ifft2(extended).narrow(0, 0, rows).narrow(1, 0, cols);
  return image.is_complex() ? shifted.contiguous() : torch::real(shifted).contiguous();
}

}  // namespace ptychopinn::eval
