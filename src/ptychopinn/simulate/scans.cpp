#include "ptychopinn/simulate/scans.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "ptychopinn/data/random.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::simulate {
namespace {

void require(bool ok, const std::string& where, const std::string& field, const std::string& value,
             const std::string& expected) {
  if (!ok) throw std::invalid_argument(where + ": " + field + " = " + value + "; expected " + expected);
}

}  // namespace

ScanPositions grid_scan(int64_t object_size, int64_t N, int64_t gridsize, int64_t offset,
                        int64_t outer_offset) {
  return grid_scan(object_size, object_size, N, gridsize, offset, outer_offset);
}

ScanPositions grid_scan(int64_t height, int64_t width, int64_t N, int64_t gridsize, int64_t offset,
                        int64_t outer_offset) {
  const std::string where = "grid_scan";
  for (const auto& [name, side] : {std::pair{"height", height}, std::pair{"width", width}}) {
    require(side >= 1 && side <= 65536, where, name, std::to_string(side),
            std::string("1 <= ") + name + " <= 65536");
  }
  require(N >= 1, where, "N", std::to_string(N), "N >= 1");
  require(gridsize >= 1, where, "gridsize", std::to_string(gridsize), "gridsize >= 1");
  require(offset >= 1, where, "offset", std::to_string(offset), "offset >= 1");
  require(outer_offset >= 2, where, "outer_offset", std::to_string(outer_offset),
          "outer_offset >= 2 (the region stride is outer_offset / 2)");
  const int64_t big_n = N + (gridsize - 1) * offset;
  require(
      big_n <= std::min(height, width), where, "N + (gridsize - 1) * offset", std::to_string(big_n),
      "<= the object's height and width (" + std::to_string(height) + " x " + std::to_string(width) + ")");
  const int64_t stride = outer_offset / 2;
  const int64_t n_rows = (height - big_n) / stride + 1;
  const int64_t n_cols = (width - big_n) / stride + 1;
  const double half_span = 0.5 * static_cast<double>((gridsize - 1) * offset);
  const double g_mid = 0.5 * static_cast<double>(gridsize - 1);

  ScanPositions p;
  const auto n_total = static_cast<size_t>(n_rows * n_cols * gridsize * gridsize);
  p.x.reserve(n_total);
  p.y.reserve(n_total);
  for (int64_t i = 0; i < n_rows; ++i) {
    for (int64_t j = 0; j < n_cols; ++j) {
      const double centre_y = static_cast<double>(i * stride) + static_cast<double>(N / 2) + half_span;
      const double centre_x = static_cast<double>(j * stride) + static_cast<double>(N / 2) + half_span;
      for (int64_t a = 0; a < gridsize; ++a) {
        for (int64_t b = 0; b < gridsize; ++b) {
          // centre − coords_c: the channel holds the point-reflected inner patch (scans.h).
          p.x.push_back(centre_x - (static_cast<double>(b) - g_mid) * static_cast<double>(offset));
          p.y.push_back(centre_y - (static_cast<double>(a) - g_mid) * static_cast<double>(offset));
        }
      }
    }
  }
  p.x_nominal = p.x;
  p.y_nominal = p.y;
  return p;
}

ScanPositions random_scan(int64_t n_positions, int64_t object_size, int64_t N, double border_buffer,
                          uint64_t seed) {
  return random_scan(n_positions, object_size, object_size, N, border_buffer, seed);
}

ScanPositions random_scan(int64_t n_positions, int64_t height, int64_t width, int64_t N, double border_buffer,
                          uint64_t seed) {
  const std::string where = "random_scan";
  require(n_positions >= 0, where, "n_positions", std::to_string(n_positions), "n_positions >= 0");
  require(height >= 1, where, "height", std::to_string(height), "height >= 1");
  require(width >= 1, where, "width", std::to_string(width), "width >= 1");
  require(N >= 1, where, "N", std::to_string(N), "N >= 1");
  require(std::isfinite(border_buffer) && border_buffer >= 0.0, where, "border_buffer",
          format_number(border_buffer), "finite border_buffer >= 0");
  // A patch at p covers pixels p − N/2 .. p + N/2 − 1 (plus the next pixel when p is fractional).
  const double lo = static_cast<double>(N / 2) + border_buffer;
  auto upper = [&](int64_t side) {
    return static_cast<double>(side) - static_cast<double>(N - N / 2) - border_buffer;
  };
  const double hi_x = upper(width), hi_y = upper(height);
  require(lo <= std::min(hi_x, hi_y), where, "border_buffer", format_number(border_buffer),
          "N/2 + border_buffer <= side - N/2 - border_buffer for both sides (object " +
              std::to_string(height) + " x " + std::to_string(width) + ", N = " + std::to_string(N) + ")");
  data::Random rng(seed);
  ScanPositions p;
  p.x.resize(static_cast<size_t>(n_positions));
  p.y.resize(static_cast<size_t>(n_positions));
  for (double& v : p.x) v = lo + (hi_x - lo) * rng.uniform01();
  for (double& v : p.y) v = lo + (hi_y - lo) * rng.uniform01();
  p.x_nominal = p.x;
  p.y_nominal = p.y;
  return p;
}

void add_position_jitter(ScanPositions& positions, double sigma_px, uint64_t seed) {
  const std::string where = "add_position_jitter";
  require(std::isfinite(sigma_px) && sigma_px >= 0.0, where, "sigma_px", format_number(sigma_px),
          "finite sigma_px >= 0");
  const size_t n = positions.x.size();
  require(positions.y.size() == n && positions.x_nominal.size() == n && positions.y_nominal.size() == n,
          where, "positions.y.size()", std::to_string(positions.y.size()),
          "x, y, x_nominal and y_nominal all of length " + std::to_string(n));
  data::Random rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - rng.uniform01()));  // 1 − u ∈ (0, 1]
    const double angle = 2.0 * M_PI * rng.uniform01();
    positions.x[i] += sigma_px * radius * std::cos(angle);
    positions.y[i] += sigma_px * radius * std::sin(angle);
  }
}

}  // namespace ptychopinn::simulate
