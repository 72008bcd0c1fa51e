#pragma once
// reconstruction.npz, the object a reconstruction run leaves in its folder: written and read here
// and nowhere else, so `infer`, `iterate`, `evaluate`, `report` and the tests agree on one set of
// keys (docs/formats.md lists them too):
//
//   object       [H, W] complex64  the object (0 where no patch reached)
//   coverage     [H, W] float64    infer: Σ of the shifted ones, how many patches cover each pixel;
//                                  iterate: the illumination Σ_j Σ_k |P_k|² over the windows,
//                                  divided by the probe's peak intensity (about the same count)
//   x_origin_px, y_origin_px       float64 scalars: object-pixel coordinates of pixel [0, 0]
//   centres      [G, 2] float64    infer: group centres; iterate: the (refined) scan positions
//                                  [x, y], object px
//   stitch_crop  int64 scalar      the central crop of each patch that counts as reconstructed
//                                  (iterate: N / 2, the lit centre of the probe's window)
//   patches      [G, N, N] complex64, only when infer kept them
//   probe        [K, N, N] complex64, iterate only: the refined probe modes, strongest first
//   xcoords, ycoords  [M] float64, iterate only: the refined positions in the dataset's convention
#include <torch/torch.h>

#include <optional>
#include <string>

#include "ptychopinn/eval/alignment.h"
#include "ptychopinn/eval/region.h"
#include "ptychopinn/infer/reconstruct.h"

namespace ptychopinn::workflow {

// What a reconstruction run writes (the keys above); optional members are undefined tensors.
struct ReconstructionFile {
  torch::Tensor object;    // [H, W] complex
  torch::Tensor coverage;  // [H, W] real
  double x_origin_px = 0.0, y_origin_px = 0.0;
  torch::Tensor centres;  // [G, 2] float64
  int64_t stitch_crop = 0;
  torch::Tensor patches;  // optional [G, N, N] complex
  torch::Tensor probe;    // optional [K, N, N] complex
  torch::Tensor xcoords;  // optional [M] float64
  torch::Tensor ycoords;  // optional [M] float64
};

// The file of a network's reconstruction.
ReconstructionFile file_of(const infer::Reconstruction& r);

// Writes the file to path atomically.
void write_reconstruction_file(const std::string& path, const ReconstructionFile& f);

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

// A probe to start from: the strongest mode of a reconstruction.npz's `probe` (the refined probe
// of `ptychopinn iterate`), a dataset NPZ's probeGuess, or an .npy holding a complex [N, N] (or
// [K, N, N]: its first mode) array. Throws IoError naming the file and what was expected.
//   returns: [N, N] complex
torch::Tensor read_starting_probe(const std::string& path);

}  // namespace ptychopinn::workflow
