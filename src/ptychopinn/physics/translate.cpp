#include "ptychopinn/physics/translate.h"

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::physics {

namespace checks = ::ptychopinn::tensor_checks;

namespace {

// Linear interpolation along `dim` (1 = rows, 2 = columns) of values [B, H, W] at the positions
// s = i - t[b] for output index i, with zero for every tap outside [0, size - 1].
// Bilinear interpolation with per-corner zero fill is separable: the weight of corner (xj, yi) is
// wx_j * wy_i and its validity is valid_x(xj) * valid_y(yi), so interpolating the columns and then
// the rows gives exactly the four-corner formula of translate.h.
torch::Tensor interpolate_axis(const torch::Tensor& values, const torch::Tensor& t, int64_t dim) {
  const int64_t b = values.size(0);
  const int64_t size = values.size(dim);
  const auto real_options = t.options();
  const auto index = torch::arange(size, real_options).unsqueeze(0);  // [1, size]
  const auto s = index - t.unsqueeze(1);                              // [B, size]
  const auto s0 = torch::floor(s);
  const auto w1 = s - s0;  // floor has zero gradient, so d w1 / d t = -1
  const auto w0 = 1 - w1;
  const auto i0 = s0.to(torch::kLong);
  const auto i1 = i0 + 1;
  const auto valid0 = (i0 >= 0).logical_and(i0 <= size - 1).to(real_options.dtype());
  const auto valid1 = (i1 >= 0).logical_and(i1 <= size - 1).to(real_options.dtype());
  const auto c0 = i0.clamp(0, size - 1);
  const auto c1 = i1.clamp(0, size - 1);
  // Shape the per-image index/weight vectors to broadcast along the other axis.
  const auto other = values.size(dim == 1 ? 2 : 1);
  auto shape_of = [&](const torch::Tensor& v) {
    return dim == 1 ? v.view({b, size, 1}) : v.view({b, 1, size});
  };
  auto expand = [&](const torch::Tensor& v) {
    return dim == 1 ? shape_of(v).expand({b, size, other}) : shape_of(v).expand({b, other, size});
  };
  const auto v0 = torch::gather(values, dim, expand(c0));
  const auto v1 = torch::gather(values, dim, expand(c1));
  return v0 * shape_of(w0 * valid0) + v1 * shape_of(w1 * valid1);
}

}  // namespace

torch::Tensor translate(const torch::Tensor& images, const torch::Tensor& offsets) {
  constexpr const char* kWhere = "physics::translate";
  checks::require_dim(kWhere, "images", images, 3, "[B, H, W]");
  checks::require_floating_or_complex(kWhere, "images", images);
  checks::require_dim(kWhere, "offsets", offsets, 2, "[B, 2] ([x, y] per image)");
  checks::require_real_floating(kWhere, "offsets", offsets);
  if (offsets.size(1) != 2)
    checks::fail(kWhere, "offsets", checks::describe(offsets), "[B, 2] ([x, y] per image)");
  if (offsets.size(0) != images.size(0)) {
    checks::fail(kWhere, "offsets", checks::describe(offsets),
                 "one [x, y] per image, i.e. [" + std::to_string(images.size(0)) + ", 2] for images " +
                     checks::describe(images) + " (offsets are never broadcast)");
  }
  checks::require_same_device(kWhere, "offsets", offsets, images);
  if (images.size(0) == 0 || images.size(1) == 0 || images.size(2) == 0) return images.clone();

  const auto t = offsets.to(checks::real_dtype(images));
  const auto columns_done = interpolate_axis(images, t.select(1, 0), 2);
  return interpolate_axis(columns_done, t.select(1, 1), 1);
}

}  // namespace ptychopinn::physics
