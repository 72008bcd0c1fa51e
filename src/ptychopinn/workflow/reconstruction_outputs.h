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

// How phase.png shows the phase. A measured object is a weak phase object sitting on an arbitrary
// offset (and, when the probe or the positions are off, a linear ramp): on a full −π ... π cyclic
// map its structure is a few shades of one hue.
//   kRobust: the offset of the well-lit region removed, grey map over its 1–99 % range (default);
//   kRamp:   as kRobust, with the best-fitting plane over the well-lit region also removed;
//   kCyclic: the raw phase on the cyclic map over −π ... π.
enum class PhaseDisplay { kRobust, kRamp, kCyclic };
std::string to_string(PhaseDisplay display);
// Throws std::invalid_argument naming the value and the accepted spellings.
PhaseDisplay parse_phase_display(const std::string& spelling);

// The well-lit pixels: coverage above 0.1 and at least 30 % of the highest coverage. Edges, where
// few patches reach, carry unconstrained values that would set the display range otherwise.
//   coverage: [H, W] real -> [H, W] bool (CPU)
torch::Tensor well_lit(const torch::Tensor& coverage);

// The phase as phase.png shows it (radians, CPU, double).
//   object: [H, W] complex;  coverage: [H, W] real -> [H, W] real
torch::Tensor phase_for_display(const torch::Tensor& object, const torch::Tensor& coverage,
                                PhaseDisplay display);

// amplitude.png (viridis over the well-lit region's 1–99 % range) and phase.png (as `display`
// says), each with a colour bar; pixels with coverage below 0.1 are grey.
//   object: [H, W] complex;  coverage: [H, W] real
void write_object_pictures(const std::string& amplitude_png, const std::string& phase_png,
                           const torch::Tensor& object, const torch::Tensor& coverage,
                           PhaseDisplay display = PhaseDisplay::kRobust);

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
