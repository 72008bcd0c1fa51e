#pragma once
// Scan positions for simulation: the reference's regular grid (`mk_simdata`), uniform random scans
// and Gaussian position jitter. Positions are object pixels in docs/conventions.md order:
// x = column, y = row; a patch "at p" has its pixel (N/2, N/2) at p.
#include <cstdint>
#include <vector>

namespace ptychopinn::simulate {

// One entry per scan point. x/y are the actual positions (what the diffraction is simulated at);
// x_nominal/y_nominal the positions a reconstruction is told. They are equal until jitter is added.
struct ScanPositions {
  std::vector<double> x, y;                  // actual, object pixels
  std::vector<double> x_nominal, y_nominal;  // nominal, object pixels
  std::size_t size() const { return x.size(); }
};

// The reference grid (`mk_simdata`) on a size×size object:
// * outer regions of bigN = N + (gridsize − 1)·offset pixels, top-left corners at multiples of
//   stride = outer_offset / 2 (integer division, as the reference's `outer_offset // 2`);
//   n_side = floor((object_size − bigN) / stride) + 1 per axis, rows outermost, then columns;
// * inside each region, gridsize² channels c = a·gridsize + b (a: row, b: column). Channel c holds
//   the object at region_centre − coords_c with coords_c = ((b − (g−1)/2)·offset, (a − (g−1)/2)·offset)
//   (x, y) — the model convention, so within a group the patches are point-reflected with respect to
//   the inner grid. region_centre = corner + N/2 + (g − 1)·offset/2 (patch centre pixel N/2).
// Output order: index = region·gridsize² + c, regions row-major. Neighbouring channels are `offset`
// apart; every patch lies inside the object. Nominal = actual.
// Requires object_size in [1, 65536], N ≥ 1, gridsize ≥ 1, offset ≥ 1, outer_offset ≥ 2 and
// bigN ≤ object_size; throws std::invalid_argument naming the field otherwise.
ScanPositions grid_scan(int64_t object_size, int64_t N, int64_t gridsize, int64_t offset,
                        int64_t outer_offset);
// The same grid on a height × width object (rows × columns): n_rows regions down, n_cols across,
// each counted as n_side above from its own side. Requires both sides as object_size above.
ScanPositions grid_scan(int64_t height, int64_t width, int64_t N, int64_t gridsize, int64_t offset,
                        int64_t outer_offset);

// n_positions points (gridsize 1), x then y each ~ U[N/2 + border_buffer, object_size − N/2 − border_buffer]
// so that every N×N patch, bilinear neighbours included, stays inside the object with border_buffer
// pixels to spare. All x are drawn first, then all y, from data::Random(seed). The reference's
// simulate_and_save buffer of N/2 is border_buffer = 0 here (its N/2 is this function's patch half-width).
// Requires n_positions ≥ 0, N ≥ 1, finite border_buffer ≥ 0 and a non-empty range; throws
// std::invalid_argument naming the field otherwise. Nominal = actual.
ScanPositions random_scan(int64_t n_positions, int64_t object_size, int64_t N, double border_buffer,
                          uint64_t seed);
// The same on a height × width object: x over the width, y over the height.
ScanPositions random_scan(int64_t n_positions, int64_t height, int64_t width, int64_t N, double border_buffer,
                          uint64_t seed);

// Adds independent N(0, sigma_px²) offsets to the actual x and y of every point; nominal positions are
// untouched. Normals by Box-Muller from data::Random(seed).uniform01 (portable, unlike
// std::normal_distribution); point i uses the pair (dx, dy) of the i-th Box-Muller draw.
// Requires finite sigma_px ≥ 0 and x, y, x_nominal, y_nominal of equal length.
void add_position_jitter(ScanPositions& positions, double sigma_px, uint64_t seed);

}  // namespace ptychopinn::simulate
