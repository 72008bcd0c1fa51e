#pragma once
// Cropping a far-field scan's detector to its central n x n pixels gives the same scan at a coarser
// object pixel: the object-plane pixel is λz / (N Δ_det), so it grows by N / n while the field of
// view of one pattern (N pixels times the pixel size) stays the same. These keep the patterns and
// the probe consistent under such a crop.
#include <torch/torch.h>

namespace ptychopinn::convert {

// patterns: [M, N, N] with DC at the centre (row N/2, column N/2) -> their central [M, n, n]
// (DC at n/2, n/2), a view. Throws std::invalid_argument unless n is even and 2 <= n <= N.
torch::Tensor crop_patterns(const torch::Tensor& patterns, int64_t n);

// probe: [N, N] complex on the object grid of the full detector -> [n, n] complex on the grid of the
// cropped one: its spectrum (fftshift(fft2)) cropped to the central n x n and transformed back,
// scaled so that a constant probe keeps its value. This is the probe the cropped
// patterns see: band-limited exactly as they are. n = N returns the probe. Throws
// std::invalid_argument as crop_patterns.
torch::Tensor resample_probe(const torch::Tensor& probe, int64_t n);

}  // namespace ptychopinn::convert
