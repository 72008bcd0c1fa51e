#include "ptychopinn/physics/gaussian_filter.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::physics {
namespace {

// scipy 'reflect' boundary: half-sample symmetric, period 2n; folds any index into [0, n).
int64_t reflect_index(int64_t i, int64_t n) {
  const int64_t period = 2 * n;
  int64_t j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

// scipy.ndimage: truncate = 4.0, radius = int(truncate * sigma + 0.5), weights normalised to sum 1.
std::vector<double> gaussian_kernel(double sigma) {
  const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  std::vector<double> k(static_cast<size_t>(2 * radius + 1));
  double sum = 0.0;
  for (int64_t x = -radius; x <= radius; ++x) {
    const double w = std::exp(-0.5 * static_cast<double>(x * x) / (sigma * sigma));
    k[static_cast<size_t>(x + radius)] = w;
    sum += w;
  }
  for (double& w : k) w /= sum;
  return k;
}

}  // namespace

void gaussian_filter(const double* in, int64_t rows, int64_t cols, double sigma, double* out) {
  const std::vector<double> k = gaussian_kernel(sigma);
  const auto radius = static_cast<int64_t>(k.size() / 2);
  std::vector<double> tmp(static_cast<size_t>(rows * cols));
  // Each output row is independent, so the parallel split cannot change the result.
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        double acc = 0.0;
        for (int64_t t = -radius; t <= radius; ++t) {
          acc += k[static_cast<size_t>(t + radius)] * in[reflect_index(r + t, rows) * cols + c];
        }
        tmp[static_cast<size_t>(r * cols + c)] = acc;
      }
    }
  });
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        double acc = 0.0;
        for (int64_t t = -radius; t <= radius; ++t) {
          acc += k[static_cast<size_t>(t + radius)] *
                 tmp[static_cast<size_t>(r * cols + reflect_index(c + t, cols))];
        }
        out[r * cols + c] = acc;
      }
    }
  });
}

torch::Tensor gaussian_filter(const torch::Tensor& image, double sigma) {
  if (!image.defined() || image.dim() != 2 || !image.is_floating_point()) {
    tensor_checks::fail("gaussian_filter", "image", tensor_checks::describe(image),
                        "a 2-D floating-point [H, W] tensor");
  }
  if (!std::isfinite(sigma) || sigma <= 0.0) {
    std::ostringstream s;
    s << sigma;
    tensor_checks::fail("gaussian_filter", "sigma", s.str(), "finite sigma > 0");
  }
  const torch::Tensor in = image.to(torch::kCPU, torch::kFloat64).contiguous();
  torch::Tensor out = torch::empty_like(in);
  gaussian_filter(in.data_ptr<double>(), in.size(0), in.size(1), sigma, out.data_ptr<double>());
  return out;
}

}  // namespace ptychopinn::physics
