#pragma once
// Rectangular pixel windows of the evaluation: the scanned region of the ground truth and the
// crops applied before the metrics (docs/evaluation.md).
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace ptychopinn::eval {

// A half-open window of an image: rows [row0, row0 + height), columns [col0, col0 + width).
struct PixelWindow {
  int64_t row0 = 0;
  int64_t col0 = 0;
  int64_t height = 0;
  int64_t width = 0;

  bool empty() const { return height <= 0 || width <= 0; }
  // "rows [r0, r1) x columns [c0, c1)", for messages.
  std::string to_string() const;
};

// The overlap of two windows (empty, with height or width <= 0, when they do not overlap).
PixelWindow intersect(const PixelWindow& a, const PixelWindow& b);

// The region of the object a stitched reconstruction covers, as the reference's
// align_for_evaluation crops the ground truth: the bounding box of the scan positions widened by
// M / 2 (integer division) on every side, rows [floor(min y) - M/2, floor(max y) + M/2) and
// likewise for columns. Not clipped to any image.
//   positions_px: [n, 2] float32/float64, [x, y] in object pixels, n >= 1, finite; any device
//   stitch_crop:  M >= 0, the stitching crop size
// Throws std::invalid_argument on a wrong shape or dtype, n = 0, non-finite positions or M < 0.
PixelWindow scan_window(const torch::Tensor& positions_px, int64_t stitch_crop);

// image[row0 : row0 + height, col0 : col0 + width] (a view).
//   image:  [H, W] any dtype; the window must lie inside it and be non-empty
// Throws std::invalid_argument naming the window and the image otherwise.
torch::Tensor crop(const torch::Tensor& image, const PixelWindow& window);

// The central height x width window of an [H, W] image, starting at ((H - height) / 2,
// (W - width) / 2) (integer division), as the reference's _center_crop.
PixelWindow center_window(int64_t image_height, int64_t image_width, int64_t height, int64_t width);

// The window without border_px pixels on every edge (the reference's trim, offset / 2 = 2 px, and
// its 2 px registration border). Throws std::invalid_argument if border_px < 0 or nothing remains.
PixelWindow shrink(const PixelWindow& window, int64_t border_px);

}  // namespace ptychopinn::eval
