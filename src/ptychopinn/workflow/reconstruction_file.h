#pragma once
// reconstruction.npz, the stitched object a reconstruction run leaves in its folder: written and
// read here and nowhere else, so `infer` (and the iterative engine's runs), `evaluate`, `report`
// and the tests agree on one set of keys (docs/formats.md lists them too):
//
//   object       [H, W] complex64  the stitched object (0 where no patch reached)
//   coverage     [H, W] float64    Σ of the shifted ones: how many patches cover each pixel
//   x_origin_px, y_origin_px       float64 scalars: object-pixel coordinates of pixel [0, 0]
//   centres      [G, 2] float64    group centres [x, y], object px
//   stitch_crop  int64 scalar      the central crop of each group that was stitched
//   patches      [G, N, N] complex64, only when the reconstruction kept them
#include <optional>
#include <string>

#include <torch/torch.h>

#include "ptychopinn/eval/alignment.h"
#include "ptychopinn/eval/region.h"
#include "ptychopinn/infer/reconstruct.h"

namespace ptychopinn::workflow {

// Writes r to path atomically.
void write_reconstruction_file(const std::string& path, const infer::Reconstruction& r);

// What evaluate needs of a reconstruction file: the object, where its pixel [0, 0] lies, and (when
// the file records centres and stitch_crop) the scanned window in object pixels.
struct StitchedObject {
  torch::Tensor object;  // [H, W] complex (a single (1, H, W) or (H, W, 1) object is accepted)
  eval::ImageOrigin origin;
  std::optional<eval::PixelWindow> scanned;
};

// Reads a reconstruction file. Throws IoError naming the file and the key for a missing object or
// origin, an object that is not a complex image, or an origin that is not one number.
StitchedObject read_reconstruction_file(const std::string& path);

// The complex [H, W] image `key` of an NPZ (a dataset's objectGuess, a reconstruction's object),
// with a single (1, H, W) or the reference's (H, W, 1) layout squeezed. Throws IoError naming the
// file and key when it is missing or not a complex image.
torch::Tensor read_complex_image(const std::string& path, const std::string& key);

}  // namespace ptychopinn::workflow
