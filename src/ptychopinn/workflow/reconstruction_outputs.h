#pragma once
// The pictures and the ptychodus product a reconstruction run writes beside reconstruction.npz
// (reconstruction_file.h).
#include <string>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/infer/reconstruct.h"

namespace ptychopinn::workflow {

// amplitude.png (viridis) and phase.png (cyclic map, −π ... π), each with a colour bar; pixels no
// patch covers are grey.
void write_reconstruction_pictures(const std::string& amplitude_png, const std::string& phase_png,
                                   const infer::Reconstruction& r);

// product-out.h5, a ptychodus product (io/ptychodus_product.h): the stitched object, the model's
// probe and the dataset's scan positions, in metres with pixel_size_m per object pixel.
void write_product(const std::string& path, const infer::Reconstruction& r, const data::Dataset& dataset,
                   const torch::Tensor& probe, double pixel_size_m, const std::string& name);

// The object pixel size in metres: the dataset's _metadata "pixel_size_m" (or "object_pixel_size_m")
// when present, else null.
std::optional<double> metadata_pixel_size_m(const data::Dataset& dataset);

}  // namespace ptychopinn::workflow
