#pragma once
// ptychodus' files and the data contract, both ways.
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

// ptychodus' standard file names in its batch folders.
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

// What ptychodus hands a reconstructor (its ReconstructInput): patterns and positions already
// paired, pattern k with position k, and the product's probe, object and metadata. Both the file
// converter (after pairing by label) and the Python reconstructor library go through the functions
// below, so that the metre -> pixel mapping, the counts -> amplitudes rule and the bad pixels are
// handled in one place.
struct PtychodusInput {
  torch::Tensor counts;      // [M, H, W] float32 detector counts, DC at the centre
  torch::Tensor bad_pixels;  // [H, W] bool, true = bad; undefined: none
  std::vector<double> x_m;   // [M] probe centres, world metres
  std::vector<double> y_m;   // [M]
  // The object's geometry (ptychodus' ObjectGeometry: width, height, pixel size, centre); its values
  // are layer 0 of the object when given ([L, H, W] row-major; only layer 0 is used), or empty.
  io::ProductObject object;
  torch::Tensor probe;  // [H, W] complex (coherent mode 0, incoherent mode 0); undefined: none
  io::ProductMetadata metadata;
  std::string where;  // names the input in errors ("diffraction.h5 + product-in.h5")
};

// The scan in object pixels, what every PtychoPINN front end takes.
struct PtychodusPixels {
  // [M, n, n] float32 counts with the bad pixels set to 0, cropped to the central n x n, and their
  // amplitudes sqrt(counts).
  torch::Tensor counts;
  torch::Tensor amplitudes;
  // [M] each: ptychodus' mapping of the positions onto the object grid, times n / H for a crop.
  std::vector<double> x_px, y_px;
  double object_pixel_size_m = 0.0;  // the object pixel, times H / n for a crop
  int64_t bad_pixels = 0;            // detector pixels marked bad
  torch::Tensor bad_pixel_mask;      // [n, n] bool (cropped), true = bad; undefined without a mask
};

// Throws std::invalid_argument "<where>: <field> ...; expected ..." for patterns that are not
// [M, H, H] with M >= 1, a bad-pixel mask that is not [H, H], a position count that is not M, a
// count that is negative or not finite outside the bad pixels (naming pattern, row and column), a
// position that is not finite, an object grid without pixels or with pixels that are not square and
// positive, and a crop that is not even and in [2, H] (0 keeps every pixel).
PtychodusPixels ptychodus_pixels(const PtychodusInput& input, int64_t crop = 0);

// ptychodus' mapping the other way, object pixels -> world metres (for writing positions back).
double ptychodus_x_m(const io::ProductObject& object, double x_px);
double ptychodus_y_m(const io::ProductObject& object, double y_px);

// The contract dataset of a paired ptychodus input (see contract_from_ptychodus for what it holds).
// `source` adds descriptive keys (file names) to _metadata.source. Throws as ptychodus_pixels, and
// std::invalid_argument when the probe is missing or not on the patterns' grid.
ContractData contract_from_ptychodus_input(const PtychodusInput& input,
                                           const PtychodusConvertOptions& options, nlohmann::json source,
                                           std::vector<std::string> notes);

// The contract dataset of a ptychodus scan:
//  * position k pairs with the pattern labelled index[k] (ptychodus pairs it with row index[k]; the
//    two agree for the labels 0..N-1 ptychodus writes, and a note says so when they do not);
//    positions without a pattern are dropped, with a note;
//  * positions in the product object's pixel frame (ptychodus' mapping above), so the object
//    (written as objectGuess, layer 0) stays registered; shifted as a whole, with a note, when a
//    patch would leave the canvas;
//  * amplitude = sqrt(counts) with bad pixels set to 0 (counted in _metadata), the mask written
//    (cropped) as bad_pixels;
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
