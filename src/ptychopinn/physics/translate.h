#pragma once
// The translation operator T(img, t) of the forward model, the only one in the project: content
// moves by +t, bilinear interpolation, zero fill per corner (docs/conventions.md).
#include <torch/torch.h>

namespace ptychopinn::physics {

// Translates each image by its own offset so that content moves by +t:
//   out[b, y, x] = bilinear sample of images[b] at (sx, sy) = (x - tx[b], y - ty[b]),
// where each of the four corners (x0, y0), (x0 + 1, y0), ... contributes its weight times the
// pixel value if it lies inside the image and zero otherwise (the reference's XLA path,
// projective_warp_xla with fill_mode='zeros'). An integer offset is an exact shift; a half-pixel
// offset splits a delta 0.5 / 0.5.
//
//   images:  [B, H, W] float32/float64 or complex64/complex128 (real and imaginary parts are
//            translated alike, since the weights are real)
//   offsets: [B, 2] floating, [x, y] = (column, row) in pixels; cast to the images' real dtype and
//            must be on the images' device
//   returns: [B, H, W], dtype and device of images
//
// Differentiable w.r.t. images and offsets (the gradient w.r.t. the offsets is that of the
// bilinear weights; it is discontinuous at integer offsets, as for any bilinear warp).
// Throws std::invalid_argument on wrong ranks, dtypes or devices, and when the number of offsets
// differs from the number of images: the reference silently reused offsets modulo their count,
// which mis-assigns positions without a word; here that is an error, never a broadcast.
torch::Tensor translate(const torch::Tensor& images, const torch::Tensor& offsets);

}  // namespace ptychopinn::physics
