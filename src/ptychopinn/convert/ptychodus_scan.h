#pragma once
// ptychodus' files and the data contract, both ways (specs/ptychodus-contract.md §1.3-1.4, §6).
//
// ptychodus keeps a scan as two files, its batch layout's diffraction.h5 (the assembled patterns,
// io/ptychodus_diffraction.h) and product-in.h5 (positions in metres, probe, object geometry,
// io/ptychodus_product.h). Patterns are detector counts with DC at the centre (ptychodus does no
// fftshift), positions are probe centres in world metres, and the object's geometry maps them to
// object pixels: x_px = (x_m - center_x_m) / pixel_width_m + width / 2 (likewise y with rows).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "ptychopinn/convert/contract_data.h"
#include "ptychopinn/io/ptychodus_diffraction.h"
#include "ptychopinn/io/ptychodus_product.h"

namespace ptychopinn::data {
class Dataset;
}

namespace ptychopinn::convert {

// ptychodus' standard file names (api/io.py).
constexpr const char* kPtychodusDiffractionFile = "diffraction.h5";
constexpr const char* kPtychodusProductInFile = "product-in.h5";

struct PtychodusScan {
  std::string diffraction_path;
  std::string product_path;
  io::AssembledDiffraction diffraction;
  io::Product product;
  std::vector<std::string> notes;
};

// Reads both files and checks them against each other. Throws IoError naming the file for an
// unreadable or malformed file, and std::invalid_argument naming the file and field for values
// ptychodus could not use either: counts that are negative or not finite, repeated pattern labels,
// positions that are not finite, a probe that is not the patterns' size, pixels that are not square.
PtychodusScan read_ptychodus_scan(const std::string& diffraction_path, const std::string& product_path);

struct PtychodusConvertOptions {
  // Central n x n detector pixels to keep (even, <= H); 0 keeps them all. The object pixel grows by
  // H / n; positions and probe follow (detector_crop.h), and the product's object is not kept.
  int64_t crop = 0;
  // The probe is normalised to mean amplitude 1 / probe_scale inside its disk (> 0).
  double probe_scale = 4.0;
};

// The contract dataset of a ptychodus scan:
//  * position k pairs with the pattern labelled index[k] (ptychodus pairs it with row index[k]; the
//    two agree for the labels 0..N-1 ptychodus writes, and a note says so when they do not);
//    positions without a pattern are dropped, with a note;
//  * positions in the product object's pixel frame (ptychodus' mapping above), so the object
//    (written as objectGuess, layer 0) stays registered; shifted as a whole, with a note, when a
//    patch would leave the canvas;
//  * amplitude = sqrt(counts) with bad pixels set to 0 (counted in _metadata);
//  * the probe is coherent mode 0, incoherent mode 0 (a note names the modes dropped);
//  * _metadata.source records the pixel size (object_pixel_size_m) and the product's physics.
ContractData contract_from_ptychodus(const PtychodusScan& scan, const PtychodusConvertOptions& options);

// A contract dataset as ptychodus' two files.
struct PtychodusFiles {
  io::AssembledDiffraction diffraction;
  io::Product product;
  std::vector<std::string> notes;
};

// patterns = amplitude² (counts, float32) with indexes 0..M-1 and no bad pixels; positions k = 0..M-1
// at x_m = x_px * pixel_size_m (likewise y), the object centred so that ptychodus' mapping returns
// x_px; the object is the dataset's objectGuess, or ones over the scanned canvas (an initial guess)
// without one; probe and object share the pixel size. pixel_size_m <= 0 takes the dataset's
// _metadata (source.object_pixel_size_m), else io::kDefaultProductPixelSizeM with a note. Metadata:
// the file's stem as the name, nphotons as probe_photon_count, and the detector distance and
// wavelength (as energy) when the dataset's _metadata records them.
PtychodusFiles ptychodus_from_contract(const data::Dataset& dataset, double pixel_size_m);

}  // namespace ptychopinn::convert
