#pragma once
// What `ptychopinn infer` writes for a reconstruction: reconstruction.npz (the stitched complex
// object and where it lies in object pixels) and the amplitude and phase pictures.
#include <string>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/infer/reconstruct.h"

namespace ptychopinn::infer {

// reconstruction.npz, written atomically:
//   object       [H, W] complex64  the stitched object (0 where no patch reached)
//   coverage     [H, W] float64    Σ of the shifted ones: how many patches cover each pixel
//   x_origin_px, y_origin_px       float64 scalars: object-pixel coordinates of pixel [0, 0]
//   centres      [G, 2] float64    group centres [x, y], object px
//   stitch_crop  int64 scalar
//   patches      [G, N, N] complex64, only when the reconstruction kept them
void write_reconstruction_npz(const std::string& path, const Reconstruction& r);

// amplitude.png (viridis) and phase.png (cyclic map, −π ... π), each with a colour bar; pixels no
// patch covers are grey.
void write_reconstruction_pictures(const std::string& amplitude_png, const std::string& phase_png,
                                   const Reconstruction& r);

// product-out.h5, a ptychodus product (io/ptychodus_product.h): the stitched object, the model's
// probe and the dataset's scan positions, in metres with pixel_size_m per object pixel.
void write_product(const std::string& path, const Reconstruction& r, const data::Dataset& dataset,
                   const torch::Tensor& probe, double pixel_size_m, const std::string& name);

// The object pixel size in metres: the dataset's _metadata "pixel_size_m" (or "object_pixel_size_m")
// when present, else null.
std::optional<double> metadata_pixel_size_m(const data::Dataset& dataset);

}  // namespace ptychopinn::infer
