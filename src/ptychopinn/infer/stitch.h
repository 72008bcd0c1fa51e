#pragma once
// Stitching: assembling per-group object patches into one image (docs/evaluation.md). Two geometries
// share one shift-and-sum:
//  * the reference's `reassemble_position` canvas (reference_stitch_grid), which covers every
//    position with an even padding around their mean;
//  * a caller-given object grid (origin, size, pixel size), which ptychodus needs to label the
//    result with its own object geometry.
// Inference streams batches, so the sums live in a StitchAccumulator: its memory is the canvas plus
// a bounded per-chunk scratch, whatever the number of patches.
#include <torch/torch.h>

#include <cstdint>

namespace ptychopinn::infer {

// The reference's central crop M at N = 64 (the Python CLI's --stitch-crop-size 20): only the
// central M x M of each patch is stitched, which discards the probe-edge region of the patch.
constexpr int64_t kDefaultStitchCropSize = 20;

// A regular object grid. Image pixel [row, col] has its centre at
//   (x, y) = (x_origin + col * pixel_width, y_origin + row * pixel_height)
// in the units of the scan positions (object pixels, or metres for ptychodus). With positions in
// object pixels and pixel sizes 1, (x_origin, y_origin) is (x_origin_px, y_origin_px): the
// object-pixel coordinates of image pixel [0, 0], which registers the image to the scan.
// Stitching never resamples: the patches must be sampled at the grid's pixel size.
struct StitchGrid {
  double x_origin = 0.0;      // x of the centre of pixel [0, 0], positions' units
  double y_origin = 0.0;      // y of the centre of pixel [0, 0], positions' units
  double pixel_width = 1.0;   // positions' units per column; > 0
  double pixel_height = 1.0;  // positions' units per row; > 0
  int64_t width = 0;          // columns; >= 1
  int64_t height = 0;         // rows; >= 1

  // Throws std::invalid_argument naming the field when a size is < 1, a pixel size is not finite
  // and positive, or an origin is not finite.
  void validate() const;
};

// The grid of ptychodus' ObjectGeometry (docs/ptychodus-product.md), whose pixel [0, 0] lies at
// centre - (width / 2, height / 2) pixels: x_px = (x - center_x) / pixel_width + width / 2.
// Throws std::invalid_argument as StitchGrid::validate.
StitchGrid stitch_grid_from_center(double center_x, double center_y, double pixel_width, double pixel_height,
                                   int64_t width, int64_t height);

// The canvas of the reference's reassemble_position for these positions:
//   pad = ceil(max |p - mean(p)|) over both axes, plus 1 if odd;  size = M + 2 * pad (square);
//   object point p lands on canvas index p - mean(p) + pad + M / 2 (integer division),
// i.e. x_origin = mean(x) - pad - M / 2 and likewise for y; pixel sizes 1.
//   positions_px: [n, 2] float32/float64, [x, y] in object pixels, n >= 1, finite; any device
//   crop_size:    M >= 1
// Throws std::invalid_argument on a wrong shape or dtype, n = 0, non-finite positions or M < 1.
StitchGrid reference_stitch_grid(const torch::Tensor& positions_px,
                                 int64_t crop_size = kDefaultStitchCropSize);

// A stitched image on its grid.
struct StitchedImage {
  torch::Tensor object;    // [height, width] complex64 (complex128 when complex128 patches were added)
  torch::Tensor coverage;  // [height, width] float64: Σ of the shifted ones, 0 where no patch reached
  StitchGrid
      grid;  // where the image lies (x_origin/y_origin are x_origin_px/y_origin_px for pixel positions)
};

// Shift-and-sum of patches onto a fixed grid, as the reference's reassemble_position:
//   numerator = Σ_k T(crop_M(patch_k), q_k),  coverage = Σ_k T(crop_M(ones), q_k),
//   object    = numerator / (coverage + 1e-9)
// where q_k places the patch centre (pixel (N/2, N/2), i.e. crop pixel (M/2, M/2)) on the position
// p_k, and T is the bilinear, zero-fill, content-moves-by-+t translation of physics/translate.h.
// Pixels that no patch reaches are 0; content falling outside the grid is dropped. Sums are
// float64 whatever the patch dtype.
//
// Memory: two float64 canvases (numerator, coverage) on the accumulator's device, plus a scratch
// of at most kChunk patches of (M + 1)^2 pixels per add() step.
class StitchAccumulator {
 public:
  // Throws std::invalid_argument if the grid is invalid or crop_size < 1.
  StitchAccumulator(const StitchGrid& grid, int64_t crop_size = kDefaultStitchCropSize,
                    torch::Device device = torch::kCPU);

  // Adds a batch of patches.
  //   patches:   [B, N, N] complex64/complex128 (float32/float64 accepted as real objects), N >= M
  //   positions: [B, 2] float32/float64, [x, y] of each patch centre in the grid's units
  // Both may live on any device; they are moved to the accumulator's. B = 0 is a no-op.
  // Throws std::invalid_argument on wrong shapes or dtypes, N < M, B mismatch or non-finite positions.
  void add(const torch::Tensor& patches, const torch::Tensor& positions);

  // numerator / (coverage + 1e-9) as [height, width] complex, on the accumulator's device; may be
  // called at any time (it does not reset the sums).
  StitchedImage result() const;

  int64_t n_patches() const { return n_patches_; }
  const StitchGrid& grid() const { return grid_; }
  int64_t crop_size() const { return crop_size_; }

 private:
  // Patches translated per add() step: bounds the (M + 1)^2 scratch (~7 KB per patch at M = 20).
  static constexpr int64_t kChunk = 1024;

  void add_chunk(const torch::Tensor& crops, const torch::Tensor& positions);

  StitchGrid grid_;
  int64_t crop_size_;
  torch::Tensor numerator_;  // [height * width, 2] float64 (real, imaginary)
  torch::Tensor coverage_;   // [height * width] float64
  bool complex128_ = false;  // whether any added patch was double precision
  int64_t n_patches_ = 0;
};

// The reference's reassemble_position: reference_stitch_grid(positions_px, M) filled with every
// patch at once. Same shapes and errors as StitchAccumulator::add; computed on the patches' device.
StitchedImage reassemble_position(const torch::Tensor& patches, const torch::Tensor& positions_px,
                                  int64_t crop_size = kDefaultStitchCropSize);

// Stitching into a caller-given grid (ptychodus): positions in the grid's units. Same shapes and
// errors as StitchAccumulator::add; computed on the patches' device.
StitchedImage stitch_into_grid(const torch::Tensor& patches, const torch::Tensor& positions,
                               const StitchGrid& grid, int64_t crop_size = kDefaultStitchCropSize);

}  // namespace ptychopinn::infer
