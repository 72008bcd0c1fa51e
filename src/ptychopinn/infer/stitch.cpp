#include "ptychopinn/infer/stitch.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ptychopinn/physics/translate.h"
#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::infer {

namespace checks = ::ptychopinn::tensor_checks;

namespace {

// The reference's floor under the coverage: keeps uncovered pixels at 0 / 1e-9 = 0.
constexpr double kCoverageFloor = 1e-9;

void require_positions(const char* where, const char* field, const torch::Tensor& positions) {
  checks::require_dim(where, field, positions, 2, "[n, 2] ([x, y] per patch)");
  checks::require_real_floating(where, field, positions);
  if (positions.size(1) != 2)
    checks::fail(where, field, checks::describe(positions), "[n, 2] ([x, y] per patch)");
  if (positions.numel() > 0 && !torch::isfinite(positions).all().item<bool>()) {
    checks::fail(where, field, "a tensor with non-finite entries", "finite positions");
  }
}

void require_crop_size(const char* where, int64_t crop_size) {
  if (crop_size < 1) checks::fail(where, "crop_size", std::to_string(crop_size), ">= 1");
}

}  // namespace

void StitchGrid::validate() const {
  constexpr const char* kWhere = "infer::StitchGrid";
  if (width < 1) checks::fail(kWhere, "width", std::to_string(width), ">= 1");
  if (height < 1) checks::fail(kWhere, "height", std::to_string(height), ">= 1");
  if (!std::isfinite(pixel_width) || pixel_width <= 0) {
    checks::fail(kWhere, "pixel_width", c10::str(pixel_width), "a finite value > 0");
  }
  if (!std::isfinite(pixel_height) || pixel_height <= 0) {
    checks::fail(kWhere, "pixel_height", c10::str(pixel_height), "a finite value > 0");
  }
  if (!std::isfinite(x_origin)) checks::fail(kWhere, "x_origin", c10::str(x_origin), "a finite value");
  if (!std::isfinite(y_origin)) checks::fail(kWhere, "y_origin", c10::str(y_origin), "a finite value");
}

StitchGrid stitch_grid_from_center(double center_x, double center_y, double pixel_width, double pixel_height,
                                   int64_t width, int64_t height) {
  StitchGrid grid;
  grid.pixel_width = pixel_width;
  grid.pixel_height = pixel_height;
  grid.width = width;
  grid.height = height;
  // Pixel index = (coordinate - centre) / pixel size + size / 2, so index 0 is at the origin below.
  grid.x_origin = center_x - 0.5 * static_cast<double>(width) * pixel_width;
  grid.y_origin = center_y - 0.5 * static_cast<double>(height) * pixel_height;
  grid.validate();
  return grid;
}

StitchGrid reference_stitch_grid(const torch::Tensor& positions_px, int64_t crop_size) {
  constexpr const char* kWhere = "infer::reference_stitch_grid";
  require_positions(kWhere, "positions_px", positions_px);
  require_crop_size(kWhere, crop_size);
  if (positions_px.size(0) == 0)
    checks::fail(kWhere, "positions_px", checks::describe(positions_px), "n >= 1");
  const auto p = positions_px.to(torch::kCPU, torch::kDouble);
  const auto mean = p.mean(0);
  const double max_offset = (p - mean).abs().max().item<double>();
  // Even padding, as the reference: the canvas stays centred on the mean position.
  auto pad = static_cast<int64_t>(std::ceil(max_offset));
  if (pad % 2 != 0) ++pad;
  StitchGrid grid;
  grid.width = grid.height = crop_size + 2 * pad;
  const double centre_index = static_cast<double>(pad + crop_size / 2);
  grid.x_origin = mean[0].item<double>() - centre_index;
  grid.y_origin = mean[1].item<double>() - centre_index;
  grid.validate();
  return grid;
}

StitchAccumulator::StitchAccumulator(const StitchGrid& grid, int64_t crop_size, torch::Device device)
    : grid_(grid), crop_size_(crop_size) {
  grid_.validate();
  require_crop_size("infer::StitchAccumulator", crop_size);
  const auto options = torch::TensorOptions().dtype(torch::kDouble).device(device);
  numerator_ = torch::zeros({grid_.height * grid_.width, 2}, options);
  coverage_ = torch::zeros({grid_.height * grid_.width}, options);
}

