#include "ptychopinn/io/ptychodus_product.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/hdf5_file.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

using hdf5::complex_type;
using hdf5::Handle;
using hdf5::shape_string;
using hdf5::utf8_string_type;
using hdf5::Where;
using ProductReader = hdf5::Reader;
using QuietHdf5Errors = hdf5::QuietErrors;
using hdf5::error_detail;

// ---------------------------------------------------------------------------------------------
// Names of the file layout (ptychodus' HDF5 product-file plugin), in one place.

constexpr const char* kName = "name";
constexpr const char* kComments = "comments";
constexpr const char* kDetectorDistance = "detector_object_distance_m";
constexpr const char* kProbeEnergy = "probe_energy_eV";
constexpr const char* kProbePhotonCount = "probe_photon_count";
constexpr const char* kExposureTime = "exposure_time_s";
constexpr const char* kMassAttenuation = "mass_attenuation_m2_kg";
constexpr const char* kTomographyAngle = "tomography_angle_deg";
constexpr const char* kFormatId = "format_id";
constexpr const char* kFormatVersion = "format_version";
constexpr const char* kFormatIdValue = "ptychodus.product.hdf5";
constexpr const char* kFormatVersionValue = "1.0";

constexpr const char* kPositionIndexes = "probe_position_indexes";
constexpr const char* kPositionX = "probe_position_x_m";
constexpr const char* kPositionY = "probe_position_y_m";
constexpr const char* kProbe = "probe";
constexpr const char* kOprWeights = "opr_weights";
constexpr const char* kPixelWidth = "pixel_width_m";
constexpr const char* kPixelHeight = "pixel_height_m";
constexpr const char* kObject = "object";
constexpr const char* kCenterX = "center_x_m";
constexpr const char* kCenterY = "center_y_m";
constexpr const char* kLayerSpacing = "object_layer_spacing_m";
constexpr const char* kLossEpochs = "loss_epochs";
constexpr const char* kLossValues = "loss_values";
constexpr const char* kLossValuesAlias = "costs";

// ---------------------------------------------------------------------------------------------
// Writing.

