#include "ptychopinn/eval/alignment.h"

#include <algorithm>
#include <cmath>

#include "ptychopinn/eval/image_checks.h"

namespace ptychopinn::eval {

namespace {

constexpr const char* kWhere = "eval::align_for_evaluation";

void require_overlap(const PixelWindow& window, const std::string& what) {
  if (window.empty())
    detail::fail(kWhere, "reconstruction", what, "an overlap with the ground truth to compare");
}

// The window of the ground truth under the reconstruction, the matching window of the
// reconstruction, and the sub-pixel remainder of the placement.
struct Placement {
  PixelWindow ground_truth;
  PixelWindow reconstruction;
  ImageShift remainder;
};

Placement place_at_origin(const ImageOrigin& origin, const PixelWindow& region, int64_t height,
                          int64_t width) {
  const auto column = static_cast<int64_t>(std::llround(origin.x_px));
  const auto row = static_cast<int64_t>(std::llround(origin.y_px));
  const PixelWindow footprint{row, column, height, width};
  Placement p;
  p.ground_truth = intersect(footprint, region);
  require_overlap(p.ground_truth, "placed at " + footprint.to_string() +
                                      " of the ground truth, which leaves " + region.to_string());
  p.reconstruction = {p.ground_truth.row0 - row, p.ground_truth.col0 - column, p.ground_truth.height,
                      p.ground_truth.width};
  // Reconstruction pixel c lies at ground-truth x = column + c + (x_px - column): its content has
  // to move by that remainder to sit on the integer grid.
  p.remainder = {origin.y_px - static_cast<double>(row), origin.x_px - static_cast<double>(column)};
  return p;
}

Placement place_centred(const PixelWindow& region, int64_t height, int64_t width) {
  const int64_t common_height = std::min(height, region.height);
  const int64_t common_width = std::min(width, region.width);
  const PixelWindow inner = center_window(region.height, region.width, common_height, common_width);
  Placement p;
  p.ground_truth = {region.row0 + inner.row0, region.col0 + inner.col0, common_height, common_width};
  p.reconstruction = center_window(height, width, common_height, common_width);
  return p;
}

}  // namespace

void AlignmentOptions::validate() const {
  constexpr const char* kOptions = "eval::AlignmentOptions";
  if (border_crop_px < 0) detail::fail(kOptions, "border_crop_px", std::to_string(border_crop_px), ">= 0");
  if (origin && (!std::isfinite(origin->x_px) || !std::isfinite(origin->y_px))) {
    detail::fail(kOptions, "origin", "(" + c10::str(origin->x_px) + ", " + c10::str(origin->y_px) + ")",
                 "finite (x_px, y_px)");
  }
  if (!(max_shift_px > 0))
    detail::fail(kOptions, "max_shift_px", c10::str(max_shift_px), "> 0 (or infinity)");
  if (scanned && scanned->empty())
    detail::fail(kOptions, "scanned", scanned->to_string(), "a non-empty window");
}

AlignedImages align_for_evaluation(const torch::Tensor& reconstruction, const torch::Tensor& ground_truth,
                                   const AlignmentOptions& options) {
  options.validate();
  detail::require_complex_image(kWhere, "reconstruction", reconstruction);
  detail::require_complex_image(kWhere, "ground_truth", ground_truth);
  const auto recon = detail::as_cpu_double(reconstruction);
  const auto truth = detail::as_cpu_double(ground_truth);

  PixelWindow region{0, 0, truth.size(0), truth.size(1)};
  if (options.scanned) region = intersect(region, *options.scanned);
  if (region.empty()) {  // only a scanned window can empty it: the ground truth is not empty
    require_overlap(region, "compared inside the scanned window " + options.scanned->to_string() +
                                ", which misses the ground truth");
  }
  const Placement placement = options.origin
                                  ? place_at_origin(*options.origin, region, recon.size(0), recon.size(1))
                                  : place_centred(region, recon.size(0), recon.size(1));

  AlignedImages out;
  out.window = placement.ground_truth;
  out.shift = placement.remainder;
  auto moved = crop(recon, placement.reconstruction);
  auto fixed = crop(truth, placement.ground_truth);
  if (options.register_images) {
    // The measured shift already contains the sub-pixel remainder of the placement.
    const ImageShift measured = estimate_shift(fixed.abs(), moved.abs());
    if (std::max(std::abs(measured.dy_px), std::abs(measured.dx_px)) <= options.max_shift_px) {
      out.shift = measured;
      out.registered = true;
    }
  }
  const double largest = std::max(std::abs(out.shift.dy_px), std::abs(out.shift.dx_px));
  if (largest > 0) moved = fourier_shift(moved, out.shift);
  if (largest > 0 || options.register_images) {
    // Every pixel that entered with the shift is mirror content, not data.
    const int64_t border = std::max(options.border_crop_px, static_cast<int64_t>(std::ceil(largest)));
    const PixelWindow inner = shrink(PixelWindow{0, 0, out.window.height, out.window.width}, border);
    moved = crop(moved, inner);
    fixed = crop(fixed, inner);
    out.window = shrink(out.window, border);
  }
  out.reconstruction = moved.contiguous();
  out.ground_truth = fixed.contiguous();
  return out;
}

}  // namespace ptychopinn::eval
