#include "ptychopinn/iterative/iterative_problem.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::iterative {
namespace {

// NumPy's names, which the files and the Python callers use.
std::string dtype_name(torch::ScalarType t) {
  switch (t) {
    case torch::kComplexFloat:
      return "complex64";
    case torch::kComplexDouble:
      return "complex128";
    case torch::kFloat:
      return "float32";
    case torch::kDouble:
      return "float64";
    case torch::kBool:
      return "bool";
    case torch::kByte:
      return "uint8";
    default:
      return c10::toString(t);
  }
}

std::string describe(const torch::Tensor& t) {
  if (!t.defined()) return "(none)";
  std::ostringstream s;
  s << t.sizes() << ' ' << dtype_name(t.scalar_type());
  return s.str();
}

[[noreturn]] void fail(const IterativeProblem& p, const std::string& field, const std::string& value,
                       const std::string& expected) {
  throw std::invalid_argument(p.source + ": " + field + " = " + value + "; expected " + expected);
}

bool all_finite(const torch::Tensor& t) {
  return torch::isfinite(t.is_complex() ? torch::view_as_real(t) : t).all().item<bool>();
}

}  // namespace

infer::StitchGrid covering_grid(const torch::Tensor& positions_px, int64_t n, int64_t margin_px) {
  const torch::Tensor p = positions_px.to(torch::kCPU, torch::kDouble);
  const double x_min = std::floor(p.select(1, 0).min().item<double>());
  const double x_max = std::ceil(p.select(1, 0).max().item<double>());
  const double y_min = std::floor(p.select(1, 1).min().item<double>());
  const double y_max = std::ceil(p.select(1, 1).max().item<double>());
  infer::StitchGrid g;
  g.x_origin = x_min - static_cast<double>(n / 2 + margin_px);
  g.y_origin = y_min - static_cast<double>(n / 2 + margin_px);
  g.width = static_cast<int64_t>(x_max - x_min) + n + 2 * margin_px;
  g.height = static_cast<int64_t>(y_max - y_min) + n + 2 * margin_px;
  return g;
}

namespace {

// The patterns and positions of dataset indices index(0) .. index(m - 1), with the dataset's probe,
// bad pixels and path.
template <class Index>
IterativeProblem measurements_of(const data::Dataset& dataset, int64_t m, Index index) {
  IterativeProblem p;
  p.source = dataset.path();
  const int64_t n = dataset.pattern_size();
  p.amplitudes = torch::empty({m, n, n}, torch::kFloat);
  float* dst = p.amplitudes.data_ptr<float>();
  p.positions_px = torch::empty({m, 2}, torch::kDouble);
  auto xy = p.positions_px.accessor<double, 2>();
  for (int64_t j = 0; j < m; ++j) {
    const int64_t i = index(j);
    dataset.copy_pattern(i, dst + j * n * n);
    xy[j][0] = dataset.x()[static_cast<size_t>(i)];
    xy[j][1] = dataset.y()[static_cast<size_t>(i)];
  }
  p.probe = dataset.probe();
  if (dataset.bad_pixels()) p.bad_pixels = *dataset.bad_pixels();
  return p;
}

}  // namespace

IterativeProblem problem_from_dataset(const data::Dataset& dataset, bool use_object_guess) {
  IterativeProblem p = measurements_of(dataset, dataset.size(), [](int64_t j) { return j; });
  if (dataset.object()) {
    const torch::Tensor& o = *dataset.object();
    infer::StitchGrid g;
    g.width = o.size(1);
    g.height = o.size(0);
    p.grid = g;
    if (use_object_guess) p.object = o;
  }
  return p;
}

IterativeProblem problem_from_points(const data::Dataset& dataset, const std::vector<int64_t>& points) {
  IterativeProblem p = measurements_of(dataset, static_cast<int64_t>(points.size()),
                                       [&points](int64_t j) { return points[static_cast<size_t>(j)]; });
  p.grid = covering_grid(p.positions_px, dataset.pattern_size());
  return p;
}

