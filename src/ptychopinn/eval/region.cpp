#include "ptychopinn/eval/region.h"

#include <algorithm>
#include <cmath>

#include "ptychopinn/eval/image_checks.h"

namespace ptychopinn::eval {

std::string PixelWindow::to_string() const {
  return "rows [" + std::to_string(row0) + ", " + std::to_string(row0 + height) + ") x columns [" +
         std::to_string(col0) + ", " + std::to_string(col0 + width) + ")";
}

PixelWindow intersect(const PixelWindow& a, const PixelWindow& b) {
  PixelWindow out;
  out.row0 = std::max(a.row0, b.row0);
  out.col0 = std::max(a.col0, b.col0);
  out.height = std::min(a.row0 + a.height, b.row0 + b.height) - out.row0;
  out.width = std::min(a.col0 + a.width, b.col0 + b.width) - out.col0;
  return out;
}

PixelWindow scan_window(const torch::Tensor& positions_px, int64_t stitch_crop) {
  constexpr const char* kWhere = "eval::scan_window";
  tensor_checks::require_dim(kWhere, "positions_px", positions_px, 2, "[n, 2] ([x, y] per position)");
  tensor_checks::require_real_floating(kWhere, "positions_px", positions_px);
  if (positions_px.size(1) != 2 || positions_px.size(0) == 0) {
    detail::fail(kWhere, "positions_px", detail::describe(positions_px), "[n, 2] with n >= 1");
  }
  if (!torch::isfinite(positions_px).all().item<bool>()) {
    detail::fail(kWhere, "positions_px", "a tensor with non-finite entries", "finite positions");
  }
  if (stitch_crop < 0) detail::fail(kWhere, "stitch_crop", std::to_string(stitch_crop), ">= 0");
  const auto p = positions_px.to(torch::kCPU, torch::kDouble);
  const auto low = std::get<0>(p.min(0));
  const auto high = std::get<0>(p.max(0));
  const int64_t half = stitch_crop / 2;
  auto first = [&](int axis) { return static_cast<int64_t>(std::floor(low[axis].item<double>())) - half; };
  auto end = [&](int axis) { return static_cast<int64_t>(std::floor(high[axis].item<double>())) + half; };
  PixelWindow window;
  window.col0 = first(0);
  window.row0 = first(1);
  window.width = end(0) - window.col0;
  window.height = end(1) - window.row0;
  return window;
}

torch::Tensor crop(const torch::Tensor& image, const PixelWindow& window) {
  constexpr const char* kWhere = "eval::crop";
  tensor_checks::require_dim(kWhere, "image", image, 2, "[H, W]");
  const PixelWindow whole{0, 0, image.size(0), image.size(1)};
  const PixelWindow inside = intersect(whole, window);
  if (window.empty() || inside.height != window.height || inside.width != window.width) {
    detail::fail(kWhere, "window", window.to_string(),
                 "a non-empty window inside the image " + detail::describe(image));
  }
  return image.narrow(0, window.row0, window.height).narrow(1, window.col0, window.width);
}

PixelWindow center_window(int64_t image_height, int64_t image_width, int64_t height, int64_t width) {
  return PixelWindow{(image_height - height) / 2, (image_width - width) / 2, height, width};
}

PixelWindow shrink(const PixelWindow& window, int64_t border_px) {
  if (border_px < 0) detail::fail("eval::shrink", "border_px", std::to_string(border_px), ">= 0");
  const PixelWindow out{window.row0 + border_px, window.col0 + border_px, window.height - 2 * border_px,
                        window.width - 2 * border_px};
  if (out.empty()) {
    detail::fail("eval::shrink", "border_px", std::to_string(border_px),
                 "less than half the size of " + window.to_string());
  }
  return out;
}

}  // namespace ptychopinn::eval
