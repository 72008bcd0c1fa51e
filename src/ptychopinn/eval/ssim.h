#pragma once
// Structural similarity: scikit-image's SSIM and the reference's MS-SSIM (docs/evaluation.md).
#include <torch/torch.h>

namespace ptychopinn::eval {

// skimage.metrics.structural_similarity(target, prediction, data_range=data_range) with its
// default settings, computed in float64:
//  * local means, variances and covariance from a 7 x 7 uniform window (scipy uniform_filter,
//    mode 'reflect', i.e. half-sample symmetric borders);
//  * sample covariance: variances scaled by 49 / 48;
//  * C1 = (0.01 R)^2, C2 = (0.03 R)^2 with R = data_range;
//  * the mean of the SSIM map after cropping (7 - 1) / 2 = 3 pixels from every border.
//   target, prediction: [H, W] real floating, same shape, H >= 7 and W >= 7; any device
//   data_range:         R >= 0, finite (R = 0 with flat images gives NaN, as skimage)
// Throws std::invalid_argument on wrong ranks, dtypes or shapes, images smaller than the window,
// or a negative or non-finite data_range.
double ssim(const torch::Tensor& target, const torch::Tensor& prediction, double data_range);

// The reference's simplified MS-SSIM (not the standard one; kept as the reference computes it so
// that numbers compare):
//  * if smoothing_sigma > 0, both images are first smoothed by scipy's gaussian_filter (σ, mode
//    'reflect', truncate 4);
//  * R = max(range(target), range(prediction)) of the (smoothed) images, fixed for every level;
//  * at each of up to 5 levels the *full* SSIM s_l (ssim above) enters as s_l^w_l with weights
//    [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]; a negative s_l counts as 1e-4;
//  * between levels both images are decimated [::2, ::2]; the product stops early once the smaller
//    side drops below 7;
//  * a NaN SSIM at any level makes the result 0 (the reference's fallback).
//   target, prediction: [H, W] real floating, same shape, H >= 7 and W >= 7
//   smoothing_sigma:    >= 0, finite (the reference uses 1 for amplitude, 0 for phase)
// Throws std::invalid_argument as ssim, or for a negative or non-finite smoothing_sigma.
double ms_ssim(const torch::Tensor& target, const torch::Tensor& prediction, double smoothing_sigma = 0.0);

}  // namespace ptychopinn::eval
