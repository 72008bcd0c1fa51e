#pragma once
// Bringing a stitched reconstruction and the ground-truth object onto one pixel grid before the
// metrics, as the reference's model comparison does: placement on the ground truth, crop to the
// scanned region, sub-pixel registration, border crop.
#include <torch/torch.h>

#include <cstdint>
#include <optional>

#include "ptychopinn/eval/region.h"
#include "ptychopinn/eval/registration.h"

namespace ptychopinn::eval {

// Object-pixel coordinates, on the ground truth's grid, of reconstruction pixel [0, 0]: the
// x_origin_px / y_origin_px of a stitched image (infer::StitchedImage::grid).
struct ImageOrigin {
  double x_px = 0.0;
  double y_px = 0.0;
};

struct AlignmentOptions {
  // Where the reconstruction lies on the ground truth. Unset: the reconstruction is taken as
  // centred on the (scan-cropped) ground truth and both are centre-cropped to their common shape,
  // which is what the reference's align_for_evaluation assumes.
  std::optional<ImageOrigin> origin;
  // The scanned region of the ground truth (scan_window of the positions and the stitch crop).
  // Unset: the whole overlap is compared, including any canvas corner no patch reached.
  std::optional<PixelWindow> scanned;
  // Register the amplitudes by estimate_shift (the reference's compare_models registers);
  // otherwise only the known sub-pixel part of `origin` is applied.
  bool register_images = true;
  // A measured shift larger than this on either axis counts as a failed registration (a
  // reconstruction without structure yet, early in training, correlates anywhere): the placement
  // remainder is applied instead and `registered` is false. Placement by the scan positions leaves
  // only small residual shifts; raise it when no origin is given. > 0 (infinity: no limit).
  double max_shift_px = 8.0;
  // Pixels removed from every edge of both images after a shift, whose entering edge holds mirror
  // content rather than data (the reference's 2), or ceil(|shift|) if that is larger; >= 0.
  int64_t border_crop_px = 2;

  // Throws std::invalid_argument naming the field for border_crop_px < 0, max_shift_px <= 0 or NaN,
  // a non-finite origin or an empty scanned window.
  void validate() const;
};

struct AlignedImages {
  torch::Tensor reconstruction;  // [h, w] complex128 (CPU), shifted onto the ground truth
  torch::Tensor ground_truth;    // [h, w] complex128 (CPU)
  ImageShift shift;              // the sub-pixel shift applied to the reconstruction
  bool registered = false;       // whether `shift` was measured by estimate_shift (and accepted)
  PixelWindow window;            // where both lie on the ground truth's grid
};

// Aligns a reconstruction to the ground truth:
//  1. with an origin: the ground-truth window under the reconstruction (origin rounded to whole
//     pixels), intersected with the ground truth and the scanned window; the sub-pixel remainder
//     of the origin becomes the starting shift. Without: the ground truth is cropped to the
//     scanned window, then both are centre-cropped to their common shape;
//  2. with register_images, the shift is measured instead by estimate_shift(|gt|, |recon|), which
//     already contains that remainder (unless it exceeds max_shift_px);
//  3. a non-zero shift is applied by fourier_shift, after which (or whenever registering)
//     max(border_crop_px, ceil(max |shift|)) is removed from every edge of both.
//   reconstruction, ground_truth: [H, W] and [H', W'] complex64/complex128; any device
// Throws std::invalid_argument on wrong ranks or dtypes, invalid options, or when nothing is left
// to compare (no overlap, or the crops remove everything).
AlignedImages align_for_evaluation(const torch::Tensor& reconstruction, const torch::Tensor& ground_truth,
                                   const AlignmentOptions& options = {});

}  // namespace ptychopinn::eval
