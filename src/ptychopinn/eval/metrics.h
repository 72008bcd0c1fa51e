#pragma once
// Pixel-wise comparison metrics of two real images (docs/evaluation.md).
// Every function takes a target (ground truth) and a prediction of the same shape, any float dtype
// and device, and computes in float64. They throw std::invalid_argument when either is undefined,
// not real floating point, empty, or when the shapes differ.
#include <torch/torch.h>

namespace ptychopinn::eval {

// mean |target - prediction|.
double mae(const torch::Tensor& target, const torch::Tensor& prediction);

// mean (target - prediction)^2.
double mse(const torch::Tensor& target, const torch::Tensor& prediction);

// Range-aware PSNR in dB: 20 log10(R / (sqrt(MSE) + ε)) with R = max(target) - min(target) and
// ε = DBL_EPSILON, the same ε OpenCV adds, so identical images give a large finite value rather
// than infinity. R = 0 (a flat target) gives -infinity.
double psnr(const torch::Tensor& target, const torch::Tensor& prediction);

// The reference's PSNR (a legacy convention): cv2.PSNR with its default peak R = 255 whatever
// the data range, 20 log10(255 / (sqrt(MSE) + DBL_EPSILON)). Kept only so numbers compare with
// published ones; values are inflated for data in [0, 1] or [-π, π].
double psnr_legacy(const torch::Tensor& target, const torch::Tensor& prediction);

// Pearson correlation coefficient of the flattened images; NaN when either is constant.
double pearson(const torch::Tensor& target, const torch::Tensor& prediction);

}  // namespace ptychopinn::eval