void StitchAccumulator::add(const torch::Tensor& patches, const torch::Tensor& positions) {
  constexpr const char* kWhere = "infer::StitchAccumulator::add";
  checks::require_dim(kWhere, "patches", patches, 3, "[B, N, N]");
  checks::require_floating_or_complex(kWhere, "patches", patches);
  if (patches.size(1) != patches.size(2))
    checks::fail(kWhere, "patches", checks::describe(patches), "[B, N, N]");
  if (patches.size(1) < crop_size_) {
    checks::fail(kWhere, "patches", checks::describe(patches),
                 "N >= the stitch crop size M = " + std::to_string(crop_size_));
  }
  require_positions(kWhere, "positions", positions);
  if (positions.size(0) != patches.size(0)) {
    checks::fail(kWhere, "positions", checks::describe(positions),
                 "one [x, y] per patch, i.e. [" + std::to_string(patches.size(0)) + ", 2]");
  }
  const int64_t b = patches.size(0);
  if (b == 0) return;
  complex128_ = complex128_ || checks::real_dtype(patches) == torch::kDouble;

  // The patch centre (N/2, N/2) becomes crop pixel (M/2, M/2), both with integer division.
  const int64_t start = patches.size(1) / 2 - crop_size_ / 2;
  const auto crops = patches.narrow(1, start, crop_size_).narrow(2, start, crop_size_);
  const auto device = numerator_.device();
  for (int64_t first = 0; first < b; first += kChunk) {
    const int64_t count = std::min(kChunk, b - first);
    add_chunk(crops.narrow(0, first, count).to(device, torch::kComplexDouble),
              positions.narrow(0, first, count).to(device, torch::kDouble));
  }
  n_patches_ += b;
}

void StitchAccumulator::add_chunk(const torch::Tensor& crops, const torch::Tensor& positions) {
  const int64_t b = crops.size(0);
  const int64_t m = crop_size_;
  // Canvas (column, row) where crop pixel [0, 0] lands: the position in pixels minus M/2.
  const auto column =
      (positions.select(1, 0) - grid_.x_origin) / grid_.pixel_width - static_cast<double>(m / 2);
  const auto row =
      (positions.select(1, 1) - grid_.y_origin) / grid_.pixel_height - static_cast<double>(m / 2);
  const auto target = torch::stack({column, row}, 1);  // [b, 2] = [x, y]
  // Split into an integer placement and a fraction in [0, 1): translating by the fraction only
  // needs one extra zero row and column, where a full-canvas translation (the reference) would
  // need a canvas-sized image per patch. Bilinear weights depend only on the fraction, so the
  // sum is the same.
  const auto whole = torch::floor(target);
  const auto fraction = target - whole;
  const auto moved = physics::translate(torch::constant_pad_nd(crops, {0, 1, 0, 1}, 0), fraction);
  const auto ones = torch::ones({b, m, m}, fraction.options());
  const auto weights = physics::translate(torch::constant_pad_nd(ones, {0, 1, 0, 1}, 0), fraction);

  // Clamp before the integer cast so that positions far off the grid cannot overflow; anything
  // clamped is off the grid either way and is masked out below.
  const double limit = static_cast<double>(std::max(grid_.width, grid_.height) + m + 2);
  const auto corner = whole.clamp(-limit, limit).to(torch::kLong);  // [b, 2]
  const auto span = torch::arange(m + 1, corner.options());
  const auto columns = corner.select(1, 0).unsqueeze(1) + span;  // [b, m + 1]
  const auto rows = corner.select(1, 1).unsqueeze(1) + span;     // [b, m + 1]
  const auto column_ok = columns.ge(0).logical_and(columns.lt(grid_.width));
  const auto row_ok = rows.ge(0).logical_and(rows.lt(grid_.height));
  const auto valid = row_ok.unsqueeze(2).logical_and(column_ok.unsqueeze(1));  // [b, m + 1, m + 1]
  const auto flat = (rows.unsqueeze(2) * grid_.width + columns.unsqueeze(1)).masked_select(valid);
  numerator_.index_add_(0, flat, torch::view_as_real(moved).index({valid}));
  coverage_.index_add_(0, flat, weights.masked_select(valid));
}

StitchedImage StitchAccumulator::result() const {
  const auto denominator = coverage_ + kCoverageFloor;
  const auto object =
      torch::complex(numerator_.select(1, 0) / denominator, numerator_.select(1, 1) / denominator);
  StitchedImage out;
  out.object =
      object.view({grid_.height, grid_.width}).to(complex128_ ? torch::kComplexDouble : torch::kComplexFloat);
  out.coverage = coverage_.view({grid_.height, grid_.width}).clone();
  out.grid = grid_;
  return out;
}

StitchedImage reassemble_position(const torch::Tensor& patches, const torch::Tensor& positions_px,
                                  int64_t crop_size) {
  checks::require_defined("infer::reassemble_position", "patches", patches);
  StitchAccumulator accumulator(reference_stitch_grid(positions_px, crop_size), crop_size, patches.device());
  accumulator.add(patches, positions_px);
  return accumulator.result();
}

StitchedImage stitch_into_grid(const torch::Tensor& patches, const torch::Tensor& positions,
                               const StitchGrid& grid, int64_t crop_size) {
  checks::require_defined("infer::stitch_into_grid", "patches", patches);
  StitchAccumulator accumulator(grid, crop_size, patches.device());
  accumulator.add(patches, positions);
  return accumulator.result();
}

}  // namespace ptychopinn::infer
