#include "ptychopinn/iterative/pixel_kernels.h"

#include <algorithm>
#include <cmath>

namespace ptychopinn::iterative {
namespace {

// Independent partial sums, one per lane: with them the compiler vectorises the loop (a single
// running sum would fix the order of the additions).
constexpr int64_t kLanes = 8;

}  // namespace

double gaussian_pattern(float* f, int64_t k, const float* a, const float* v, int64_t pixels) {
  double error = 0.0;
  float lane[kLanes];
  auto pixel = [&](int64_t p, int64_t l) {
    float intensity = 0.0f;
    for (int64_t m = 0; m < k; ++m) {
      const float* fm = f + 2 * m * pixels;
      intensity += fm[2 * p] * fm[2 * p] + fm[2 * p + 1] * fm[2 * p + 1];
    }
    const float amp = std::sqrt(intensity), r = amp - a[p];
    const float w = v ? v[p] : 1.0f;
    lane[l] += w * r * r;
    const float factor = w * (a[p] / std::max(amp, kTinyAmplitude) - 1.0f);
    for (int64_t m = 0; m < k; ++m) {
      float* fm = f + 2 * m * pixels;
      fm[2 * p] *= factor;
      fm[2 * p + 1] *= factor;
    }
  };
  constexpr int64_t kRow = 256;
  for (int64_t p0 = 0; p0 < pixels; p0 += kRow) {
    const int64_t p1 = std::min(pixels, p0 + kRow);
    for (float& l : lane) l = 0.0f;
    int64_t p = p0;
    if (k == 1) {  // the common case, with the mode loops gone
      for (; p + kLanes <= p1; p += kLanes) {
        for (int64_t l = 0; l < kLanes; ++l) {
          const int64_t q = p + l;
          const float amp = std::sqrt(f[2 * q] * f[2 * q] + f[2 * q + 1] * f[2 * q + 1]), r = amp - a[q];
          const float w = v ? v[q] : 1.0f;
          lane[l] += w * r * r;
          const float factor = w * (a[q] / std::max(amp, kTinyAmplitude) - 1.0f);
          f[2 * q] *= factor;
          f[2 * q + 1] *= factor;
        }
      }
    } else {
      for (; p + kLanes <= p1; p += kLanes) {
        for (int64_t l = 0; l < kLanes; ++l) pixel(p + l, l);
      }
    }
    for (; p < p1; ++p) pixel(p, 0);
    for (float l : lane) error += l;
  }
  return error;
}

void exit_waves_of_pattern(const float* probe, const float* patch, int64_t k, int64_t pixels, float* out) {
  for (int64_t m = 0; m < k; ++m) {
    const float* pm = probe + 2 * m * pixels;
    float* om = out + 2 * m * pixels;
    for (int64_t q = 0; q < pixels; ++q) {
      om[2 * q] = pm[2 * q] * patch[2 * q] - pm[2 * q + 1] * patch[2 * q + 1];
      om[2 * q + 1] = pm[2 * q] * patch[2 * q + 1] + pm[2 * q + 1] * patch[2 * q];
    }
  }
}

void object_numerator_of_pattern(const float* probe, const float* chi, int64_t k, int64_t pixels,
                                 float* out) {
  for (int64_t q = 0; q < 2 * pixels; ++q) out[q] = 0.0f;
  for (int64_t m = 0; m < k; ++m) {
    const float* pm = probe + 2 * m * pixels;
    const float* cm = chi + 2 * m * pixels;
    for (int64_t q = 0; q < pixels; ++q) {
      out[2 * q] += pm[2 * q] * cm[2 * q] + pm[2 * q + 1] * cm[2 * q + 1];
      out[2 * q + 1] += pm[2 * q] * cm[2 * q + 1] - pm[2 * q + 1] * cm[2 * q];
    }
  }
}

}  // namespace ptychopinn::iterative