void validate_problem(const IterativeProblem& p) {
  const torch::Tensor& a = p.amplitudes;
  if (!a.defined() || a.dim() != 3 || a.size(0) < 1 || a.size(1) != a.size(2) || !a.is_floating_point()) {
    fail(p, "amplitudes", describe(a), "[M, N, N] float32 with M >= 1 (√counts, DC at the centre)");
  }
  const int64_t m = a.size(0), n = a.size(1);
  if (n < 4 || n % 2 != 0) fail(p, "amplitudes", describe(a), "an even pattern size N >= 4");
  {
    const torch::Tensor bad = torch::isfinite(a).logical_not().logical_or(a < 0);
    if (bad.any().item<bool>()) {
      const auto first = bad.nonzero()[0];
      const int64_t j = first[0].item<int64_t>();
      const double v = a[j][first[1].item<int64_t>()][first[2].item<int64_t>()].item<double>();
      fail(p, "amplitudes[" + std::to_string(j) + "]",
           "a value " + format_number(v) + " at row " + std::to_string(first[1].item<int64_t>()) +
               ", column " + std::to_string(first[2].item<int64_t>()),
           "finite amplitudes >= 0 (√counts)");
    }
  }
  const torch::Tensor& pos = p.positions_px;
  if (!pos.defined() || pos.dim() != 2 || pos.size(0) != m || pos.size(1) != 2 || !pos.is_floating_point()) {
    fail(p, "positions_px", describe(pos), "[" + std::to_string(m) + ", 2] float64 [x, y], one per pattern");
  }
  const torch::Tensor pc = pos.to(torch::kCPU, torch::kDouble);
  if (!all_finite(pc)) fail(p, "positions_px", "a NaN or Inf value", "finite positions in object pixels");

  const torch::Tensor& probe = p.probe;
  const bool probe_shape = probe.defined() && (probe.dim() == 2 || probe.dim() == 3) && probe.size(-1) == n &&
                           probe.size(-2) == n && (probe.dim() == 2 || probe.size(0) >= 1);
  if (!probe_shape || !(probe.is_complex() || probe.is_floating_point())) {
    fail(p, "probe", describe(probe),
         "[N, N] or [K, N, N] complex64 with N = " + std::to_string(n) + " (the patterns' size)");
  }
  if (!all_finite(probe)) fail(p, "probe", "a NaN or Inf value", "a finite probe");
  if (!(probe.abs().max().item<double>() > 0))
    fail(p, "probe", "zero everywhere", "a probe that illuminates");

  if (p.bad_pixels.defined()) {
    const torch::Tensor& b = p.bad_pixels;
    if (b.dim() != 2 || b.size(0) != n || b.size(1) != n || b.is_complex() || b.is_floating_point()) {
      fail(p, "bad_pixels", describe(b),
           "[" + std::to_string(n) + ", " + std::to_string(n) + "] bool (true = bad)");
    }
    if (b.ne(0).all().item<bool>()) fail(p, "bad_pixels", "every pixel bad", "at least one measured pixel");
  }

  const infer::StitchGrid grid = p.grid ? *p.grid : covering_grid(pc, n);
  try {
    grid.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(p.source + ": grid: " + e.what());
  }
  if (grid.pixel_width != 1.0 || grid.pixel_height != 1.0) {
    fail(p, "grid pixel size", format_number(grid.pixel_width) + " x " + format_number(grid.pixel_height),
         "1 x 1 (positions and the grid in object pixels)");
  }
  // Every window inside the grid: x − N/2 − x_origin in [0, width − N] (likewise y).
  const torch::Tensor left = pc.select(1, 0) - (grid.x_origin + static_cast<double>(n / 2));
  const torch::Tensor top = pc.select(1, 1) - (grid.y_origin + static_cast<double>(n / 2));
  constexpr double kTolerance = 1e-6;
  const torch::Tensor off = (left < -kTolerance)
                                .logical_or(left > static_cast<double>(grid.width - n) + kTolerance)
                                .logical_or(top < -kTolerance)
                                .logical_or(top > static_cast<double>(grid.height - n) + kTolerance);
  if (off.any().item<bool>()) {
    const int64_t j = off.nonzero()[0][0].item<int64_t>();
    const double lo_x = grid.x_origin + n / 2,
                 hi_x = grid.x_origin + static_cast<double>(grid.width - n + n / 2);
    const double lo_y = grid.y_origin + n / 2,
                 hi_y = grid.y_origin + static_cast<double>(grid.height - n + n / 2);
    fail(p, "positions_px[" + std::to_string(j) + "]",
         "(" + format_number(pc[j][0].item<double>()) + ", " + format_number(pc[j][1].item<double>()) + ")",
         "a patch inside the object grid: x in [" + format_number(lo_x) + ", " + format_number(hi_x) +
             "], y in [" + format_number(lo_y) + ", " + format_number(hi_y) + "] (" +
             std::to_string(grid.width) + " x " + std::to_string(grid.height) +
             " pixels, N = " + std::to_string(n) + ")");
  }
  if (p.object.defined()) {
    const torch::Tensor& o = p.object;
    if (o.dim() != 2 || o.size(0) != grid.height || o.size(1) != grid.width ||
        !(o.is_complex() || o.is_floating_point())) {
      fail(p, "object", describe(o),
           "[" + std::to_string(grid.height) + ", " + std::to_string(grid.width) +
               "] complex64 (the object grid)");
    }
    if (!all_finite(o)) fail(p, "object", "a NaN or Inf value", "a finite starting object");
  }
}

}  // namespace ptychopinn::iterative
