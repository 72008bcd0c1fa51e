#include "ptychopinn/convert/detector_crop.h"

#include <stdexcept>
#include <string>

#include "ptychopinn/physics/canvas.h"

namespace ptychopinn::convert {

namespace {

void check_crop(const char* what, const torch::Tensor& t, int64_t n) {
  if (!t.defined() || t.dim() < 2 || t.size(-1) != t.size(-2)) {
    throw std::invalid_argument(std::string("convert: ") + what + " has shape " +
                                (t.defined() ? c10::str(t.sizes()) : std::string("(none)")) +
                                "; expected square images [..., N, N]");
  }
  if (n < 2 || n % 2 != 0 || n > t.size(-1)) {
    throw std::invalid_argument("convert: crop = " + std::to_string(n) +
                                "; expected an even size from 2 to N = " + std::to_string(t.size(-1)));
  }
}

}  // namespace

torch::Tensor crop_patterns(const torch::Tensor& patterns, int64_t n) {
  check_crop("patterns", patterns, n);
  return physics::crop_center(patterns, n);
}

torch::Tensor resample_probe(const torch::Tensor& probe, int64_t n) {
  check_crop("probe", probe, n);
  const int64_t big = probe.size(-1);
  if (n == big) return probe;
  const auto spectrum = torch::fft::fftshift(torch::fft::fft2(probe.to(torch::kComplexDouble)), {-2, -1});
  const auto cropped = physics::crop_center(spectrum, n);
  const auto small = torch::fft::ifft2(torch::fft::ifftshift(cropped, {-2, -1}));
  // Unnormalised fft2 and ifft2 (1/n² on the way back): a constant c becomes c·N² then c·N²/n²;
  // (n/N)² restores c.
  const double factor = static_cast<double>(n) * n / (static_cast<double>(big) * big);
  return (small * factor).to(probe.scalar_type());
}

}  // namespace ptychopinn::convert
