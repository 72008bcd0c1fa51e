#include "ptychopinn/physics/canvas.h"

#include <vector>

#include "ptychopinn/physics/translate.h"
#include "ptychopinn/tensor/checks.h"
#include "ptychopinn/util/spelling.h"

namespace ptychopinn::physics {

namespace checks = ::ptychopinn::tensor_checks;

namespace {

// The reference's mk_norm constant: keeps the division finite outside every central window.
constexpr double kMergeDenominatorFloor = 0.001;

void require_square(const char* where, const char* field, const torch::Tensor& t) {
  checks::require_defined(where, field, t);
  if (t.dim() < 2 || t.size(-1) != t.size(-2)) checks::fail(where, field, checks::describe(t), "[..., N, N]");
}

void require_offsets(const char* where, const torch::Tensor& offsets, int64_t b, int64_t c,
                     const torch::Tensor& data) {
  checks::require_defined(where, "offsets", offsets);
  if (offsets.dim() != 3 || offsets.size(0) != b || offsets.size(1) != c || offsets.size(2) != 2) {
    checks::fail(where, "offsets", checks::describe(offsets),
                 "[B, C, 2] = [" + std::to_string(b) + ", " + std::to_string(c) + ", 2] ([x, y] per patch)");
  }
  checks::require_real_floating(where, "offsets", offsets);
  checks::require_same_device(where, "offsets", offsets, data);
}

}  // namespace

int canvas_size(int n, int gridsize, int offset, int max_position_jitter) {
  constexpr const char* kWhere = "physics::canvas_size";
  if (n < 1) checks::fail(kWhere, "N", std::to_string(n), ">= 1");
  if (gridsize < 1) checks::fail(kWhere, "gridsize", std::to_string(gridsize), ">= 1");
  if (offset < 0) checks::fail(kWhere, "offset", std::to_string(offset), ">= 0");
  if (max_position_jitter < 0)
    checks::fail(kWhere, "max_position_jitter", std::to_string(max_position_jitter), ">= 0");
  return n + (gridsize - 1) * offset + max_position_jitter;
}

torch::Tensor pad_to(const torch::Tensor& images, int64_t m) {
  constexpr const char* kWhere = "physics::pad_to";
  require_square(kWhere, "images", images);
  const int64_t n = images.size(-1);
  if (m < n) checks::fail(kWhere, "M", std::to_string(m), ">= N = " + std::to_string(n));
  const int64_t before = (m - n) / 2;
  const int64_t after = m - n - before;
  if (before == 0 && after == 0) return images;
  // constant_pad_nd pads the last axes; it is differentiable and handles complex dtypes.
  return torch::constant_pad_nd(images, {before, after, before, after}, 0);
}

torch::Tensor crop_center(const torch::Tensor& images, int64_t n) {
  constexpr const char* kWhere = "physics::crop_center";
  require_square(kWhere, "images", images);
  const int64_t m = images.size(-1);
  if (n < 1 || n > m) checks::fail(kWhere, "N", std::to_string(n), "1 <= N <= M = " + std::to_string(m));
  const int64_t start = (m - n) / 2;
  return images.narrow(-2, start, n).narrow(-1, start, n);
}

torch::Tensor center_mask(int64_t n, const torch::TensorOptions& options) {
  if (n < 2) checks::fail("physics::center_mask", "N", std::to_string(n), ">= 2");
  auto mask = torch::zeros({n, n}, options);
  const int64_t border = n / 4;
  mask.narrow(0, border, n / 2).narrow(1, border, n / 2).fill_(1);
  return mask;
}

torch::Tensor merge(const torch::Tensor& patches, const torch::Tensor& offsets, int64_t m,
                    MergeDenominator mode, const torch::Tensor& probe) {
  constexpr const char* kWhere = "physics::merge";
  checks::require_dim(kWhere, "patches", patches, 4, "[B, C, N, N]");
  require_square(kWhere, "patches", patches);
  checks::require_floating_or_complex(kWhere, "patches", patches);
  const int64_t b = patches.size(0), c = patches.size(1), n = patches.size(2);
  require_offsets(kWhere, offsets, b, c, patches);
  if (m < n) checks::fail(kWhere, "M", std::to_string(m), ">= N = " + std::to_string(n));
  if (n < 2) checks::fail(kWhere, "patches", checks::describe(patches), "N >= 2");

  // Flat layout b * C + c (the channel index minor, as in the reference's flat layout), so each
  // patch is translated by its own offset and the sum over c stays within sample b.
  const auto shifts = -offsets.reshape({b * c, 2});
  const auto real_options = patches.options().dtype(checks::real_dtype(patches));
  torch::Tensor weight;  // Mcen, or the probe's normalised intensity
  if (mode == MergeDenominator::kProbeWeighted) {
    checks::require_defined(kWhere, "probe", probe);
    if (probe.dim() != 2 || probe.size(0) != n || probe.size(1) != n) {
      checks::fail(kWhere, "probe", checks::describe(probe),
                   "[N, N] = [" + std::to_string(n) + ", " + std::to_string(n) + "] for probe_weighted");
    }
    const auto intensity = probe.detach().to(patches.device()).abs().square().to(real_options.dtype());
    // No host sync on the peak: an all-dark probe gives a zero weight, hence a zero canvas.
    weight = intensity / intensity.max().clamp_min(1e-30);
  } else {
    weight = center_mask(n, real_options);
  }
  auto numerator_patches = patches.reshape({b * c, n, n});
  if (mode != MergeDenominator::kReference) numerator_patches = numerator_patches * weight;
  const auto numerator = translate(pad_to(numerator_patches, m), shifts).view({b, c, m, m}).sum(1);
  const auto masks = pad_to(weight, m).unsqueeze(0).expand({b * c, m, m});
  const auto denominator = translate(masks, shifts).view({b, c, m, m}).sum(1) + kMergeDenominatorFloor;
  return numerator / denominator;
}

torch::Tensor extract(const torch::Tensor& canvas, const torch::Tensor& offsets, int64_t n) {
  constexpr const char* kWhere = "physics::extract";
  checks::require_dim(kWhere, "canvas", canvas, 3, "[B, M, M]");
  require_square(kWhere, "canvas", canvas);
  checks::require_floating_or_complex(kWhere, "canvas", canvas);
  const int64_t b = canvas.size(0), m = canvas.size(1);
  checks::require_defined(kWhere, "offsets", offsets);
  if (offsets.dim() != 3) checks::fail(kWhere, "offsets", checks::describe(offsets), "[B, C, 2]");
  const int64_t c = offsets.size(1);
  require_offsets(kWhere, offsets, b, c, canvas);
  if (n < 1 || n > m) checks::fail(kWhere, "N", std::to_string(n), "1 <= N <= M = " + std::to_string(m));

  const auto repeated = canvas.unsqueeze(1).expand({b, c, m, m}).reshape({b * c, m, m});
  const auto shifted = translate(repeated, offsets.reshape({b * c, 2}));
  return crop_center(shifted, n).reshape({b, c, n, n});
}

}  // namespace ptychopinn::physics
