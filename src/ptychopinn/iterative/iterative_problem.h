#pragma once
// What an iterative reconstruction starts from: the measured patterns, their scan positions, the
// starting probe and object, the bad-pixel mask and the object grid; checked once (validate_problem)
// with errors that name the field.
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/infer/stitch.h"

namespace ptychopinn::data {
class Dataset;
}

namespace ptychopinn::iterative {

// Extra object pixels around the scan's windows in a grid made for the positions (covering_grid):
// room for position correction to move the outermost windows.
constexpr int64_t kGridMarginPx = 4;

struct IterativeProblem {
  // Where the inputs came from (a file path, "ptychodus", ...): the first word of every error.
  std::string source = "iterative";
  // [M, N, N] float32 (float64 accepted), measured amplitudes √counts, DC at (N/2, N/2): the data
  // contract's `diffraction`. Any device; moved to the options' device.
  torch::Tensor amplitudes;
  // [M, 2] float64 (float32 accepted), [x, y] = (column, row) of each pattern's patch centre in
  // object pixels: the contract's xcoords, ycoords.
  torch::Tensor positions_px;
  // The starting probe, [N, N] or [K, N, N] complex64 (a real probe is taken as complex). Its scale
  // need not match the counts: the engine rescales it (see solver.h).
  torch::Tensor probe;
  // Optional [N, N] bool (or uint8; nonzero = bad), DC at (N/2, N/2): detector pixels left free by
  // the modulus constraint and excluded from the Fourier error.
  torch::Tensor bad_pixels;
  // The object grid (pixel sizes 1: object pixels). When absent, covering_grid(positions, N).
  // A dataset with an objectGuess [H, W] gives {x_origin = 0, y_origin = 0, width = W, height = H},
  // the grid its positions were simulated on.
  std::optional<infer::StitchGrid> grid;
  // Optional starting object on the grid, [height, width] complex64 (objectGuess, a previous
  // reconstruction, a network's stitched prediction). Absent: a flat object of ones.
  torch::Tensor object;
};

// The smallest grid of unit pixels whose windows hold every patch (x − N/2 .. x + N/2 − 1, and the
// bilinear neighbour) plus margin_px on each side:
//   x_origin = floor(min x) − N/2 − margin,  width = ceil(max x) − floor(min x) + N + 2 margin
// (likewise y). positions_px as IterativeProblem::positions_px.
infer::StitchGrid covering_grid(const torch::Tensor& positions_px, int64_t n,
                                int64_t margin_px = kGridMarginPx);

// The problem of a contract dataset: its patterns, positions, probe and bad pixels (when it has
// them), and, when it has an objectGuess, that object's grid and (when use_object_guess) the object
// itself as the start. source = the dataset's path.
IterativeProblem problem_from_dataset(const data::Dataset& dataset, bool use_object_guess = false);

// The problem of some of a dataset's patterns (indices into it, in the order given): those patterns
// and positions, the dataset's probe and bad pixels, and covering_grid of those positions.
IterativeProblem problem_from_points(const data::Dataset& dataset, const std::vector<int64_t>& points);

// Throws std::invalid_argument "<source>: <field> = <value>; expected <constraint>" for: amplitudes
// not [M, N, N] real with M >= 1, N >= 4 even, or holding NaN, Inf or negative values; positions_px
// not [M, 2] real, not finite, or placing a patch off the grid; a probe not [N, N] or [K, N, N] of
// the patterns' N, or not finite, or all zero; bad_pixels not [N, N] or masking every pixel; a grid
// whose pixel sizes are not 1; an object not [height, width] of the grid, or not finite.
void validate_problem(const IterativeProblem& problem);

}  // namespace ptychopinn::iterative
