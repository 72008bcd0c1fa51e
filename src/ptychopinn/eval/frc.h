#pragma once
// Fourier ring correlation: the curve of the reference's FRC submodule and its interpolated
// threshold crossings.
#include <torch/torch.h>

#include <vector>

namespace ptychopinn::eval {

// The reference's 0.5 and 1/7 thresholds.
constexpr double kFrcHalfThreshold = 0.5;
constexpr double kFrcOneSeventhThreshold = 1.0 / 7.0;

// The FRC curve of two images, one value per ring of spatial frequency:
//  * both images are centre-cropped to a square of the smaller side n (start (size - n) / 2);
//  * F = fftshift(fft2(image)), no window and no mean removal;
//  * ring k holds the pixels with round(sqrt(r² + c²)) = k, (r, c) counted from the centre pixel
//    (n / 2, n / 2) (integer division), so rings reach the corners: n_rings = max ring + 1 ≈ n/√2 + 1;
//  * FRC[k] = |Σ_k F1 F2*| / sqrt(|Σ_k |F1|² Σ_k |F2|²|), which is NaN for a ring where either
//    image has no power (0 / 0), as the reference;
//  * if smoothing_sigma > 0, the curve is smoothed by scipy's gaussian_filter (mode 'reflect').
// The unit of the ring index is spatial-frequency pixels (cycles per n pixels).
//   target, prediction: [H, W] real floating, same shape, H, W >= 1; any device
//   smoothing_sigma:    >= 0, finite (the reference's frc_sigma, default 0)
//   returns:            n_rings values
// Throws std::invalid_argument on wrong ranks, dtypes or shapes, or a bad smoothing_sigma.
std::vector<double> frc_curve(const torch::Tensor& target, const torch::Tensor& prediction,
                              double smoothing_sigma = 0.0);

// Where the curve first falls below threshold, linearly interpolated between rings: with i the
// first ring with curve[i] < threshold, i - 1 + (curve[i-1] - threshold) / (curve[i-1] - curve[i]).
// 0 if ring 0 is already below; curve.size() if the curve never falls below (NaN rings never count
// as below, as NumPy's comparison). Throws std::invalid_argument for an empty curve.
double frc_crossing(const std::vector<double>& curve, double threshold);

}  // namespace ptychopinn::eval