class ProductWriter {
 public:
  // Creates (truncates) the HDF5 file `temp_path`; messages name `where`.
  ProductWriter(const std::string& temp_path, const Where& where)
      : where_(where),
        file_(where.check(H5Fcreate(temp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                          "cannot create the HDF5 file")) {}

  hid_t root() const { return file_.get(); }

  void string_attribute(hid_t owner, const char* name, const std::string& value) {
    const std::string what = std::string("cannot write attribute '") + name + "'";
    Handle type = utf8_string_type(where_);
    Handle space = where_.check(H5Screate(H5S_SCALAR), H5Sclose, what);
    Handle attribute = where_.check(
        H5Acreate2(owner, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
    const char* text = value.c_str();
    where_.check(H5Awrite(attribute.get(), type.get(), &text), what);
  }

  // A float64 attribute: scalar when dims is empty.
  void double_attribute(hid_t owner, const char* name, const double* values,
                        const std::vector<hsize_t>& dims) {
    const std::string what = std::string("cannot write attribute '") + name + "'";
    Handle space = dims.empty()
                       ? where_.check(H5Screate(H5S_SCALAR), H5Sclose, what)
                       : where_.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                                      H5Sclose, what);
    Handle attribute = where_.check(
        H5Acreate2(owner, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
    where_.check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, values), what);
  }
  void double_attribute(hid_t owner, const char* name, double value) {
    double_attribute(owner, name, &value, {});
  }

  // A contiguous, uncompressed dataset of `file_type` filled from `data` (of `memory_type`).
  Handle dataset(const char* name, hid_t file_type, hid_t memory_type, const std::vector<hsize_t>& dims,
                 const void* data) {
    const std::string what = std::string("cannot write dataset '") + name + "'";
    Handle space =
        where_.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
    Handle set = where_.check(
        H5Dcreate2(file_.get(), name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, what);
    hsize_t n = 1;
    for (hsize_t d : dims) n *= d;
    // An empty dataset needs no write (and HDF5 rejects a null buffer).
    if (n > 0) where_.check(H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
    return set;
  }
  void int64_dataset(const char* name, const std::vector<std::int64_t>& values) {
    dataset(name, H5T_STD_I64LE, H5T_NATIVE_INT64, {values.size()}, values.data());
  }
  void double_dataset(const char* name, const std::vector<double>& values) {
    dataset(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {values.size()}, values.data());
  }
  Handle complex64_dataset(const char* name, const std::vector<std::complex<float>>& values,
                           const std::vector<hsize_t>& dims) {
    Handle file_type = complex_type(where_, H5T_IEEE_F32LE);
    Handle memory_type = complex_type(where_, H5T_NATIVE_FLOAT);
    return dataset(name, file_type.get(), memory_type.get(), dims, values.data());
  }

  void close() {
    if (!file_.reset()) where_.fail("cannot close the HDF5 file: " + error_detail());
  }

 private:
  const Where& where_;
  Handle file_;
};

void write_product(ProductWriter& w, const Product& p) {
  const hid_t root = w.root();
  const ProductMetadata& m = p.metadata;
  w.string_attribute(root, kName, m.name);
  w.string_attribute(root, kComments, m.comments);
  w.double_attribute(root, kDetectorDistance, m.detector_distance_m);
  w.double_attribute(root, kProbeEnergy, m.probe_energy_ev);
  w.double_attribute(root, kProbePhotonCount, m.probe_photon_count);
  w.double_attribute(root, kExposureTime, m.exposure_time_s);
  w.double_attribute(root, kMassAttenuation, m.mass_attenuation_m2_kg);
  w.double_attribute(root, kTomographyAngle, m.tomography_angle_deg);
  w.string_attribute(root, kFormatId, kFormatIdValue);
  w.string_attribute(root, kFormatVersion, kFormatVersionValue);

  w.int64_dataset(kPositionIndexes, p.scan.index);
  w.double_dataset(kPositionX, p.scan.x_m);
  w.double_dataset(kPositionY, p.scan.y_m);

  const ProductProbe& probe = p.probe;
  const auto probe_dims = std::vector<hsize_t>{
      static_cast<hsize_t>(probe.coherent_modes), static_cast<hsize_t>(probe.incoherent_modes),
      static_cast<hsize_t>(probe.height), static_cast<hsize_t>(probe.width)};
  Handle probe_set = w.complex64_dataset(kProbe, probe.values, probe_dims);
  w.double_attribute(probe_set.get(), kPixelWidth, probe.pixel_width_m);
  w.double_attribute(probe_set.get(), kPixelHeight, probe.pixel_height_m);
  if (!probe.opr_weights.empty()) {
    const auto c = static_cast<hsize_t>(probe.coherent_modes);
    w.double_attribute(probe_set.get(), kOprWeights, probe.opr_weights.data(),
                       {probe.opr_weights.size() / c, c});
  }

  const ProductObject& object = p.object;
  const auto object_dims =
      std::vector<hsize_t>{static_cast<hsize_t>(object.layers), static_cast<hsize_t>(object.height),
                           static_cast<hsize_t>(object.width)};
  Handle object_set = w.complex64_dataset(kObject, object.values, object_dims);
  w.double_attribute(object_set.get(), kCenterX, object.center_x_m);
  w.double_attribute(object_set.get(), kCenterY, object.center_y_m);
  w.double_attribute(object_set.get(), kPixelWidth, object.pixel_width_m);
  w.double_attribute(object_set.get(), kPixelHeight, object.pixel_height_m);
  w.double_dataset(kLayerSpacing, object.layer_spacing_m);

  w.int64_dataset(kLossEpochs, p.loss_epochs);
  w.double_dataset(kLossValues, p.loss_values);
}

// ---------------------------------------------------------------------------------------------
// Reading.

std::string missing_names(const char* kind, const std::vector<std::string>& names) {
  std::string s = std::string("missing ") + kind + (names.size() > 1 ? "s " : " ");
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", '" : "'") + names[i] + "'";
  return s;
}

// Refuses a file that lacks what ptychodus' reader requires, naming everything that is missing.
void check_required(const ProductReader& r, const Where& where) {
  std::vector<std::string> datasets, attributes;
  for (const char* name : {kPositionIndexes, kPositionX, kPositionY, kProbe, kObject, kLayerSpacing}) {
    if (!r.has_link(name)) datasets.emplace_back(name);
  }
  for (const char* name : {kName, kComments, kDetectorDistance, kProbeEnergy, kExposureTime}) {
    if (!ProductReader::has_attribute(r.root(), name)) attributes.emplace_back(name);
  }
  if (datasets.empty() && attributes.empty()) return;
  std::string message;
  if (!datasets.empty()) message = missing_names("dataset", datasets);
  if (!attributes.empty())
    message += (message.empty() ? "" : " and ") + missing_names("root attribute", attributes);
  where.fail(message + "; expected a ptychodus product file (plugins/h5_product_file.py layout)");
}

// Reads the complex dataset `name` (open as `set`) into `values` and returns its shape padded with
// leading 1s to `rank` dimensions, as ptychodus does ([H, W] is a one-layer object [1, H, W], a
// one-mode probe [1, 1, H, W]); `shapes` names the accepted shapes for the message.
std::vector<hsize_t> read_complex_array(const ProductReader& r, const Where& where, hid_t set,
                                        const char* name, size_t rank, const char* shapes,
                                        std::vector<std::complex<float>>* values) {
  std::vector<hsize_t> dims;
  *values = r.complex_dataset(set, name, &dims);
  if (dims.size() < 2 || dims.size() > rank) {
    where.fail(std::string("dataset '") + name + "' has shape " + shape_string(dims) + "; expected " +
               shapes);
  }
  dims.insert(dims.begin(), rank - dims.size(), 1);
  return dims;
}

void read_probe(const ProductReader& r, const Where& where, ProductProbe* probe) {
  Handle set = r.open_dataset(kProbe);
  const std::vector<hsize_t> dims =
      read_complex_array(r, where, set.get(), kProbe, 4, "[H, W], [I, H, W] or [C, I, H, W]", &probe->values);
  probe->coherent_modes = static_cast<std::int64_t>(dims[0]);
  probe->incoherent_modes = static_cast<std::int64_t>(dims[1]);
  probe->height = static_cast<std::int64_t>(dims[2]);
  probe->width = static_cast<std::int64_t>(dims[3]);
  probe->pixel_width_m = r.number_attribute(set.get(), "probe", kPixelWidth);
  probe->pixel_height_m = r.number_attribute(set.get(), "probe", kPixelHeight);

  // ptychodus' reader takes OPR weights from the probe's attribute; its writer puts them in a root
  // dataset. Accept both, the attribute first.
  std::vector<hsize_t> weight_dims;
  if (ProductReader::has_attribute(set.get(), kOprWeights)) {
    probe->opr_weights = r.double_attribute(set.get(), "probe", kOprWeights, &weight_dims);
  } else if (r.has_link(kOprWeights)) {
    probe->opr_weights = r.numeric_dataset<double>(kOprWeights, H5T_NATIVE_DOUBLE, &weight_dims);
  } else {
    return;
  }
  if (weight_dims.size() != 2 || weight_dims[1] != dims[0]) {
    where.fail("probe OPR weights 'opr_weights' have shape " + shape_string(weight_dims) +
               "; expected [K, C] with C = " + std::to_string(dims[0]));
  }
}

void read_object(const ProductReader& r, const Where& where, ProductObject* object) {
  Handle set = r.open_dataset(kObject);
  const std::vector<hsize_t> dims =
      read_complex_array(r, where, set.get(), kObject, 3, "[H, W] or [L, H, W]", &object->values);
  object->layers = static_cast<std::int64_t>(dims[0]);
  object->height = static_cast<std::int64_t>(dims[1]);
  object->width = static_cast<std::int64_t>(dims[2]);
  object->center_x_m = r.number_attribute(set.get(), "object", kCenterX);
  object->center_y_m = r.number_attribute(set.get(), "object", kCenterY);
  object->pixel_width_m = r.number_attribute(set.get(), "object", kPixelWidth);
  object->pixel_height_m = r.number_attribute(set.get(), "object", kPixelHeight);
  object->layer_spacing_m = r.vector_dataset<double>(kLayerSpacing, H5T_NATIVE_DOUBLE);
  if (object->layer_spacing_m.size() + 1 != dims[0]) {
    where.fail("dataset 'object_layer_spacing_m' has " + std::to_string(object->layer_spacing_m.size()) +
               " values; expected L - 1 = " + std::to_string(dims[0] - 1) +
               " for the object's L = " + std::to_string(dims[0]) + " layers");
  }
}

Product read_product(const ProductReader& r, const Where& where) {
  check_required(r, where);
  Product p;
  const hid_t root = r.root();
  ProductMetadata& m = p.metadata;
  m.name = r.string_attribute(root, "root", kName);
  m.comments = r.string_attribute(root, "root", kComments);
  m.detector_distance_m = r.number_attribute(root, "root", kDetectorDistance);
  m.probe_energy_ev = r.number_attribute(root, "root", kProbeEnergy);
  m.exposure_time_s = r.number_attribute(root, "root", kExposureTime);
  m.probe_photon_count = r.optional_number_attribute(root, "root", kProbePhotonCount);
  m.mass_attenuation_m2_kg = r.optional_number_attribute(root, "root", kMassAttenuation);
  m.tomography_angle_deg = r.optional_number_attribute(root, "root", kTomographyAngle);

  p.scan.index = r.vector_dataset<std::int64_t>(kPositionIndexes, H5T_NATIVE_INT64);
  p.scan.x_m = r.vector_dataset<double>(kPositionX, H5T_NATIVE_DOUBLE);
  p.scan.y_m = r.vector_dataset<double>(kPositionY, H5T_NATIVE_DOUBLE);
  if (p.scan.x_m.size() != p.scan.index.size() || p.scan.y_m.size() != p.scan.index.size()) {
    where.fail("probe positions have " + std::to_string(p.scan.index.size()) + " indexes, " +
               std::to_string(p.scan.x_m.size()) + " x and " + std::to_string(p.scan.y_m.size()) +
               " y values; expected equal lengths");
  }

  read_probe(r, where, &p.probe);
  read_object(r, where, &p.object);

  if (r.has_link(kLossValues)) {
    p.loss_values = r.vector_dataset<double>(kLossValues, H5T_NATIVE_DOUBLE);
  } else if (r.has_link(kLossValuesAlias)) {
    p.loss_values = r.vector_dataset<double>(kLossValuesAlias, H5T_NATIVE_DOUBLE);
  }
  if (r.has_link(kLossEpochs)) {
    // ptychodus writes an empty loss_epochs as float64 (h5py's dtype for []); HDF5 converts.
    p.loss_epochs = r.vector_dataset<std::int64_t>(kLossEpochs, H5T_NATIVE_INT64);
    if (p.loss_epochs.size() != p.loss_values.size()) {
      where.fail("dataset 'loss_epochs' has " + std::to_string(p.loss_epochs.size()) +
                 " values and the loss values " + std::to_string(p.loss_values.size()) +
                 "; expected equal lengths");
    }
  } else {
    for (size_t i = 0; i < p.loss_values.size(); ++i) p.loss_epochs.push_back(static_cast<std::int64_t>(i));
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Validation ("<field>: <what> = <value>; expected <constraint>").

[[noreturn]] void invalid(const std::string& field, const std::string& message) {
  throw std::invalid_argument(field + ": " + message);
}

std::string number_string(double value) {
  std::ostringstream s;
  s.precision(17);
  s << value;
  return s.str();
}

void check_finite(const std::string& field, double value) {
  if (!std::isfinite(value)) invalid(field, "value = " + number_string(value) + "; expected a finite number");
}
void check_non_negative(const std::string& field, double value) {
  if (!std::isfinite(value) || value < 0) {
    invalid(field, "value = " + number_string(value) + "; expected a finite number >= 0");
  }
}
void check_positive(const std::string& field, double value) {
  if (!std::isfinite(value) || value <= 0) {
    invalid(field, "value = " + number_string(value) + "; expected a finite number > 0");
  }
}
template <class T>
void check_all_finite(const std::string& field, const std::vector<T>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(std::real(values[i])) || !std::isfinite(std::imag(values[i]))) {
      std::ostringstream s;
      s << "element " << i << " = " << values[i] << "; expected finite values";
      invalid(field, s.str());
    }
  }
}
void check_text(const std::string& field, const std::string& text) {
  if (text.find('\0') != std::string::npos) invalid(field, "contains a NUL byte; expected text without one");
}

// The product of `dims` (each >= 1), refusing overflow.
std::int64_t checked_count(const std::string& field,
                           const std::vector<std::pair<const char*, std::int64_t>>& dims) {
  std::int64_t n = 1;
  for (const auto& [name, d] : dims) {
    if (d < 1)
      invalid(field.substr(0, field.rfind('.')) + "." + name,
              "value = " + std::to_string(d) + "; expected >= 1");
    if (n > std::numeric_limits<std::int64_t>::max() / d) invalid(field, "the shape is too large");
    n *= d;
  }
  return n;
}
void check_size(const std::string& field, size_t size, std::int64_t expected, const char* formula) {
  if (static_cast<std::int64_t>(size) != expected) {
    invalid(field,
            "size = " + std::to_string(size) + "; expected " + formula + " = " + std::to_string(expected));
  }
}

void validate_metadata(const ProductMetadata& m) {
  check_text("product.metadata.name", m.name);
  check_text("product.metadata.comments", m.comments);
  check_non_negative("product.metadata.detector_distance_m", m.detector_distance_m);
  check_non_negative("product.metadata.probe_energy_ev", m.probe_energy_ev);
  check_non_negative("product.metadata.probe_photon_count", m.probe_photon_count);
  check_non_negative("product.metadata.exposure_time_s", m.exposure_time_s);
  check_non_negative("product.metadata.mass_attenuation_m2_kg", m.mass_attenuation_m2_kg);
  check_finite("product.metadata.tomography_angle_deg", m.tomography_angle_deg);
}

void validate_scan(const ProductScan& scan) {
  check_size("product.scan.x_m", scan.x_m.size(), static_cast<std::int64_t>(scan.index.size()), "len(index)");
  check_size("product.scan.y_m", scan.y_m.size(), static_cast<std::int64_t>(scan.index.size()), "len(index)");
  for (size_t k = 0; k < scan.index.size(); ++k) {
    if (scan.index[k] < 0 || (k > 0 && scan.index[k] <= scan.index[k - 1])) {
      invalid("product.scan.index",
              "index[" + std::to_string(k) + "] = " + std::to_string(scan.index[k]) +
                  "; expected pattern rows >= 0 in strictly ascending order (ptychodus pairs "
                  "positions with patterns by row)");
    }
  }
  check_all_finite("product.scan.x_m", scan.x_m);
  check_all_finite("product.scan.y_m", scan.y_m);
}

void validate_probe(const ProductProbe& probe) {
  const std::int64_t n = checked_count("product.probe.values", {{"coherent_modes", probe.coherent_modes},
                                                                {"incoherent_modes", probe.incoherent_modes},
                                                                {"height", probe.height},
                                                                {"width", probe.width}});
  check_size("product.probe.values", probe.values.size(), n, "C * I * H * W");
  check_all_finite("product.probe.values", probe.values);
  check_positive("product.probe.pixel_width_m", probe.pixel_width_m);
  check_positive("product.probe.pixel_height_m", probe.pixel_height_m);
  if (probe.opr_weights.size() % static_cast<size_t>(probe.coherent_modes) != 0) {
    invalid("product.probe.opr_weights",
            "size = " + std::to_string(probe.opr_weights.size()) +
                "; expected K * C with C = " + std::to_string(probe.coherent_modes));
  }
  check_all_finite("product.probe.opr_weights", probe.opr_weights);
}

void validate_object(const ProductObject& object) {
  const std::int64_t n =
      checked_count("product.object.values",
                    {{"layers", object.layers}, {"height", object.height}, {"width", object.width}});
  check_size("product.object.values", object.values.size(), n, "L * H * W");
  check_all_finite("product.object.values", object.values);
  check_positive("product.object.pixel_width_m", object.pixel_width_m);
  check_positive("product.object.pixel_height_m", object.pixel_height_m);
  check_finite("product.object.center_x_m", object.center_x_m);
  check_finite("product.object.center_y_m", object.center_y_m);
  check_size("product.object.layer_spacing_m", object.layer_spacing_m.size(), object.layers - 1, "L - 1");
  check_all_finite("product.object.layer_spacing_m", object.layer_spacing_m);
}

}  // namespace

void Product::validate() const {
  validate_metadata(metadata);
  validate_scan(scan);
  validate_probe(probe);
  validate_object(object);
  check_size("product.loss_values", loss_values.size(), static_cast<std::int64_t>(loss_epochs.size()),
             "len(loss_epochs)");
  check_all_finite("product.loss_values", loss_values);
}

void write_ptychodus_product(const std::string& path, const Product& product) {
  product.validate();
  const Where where{path};
  AtomicFile file(path);
  // HDF5 writes the temporary file through its path; AtomicFile renames it into place on commit().
  file.close_descriptor();
  {
    QuietHdf5Errors quiet;
    ProductWriter writer(file.temp_path(), where);
    write_product(writer, product);
    writer.close();
  }
  file.commit();
}

Product read_ptychodus_product(const std::string& path) {
  const Where where{path};
  QuietHdf5Errors quiet;
  const ProductReader reader(path, where, "a ptychodus product file");
  return read_product(reader, where);
}

double object_x_px(const ProductObject& object, double x_m) {
  return (x_m - object.center_x_m) / object.pixel_width_m + 0.5 * static_cast<double>(object.width);
}

double object_y_px(const ProductObject& object, double y_m) {
  return (y_m - object.center_y_m) / object.pixel_height_m + 0.5 * static_cast<double>(object.height);
}

Product product_from_reconstruction(StitchedReconstruction r, ProductMetadata metadata) {
  check_positive("reconstruction.pixel_size_m", r.pixel_size_m);
  check_finite("reconstruction.x_origin_px", r.x_origin_px);
  check_finite("reconstruction.y_origin_px", r.y_origin_px);
  const std::int64_t object_count = checked_count(
      "reconstruction.object", {{"object_height", r.object_height}, {"object_width", r.object_width}});
  check_size("reconstruction.object", r.object.size(), object_count, "object_height * object_width");
  const std::int64_t probe_count =
      checked_count("reconstruction.probe", {{"probe_size", r.probe_size}, {"probe_size", r.probe_size}});
  check_size("reconstruction.probe", r.probe.size(), probe_count, "probe_size * probe_size");
  check_size("reconstruction.x_px", r.x_px.size(), static_cast<std::int64_t>(r.index.size()), "len(index)");
  check_size("reconstruction.y_px", r.y_px.size(), static_cast<std::int64_t>(r.index.size()), "len(index)");
  check_all_finite("reconstruction.x_px", r.x_px);
  check_all_finite("reconstruction.y_px", r.y_px);
  const double dx = r.pixel_size_m;

  Product p;
  p.metadata = std::move(metadata);
  p.scan.index = std::move(r.index);
  for (double x : r.x_px) p.scan.x_m.push_back(x * dx);
  for (double y : r.y_px) p.scan.y_m.push_back(y * dx);

  p.probe.height = p.probe.width = r.probe_size;
  p.probe.values = std::move(r.probe);
  p.probe.pixel_width_m = p.probe.pixel_height_m = dx;

  p.object.height = r.object_height;
  p.object.width = r.object_width;
  p.object.values = std::move(r.object);
  p.object.pixel_width_m = p.object.pixel_height_m = dx;
  // ptychodus puts the centre at x_px = W / 2 (ptychodus_product.h); the image's column c is object pixel
  // x_origin_px + c, whose world x is (x_origin_px + c) * dx.
  p.object.center_x_m = (r.x_origin_px + 0.5 * static_cast<double>(r.object_width)) * dx;
  p.object.center_y_m = (r.y_origin_px + 0.5 * static_cast<double>(r.object_height)) * dx;
  p.validate();
  return p;
}

}  // namespace ptychopinn::io
