#pragma once
// scipy.ndimage.gaussian_filter on 2-D images, shared by the simulator (object generation) and the
// evaluation (FRC and MS-SSIM smoothing): separable, rows (axis 0) first then columns, kernel radius
// int(4σ + 0.5) with weights normalised to 1, mode 'reflect' (half-sample symmetric:
// d c b a | a b c d | d c b a). Plain ordered float64 arithmetic, so a result is bit-reproducible
// for a given build whatever the thread count.
#include <torch/torch.h>

#include <cstdint>

namespace ptychopinn::physics {

// in, out: row-major [rows, cols] float64 arrays (distinct); rows, cols >= 1; sigma > 0 finite
// (not checked here: the tensor overload checks).
void gaussian_filter(const double* in, int64_t rows, int64_t cols, double sigma, double* out);

//   image:   [H, W] float32/float64, any device (computed on the CPU)
//   returns: [H, W] float64 on the CPU
// Throws std::invalid_argument for another rank or dtype, or sigma not finite and > 0.
torch::Tensor gaussian_filter(const torch::Tensor& image, double sigma);

}  // namespace ptychopinn::physics
