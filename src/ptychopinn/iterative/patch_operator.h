#pragma once
// The object side of the forward model: N x N windows of the object canvas at sub-pixel scan
// positions (bilinear), and their adjoint (spreading patch-shaped updates back onto the canvas).
//
// Geometry (data/patch_extraction.h, which `ptychopinn simulate` uses to make its patterns): patch
// pixel (r, c) samples the canvas at row y - N/2 + r, column x - N/2 + c, where (x, y) is the
// position in canvas pixels (x = column, y = row; canvas pixel [i, j] is centred on (x, y) = (j, i)).
// A fractional position is the bilinear blend of the four neighbouring canvas pixels, so a window
// reads N + 1 rows and columns. Bilinear rather than a Fourier shift of the probe (tike, pty-chi):
// it is what the simulator and the PINN's translation use, so a reconstruction of simulated data has
// no interpolation mismatch, and it costs two passes over the patches instead of two extra FFTs.
//
// On the CPU both directions are raw loops over the canvas memory (at::parallel_for; the adjoint is
// parallel over canvas rows, so overlapping windows never race and the sum order is fixed); on other
// devices they are index_select / index_add_ on the flattened canvas.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace ptychopinn::iterative {

// Where B windows lie on a canvas: the top-left pixel of each (N + 1) x (N + 1) bilinear window and
// the fractional offsets. Built on the host (positions are few numbers); copied to a device when a
// non-CPU canvas needs them.
struct PatchWindows {
  int64_t n = 0;                    // N, the patch size
  std::vector<int64_t> row0, col0;  // floor(y - N/2), floor(x - N/2): canvas pixel of window [0, 0]
  std::vector<float> fy, fx;        // y - N/2 - row0, x - N/2 - col0, in [0, 1)
  int64_t size() const { return static_cast<int64_t>(row0.size()); }
};

// A box of canvas rows [row_begin, row_end) and columns [col_begin, col_end).
struct CanvasBox {
  int64_t row_begin = 0, row_end = 0, col_begin = 0, col_end = 0;
  int64_t height() const { return row_end - row_begin; }
  int64_t width() const { return col_end - col_begin; }
};

// The windows of the patterns `indices` at positions (x[i], y[i]) in canvas pixels.
PatchWindows patch_windows(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<int64_t>& indices, int64_t n);

// The smallest box holding every window (N + 1 rows and columns each); w.size() >= 1.
CanvasBox bounding_box(const PatchWindows& w);

// The same windows on the sub-canvas `box` (row0 - box.row_begin, col0 - box.col_begin).
PatchWindows relative_to(const PatchWindows& w, const CanvasBox& box);

// Patches of the canvas.
//   canvas:  [H, W] complex64 or float32, any device; every window inside (row0 >= 0,
//            row0 + N <= H - 1, likewise columns; the caller guarantees it)
//   returns: [B, N, N], the canvas's dtype and device
torch::Tensor extract_patches(const torch::Tensor& canvas, const PatchWindows& w);

// The adjoint of extract_patches: canvas += E^T patches (each patch pixel spread over its four
// bilinear neighbours with the same weights).
//   canvas:  [H, W] complex64 or float32, contiguous, modified in place
//   patches: [B, N, N], or [1, N, N] for one patch added at every window (the probe's power when
//            summing the illumination), the canvas's dtype and device
void add_patches(torch::Tensor& canvas, const torch::Tensor& patches, const PatchWindows& w);

namespace detail {
// The index_select / index_add_ formulation used on non-CPU devices, callable on any device so that
// the tests can hold the CPU loops to it.
torch::Tensor extract_patches_indexed(const torch::Tensor& canvas, const PatchWindows& w);
void add_patches_indexed(torch::Tensor& canvas, const torch::Tensor& patches, const PatchWindows& w);
}  // namespace detail

}  // namespace ptychopinn::iterative
