#include "ptychopinn/data/patch_extraction.h"

#include <cmath>

namespace ptychopinn::data {

void extract_patch(const std::complex<float>* object, std::int64_t height, std::int64_t width, double x,
                   double y, std::int64_t n, std::complex<float>* out) {
  const double top = y - static_cast<double>(n / 2);
  const double left = x - static_cast<double>(n / 2);
  const double r0f = std::floor(top), c0f = std::floor(left);
  const auto r0 = static_cast<std::int64_t>(r0f), c0 = static_cast<std::int64_t>(c0f);
  const double fy = top - r0f, fx = left - c0f;
  const double w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
  auto at = [&](std::int64_t r, std::int64_t c) -> std::complex<double> {
    if (r < 0 || r >= height || c < 0 || c >= width) return {0.0, 0.0};
    return std::complex<double>(object[r * width + c]);
  };
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t c = 0; c < n; ++c) {
      const std::int64_t rr = r0 + r, cc = c0 + c;
      const std::complex<double> v =
          w00 * at(rr, cc) + w01 * at(rr, cc + 1) + w10 * at(rr + 1, cc) + w11 * at(rr + 1, cc + 1);
      out[r * n + c] = std::complex<float>(v);
    }
  }
}

}  // namespace ptychopinn::data
