#pragma once
// The ptychodus product file (HDF5): the layout ptychodus' H5ProductFileIO reads and writes (its
// HDF5 product-file plugin; docs/ptychodus-product.md).
// `ptychopinn infer` writes its result as such a file (product-out.h5), so ptychodus can open it.
//
// Layout (every name below is fixed by ptychodus' reader):
//   root attributes   name, comments (UTF-8 variable-length strings); detector_object_distance_m,
//                     probe_energy_eV, probe_photon_count, exposure_time_s, mass_attenuation_m2_kg,
//                     tomography_angle_deg (float64 scalars); format_id, format_version (strings,
//                     recommended by PtychoPINN's data contract; readers ignore them)
//   probe_position_indexes  int64   [n]
//   probe_position_x_m      float64 [n]
//   probe_position_y_m      float64 [n]
//   probe                   complex64 [C, I, H, W]; attributes pixel_width_m, pixel_height_m
//                           (float64) and, when present, opr_weights (float64 [K, C])
//   object                  complex64 [L, H, W]; attributes center_x_m, center_y_m,
//                           pixel_width_m, pixel_height_m (float64)
//   object_layer_spacing_m  float64 [L - 1] (empty for one layer)
//   loss_epochs             int64   [E]
//   loss_values             float64 [E]
// complex64 is the HDF5 compound {r: float32, i: float32} that h5py reads as numpy.complex64.
// Arrays are row-major, axes [.., y, x] (rows are y). No compression, as ptychodus writes.
//
// Units: lengths in metres, energy in eV, time in seconds, angles in degrees. ptychodus maps a
// world position to object pixels with
//   x_px = (x_m - center_x_m) / pixel_width_m + width / 2,  y_px likewise with rows,
// where x_px = c is the centre of column c.
//
// Thread safety: Debian's HDF5 is built thread-safe; the functions here keep no state of their own.
// Each call turns off HDF5's automatic error printing for its own duration on the calling thread
// (HDF5 keeps that setting per thread in thread-safe builds) and restores it on return.
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::io {

// Root attributes (ptychodus' ProductMetadata). Zero means "not known" for the physical numbers.
struct ProductMetadata {
  std::string name;                     // 'name'; UTF-8, no NUL byte
  std::string comments;                 // 'comments'; UTF-8, no NUL byte
  double detector_distance_m = 0.0;     // 'detector_object_distance_m'; finite, >= 0
  double probe_energy_ev = 0.0;         // 'probe_energy_eV'; finite, >= 0 (0: ptychodus' wavelength is 0)
  double probe_photon_count = 0.0;      // 'probe_photon_count'; finite, >= 0 (PtychoPINN's nphotons)
  double exposure_time_s = 0.0;         // 'exposure_time_s'; finite, >= 0
  double mass_attenuation_m2_kg = 0.0;  // 'mass_attenuation_m2_kg'; finite, >= 0
  double tomography_angle_deg = 0.0;    // 'tomography_angle_deg'; finite
};

// Probe positions. ptychodus pairs position k with diffraction pattern row index[k]
// (numpy.take), so the indexes are rows of the diffraction data: 0..n-1 when every pattern is used.
struct ProductScan {
  std::vector<std::int64_t> index;  // 'probe_position_indexes' [n]; >= 0, strictly ascending
  std::vector<double> x_m;          // 'probe_position_x_m' [n]; finite, metres
  std::vector<double> y_m;          // 'probe_position_y_m' [n]; finite, metres
};

// The probe: C coherent (OPR) modes of I incoherent modes of H x W pixels.
struct ProductProbe {
  std::int64_t coherent_modes = 1;          // C >= 1
  std::int64_t incoherent_modes = 1;        // I >= 1
  std::int64_t height = 0;                  // H >= 1
  std::int64_t width = 0;                   // W >= 1
  std::vector<std::complex<float>> values;  // [C, I, H, W] row-major, finite
  double pixel_width_m = 0.0;               // finite, > 0
  double pixel_height_m = 0.0;              // finite, > 0
  // OPR weights [K, C] row-major, finite; empty for none. Written as the attribute 'opr_weights' of
  // 'probe' (where ptychodus' reader looks); read from that attribute or, as ptychodus' own writer
  // puts it, from a root dataset 'opr_weights'.
  std::vector<double> opr_weights;
};

// The object: L layers of H x W pixels, on ptychodus' ObjectGeometry.
struct ProductObject {
  std::int64_t layers = 1;                  // L >= 1
  std::int64_t height = 0;                  // H >= 1
  std::int64_t width = 0;                   // W >= 1
  std::vector<std::complex<float>> values;  // [L, H, W] row-major, finite
  double pixel_width_m = 0.0;               // finite, > 0
  double pixel_height_m = 0.0;              // finite, > 0
  double center_x_m = 0.0;                  // world x at x_px = W / 2; finite
  double center_y_m = 0.0;                  // world y at y_px = H / 2; finite
  std::vector<double> layer_spacing_m;      // [L - 1], finite
};

// A whole product (ptychodus' Product).
struct Product {
  ProductMetadata metadata;
  ProductScan scan;
  ProductProbe probe;
  ProductObject object;
  std::vector<std::int64_t> loss_epochs;  // [E]
  std::vector<double> loss_values;        // [E], finite

  // Throws std::invalid_argument naming the field ("product.object.values: size = 12; expected
  // L * H * W = 16") for a size that does not match its shape, a dimension < 1, a value that is not
  // finite, a pixel size <= 0, a negative physical quantity, indexes that are negative or not
  // strictly ascending, or a NUL byte in a string.
  void validate() const;
};

// Writes `product` to `path` as a ptychodus product file, atomically: the file appears complete
// under `path`, or not at all, and an existing file is replaced only when the write succeeded.
// Throws std::invalid_argument (Product::validate) before touching the file system, and IoError
// naming `path` when the file cannot be created or written (with HDF5's words).
void write_ptychodus_product(const std::string& path, const Product& product);

// Reads a ptychodus product file: ours, ptychodus' own, or PtychoPINN's exporter's. Like ptychodus'
// reader, it accepts a probe of rank 2 ([H, W]), 3 ([I, H, W]) or 4, an object of rank 2 or 3,
// complex64 or complex128 (or real) arrays, any integer or float type for numbers (converted), the
// loss alias 'costs', and it defaults the optional attributes (probe_photon_count,
// mass_attenuation_m2_kg, tomography_angle_deg) and loss_epochs (0..E-1) when absent; unknown
// attributes and datasets are ignored. Missing losses read as empty.
// Values are returned as stored (not validated): a foreign file may hold NaN or unsorted indexes;
// call Product::validate() to check.
// Throws IoError naming `path` for a missing or unreadable file, a file that is not HDF5, a
// truncated file, missing datasets or attributes (all of them are named), and a dataset or
// attribute of the wrong rank, type or length (named).
Product read_ptychodus_product(const std::string& path);

// ptychodus' world -> object-pixel mapping (see the top of this file): the continuous column and
// row of a world position, column c's centre being at c.
double object_x_px(const ProductObject& object, double x_m);
double object_y_px(const ProductObject& object, double y_m);

// The object pixel size, in metres, of a product when neither the data nor the caller gives one:
// the default of the Python PtychoPINN's product exporter (its ExportMeta). It only makes the
// file loadable with plausible numbers; it is not a measurement.
constexpr double kDefaultProductPixelSizeM = 5e-8;

// A stitched reconstruction in object pixels, the input of product_from_reconstruction.
struct StitchedReconstruction {
  std::int64_t object_height = 0;           // H >= 1
  std::int64_t object_width = 0;            // W >= 1
  std::vector<std::complex<float>> object;  // [H, W] row-major (infer::StitchedImage::object)
  // Object-pixel coordinates of the centre of object[0, 0] (infer::StitchGrid x_origin/y_origin
  // with unit pixel sizes): object[r, c] lies at (x_origin_px + c, y_origin_px + r).
  double x_origin_px = 0.0;
  double y_origin_px = 0.0;
  std::int64_t probe_size = 0;             // N >= 1
  std::vector<std::complex<float>> probe;  // [N, N] row-major
  // Probe positions, in object pixels (data::Dataset x, y: x = column, y = row), and their diffraction
  // pattern rows (>= 0, strictly ascending).
  std::vector<std::int64_t> index;
  std::vector<double> x_px;
  std::vector<double> y_px;
  // The object (and probe) pixel size in metres, square pixels. The caller chooses it: the pixel size
  // recorded with the data (the dataset's _metadata) when there is one, else the user's
  // --pixel_size_m, else kDefaultProductPixelSizeM.
  double pixel_size_m = kDefaultProductPixelSizeM;
};

// Builds a single-layer, single-mode product from a stitched reconstruction, in metres:
//   world x_m = x_px * pixel_size_m (the data's object-pixel frame, scaled; likewise y),
//   object centre = ((x_origin_px + W / 2) * pixel_size_m, (y_origin_px + H / 2) * pixel_size_m),
// so ptychodus' mapping puts every position back on the image column x_px - x_origin_px and row
// y_px - y_origin_px, where the stitcher put it. The probe's pixel size equals the object's (the
// probe is sampled on the object grid). Metadata is taken as given; losses are empty (set them after).
// Throws std::invalid_argument naming the field for sizes that do not match, non-finite values or
// origins, or a pixel size that is not finite and > 0 (then as Product::validate).
Product product_from_reconstruction(StitchedReconstruction reconstruction, ProductMetadata metadata);

}  // namespace ptychopinn::io
