#pragma once
// The pictures and the ptychodus product a reconstruction run writes beside reconstruction.npz
// (reconstruction_file.h).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/infer/reconstruct.h"

namespace ptychopinn::workflow {

// amplitude.png (viridis) and phase.png (cyclic map, −π ... π), each with a colour bar; pixels with
// coverage below 0.1 are grey.
//   object: [H, W] complex;  coverage: [H, W] real
void write_object_pictures(const std::string& amplitude_png, const std::string& phase_png,
                           const torch::Tensor& object, const torch::Tensor& coverage);

// probe.png: the amplitude and phase of every probe mode, with each mode's share of the power.
//   probe: [K, N, N] (or [N, N]) complex
void write_probe_picture(const std::string& png, const torch::Tensor& probe);

// convergence.png: an error per iteration on a log axis.
void write_convergence_picture(const std::string& png, const std::vector<double>& error,
                               const std::string& label);

// What a product holds besides its metadata.
struct ProductContent {
  torch::Tensor object;  // [H, W] complex
  double x_origin_px = 0.0, y_origin_px = 0.0;
  torch::Tensor probe;             // [N, N] or [K, N, N] complex (K incoherent modes)
  std::vector<double> x_px, y_px;  // scan positions, object px
  std::vector<int64_t> index;      // their pattern rows in the data, strictly ascending
  double pixel_size_m = 0.0;
  std::string name, comments;
  std::vector<double> losses;  // one per epoch or iteration (ptychodus' loss plot); may be empty
};

// Writes a ptychodus product (io/ptychodus_product.h), in metres with pixel_size_m per object pixel.
void write_product(const std::string& path, const ProductContent& content);

// The pattern rows of a dataset's positions, as a product records them: the rows in the file when
// they ascend strictly (ptychodus requires it), else 0..M-1.
std::vector<int64_t> product_indexes(const data::Dataset& dataset);

// The object pixel size a product is written with: the given one, else the dataset's (below), else
// io::kDefaultProductPixelSizeM, which `note` then explains to the user.
double product_pixel_size_m(std::optional<double> given, const data::Dataset& dataset,
                            const std::function<void(const std::string&)>& note);

// The object pixel size in metres: the dataset's _metadata "pixel_size_m" (or "object_pixel_size_m")
// when present, else null.
std::optional<double> metadata_pixel_size_m(const data::Dataset& dataset);

}  // namespace ptychopinn::workflow
