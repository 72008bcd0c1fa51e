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
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

// ---------------------------------------------------------------------------------------------
// Names of the file layout (plugins/h5_product_file.py), in one place.

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
// HDF5 plumbing.

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle& operator=(Handle&&) = delete;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  // Closes now; returns whether HDF5 reported success.
  bool reset() {
    const bool ok = id_ < 0 || closer_(id_) >= 0;
    id_ = -1;
    return ok;
  }

 private:
  hid_t id_;
  Closer closer_;
};

// Turns off HDF5's printing of its error stack for this object's lifetime on this thread (per thread
// in thread-safe builds), and restores what was there: our exceptions carry the message instead.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

herr_t collect_error(unsigned depth, const H5E_error2_t* error, void* out) {
  auto* messages = static_cast<std::vector<std::string>*>(out);
  if (error->desc != nullptr && error->desc[0] != '\0') messages->emplace_back(error->desc);
  return 0;
}

// HDF5's explanation of the failure just reported: the outermost and innermost descriptions of the
// current error stack ("unable to open file (file signature not found)"). Read before any other call.
std::string hdf5_error_detail() {
  std::vector<std::string> messages;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &messages);
  if (messages.empty()) return "HDF5 gave no reason";
  if (messages.size() == 1 || messages.front() == messages.back()) return messages.front();
  return messages.front() + " (" + messages.back() + ")";
}

// Where failures are reported: the file as the user named it.
struct Where {
  const std::string& path;
  [[noreturn]] void fail(const std::string& message) const { throw_io_error(path, message); }
  // Throws with HDF5's reason when `status` is negative.
  void check(herr_t status, const std::string& what) const {
    if (status < 0) fail(what + ": " + hdf5_error_detail());
  }
  Handle check(hid_t id, Handle::Closer closer, const std::string& what) const {
    if (id < 0) fail(what + ": " + hdf5_error_detail());
    return Handle(id, closer);
  }
};

// The compound {r, i} of two floats that h5py maps to numpy complex: `part` is the type of one part
// (a file type to write, a native type to read); names default to h5py's.
Handle complex_type(const Where& where, hid_t part, const std::string& real_name = "r",
                    const std::string& imag_name = "i") {
  const size_t part_size = H5Tget_size(part);
  Handle type = where.check(H5Tcreate(H5T_COMPOUND, 2 * part_size), H5Tclose, "cannot make a complex type");
  where.check(H5Tinsert(type.get(), real_name.c_str(), 0, part), "cannot make a complex type");
  where.check(H5Tinsert(type.get(), imag_name.c_str(), part_size, part), "cannot make a complex type");
  return type;
}

Handle utf8_string_type(const Where& where) {
  Handle type = where.check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  where.check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot make a string type");
  where.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot make a string type");
  return type;
}

std::string shape_string(const std::vector<hsize_t>& dims) {
  std::ostringstream s;
  s << '[';
  for (size_t i = 0; i < dims.size(); ++i) s << (i ? ", " : "") << dims[i];
  s << ']';
  return s.str();
}

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
    Handle attribute = where_.check(H5Acreate2(owner, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                    H5Aclose, what);
    const char* text = value.c_str();
    where_.check(H5Awrite(attribute.get(), type.get(), &text), what);
  }

  // A float64 attribute: scalar when dims is empty.
  void double_attribute(hid_t owner, const char* name, const double* values, const std::vector<hsize_t>& dims) {
    const std::string what = std::string("cannot write attribute '") + name + "'";
    Handle space = dims.empty() ? where_.check(H5Screate(H5S_SCALAR), H5Sclose, what)
                                : where_.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                                               H5Sclose, what);
    Handle attribute = where_.check(
        H5Acreate2(owner, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
    where_.check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, values), what);
  }
  void double_attribute(hid_t owner, const char* name, double value) { double_attribute(owner, name, &value, {}); }

  // A contiguous, uncompressed dataset of `file_type` filled from `data` (of `memory_type`).
  Handle dataset(const char* name, hid_t file_type, hid_t memory_type, const std::vector<hsize_t>& dims,
                 const void* data) {
    const std::string what = std::string("cannot write dataset '") + name + "'";
    Handle space = where_.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
    Handle set = where_.check(
        H5Dcreate2(file_.get(), name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose, what);
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
    if (!file_.reset()) where_.fail("cannot close the HDF5 file: " + hdf5_error_detail());
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
    w.double_attribute(probe_set.get(), kOprWeights, probe.opr_weights.data(), {probe.opr_weights.size() / c, c});
  }

  const ProductObject& object = p.object;
  const auto object_dims = std::vector<hsize_t>{
      static_cast<hsize_t>(object.layers), static_cast<hsize_t>(object.height), static_cast<hsize_t>(object.width)};
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

class ProductReader {
 public:
  ProductReader(const std::string& path, const Where& where) : where_(where), file_(open(path, where)) {}

  hid_t root() const { return file_.get(); }

  bool has_link(const char* name) const { return H5Lexists(file_.get(), name, H5P_DEFAULT) > 0; }
  static bool has_attribute(hid_t owner, const char* name) { return H5Aexists(owner, name) > 0; }

  Handle open_dataset(const char* name) const {
    return where_.check(H5Dopen2(file_.get(), name, H5P_DEFAULT), H5Dclose,
                        std::string("cannot open dataset '") + name + "'");
  }

  // A string attribute, variable or fixed length, scalar or of one element.
  std::string string_attribute(hid_t owner, const std::string& label, const char* name) const {
    const std::string what = label + " attribute '" + name + "'";
    Handle attribute = where_.check(H5Aopen(owner, name, H5P_DEFAULT), H5Aclose, "cannot open " + what);
    Handle file_type = where_.check(H5Aget_type(attribute.get()), H5Tclose, "cannot read " + what);
    Handle space = where_.check(H5Aget_space(attribute.get()), H5Sclose, "cannot read " + what);
    if (H5Tget_class(file_type.get()) != H5T_STRING) where_.fail(what + " is not a string");
    if (H5Sget_simple_extent_npoints(space.get()) != 1) where_.fail(what + " holds several values; expected one string");
    Handle memory_type = where_.check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot read " + what);
    where_.check(H5Tset_cset(memory_type.get(), H5Tget_cset(file_type.get())), "cannot read " + what);
    if (H5Tis_variable_str(file_type.get()) > 0) {
      where_.check(H5Tset_size(memory_type.get(), H5T_VARIABLE), "cannot read " + what);
      char* text = nullptr;
      where_.check(H5Aread(attribute.get(), memory_type.get(), &text), "cannot read " + what);
      std::string value = text != nullptr ? text : "";
#if H5_VERSION_GE(1, 12, 0)
      H5Treclaim(memory_type.get(), space.get(), H5P_DEFAULT, &text);
#else
      H5Dvlen_reclaim(memory_type.get(), space.get(), H5P_DEFAULT, &text);
#endif
      return value;
    }
    const size_t size = H5Tget_size(file_type.get());
    where_.check(H5Tset_size(memory_type.get(), size), "cannot read " + what);
    where_.check(H5Tset_strpad(memory_type.get(), H5Tget_strpad(file_type.get())), "cannot read " + what);
    std::string value(size, '\0');
    where_.check(H5Aread(attribute.get(), memory_type.get(), value.data()), "cannot read " + what);
    const auto end = value.find('\0');
    if (end != std::string::npos) value.resize(end);
    if (H5Tget_strpad(file_type.get()) == H5T_STR_SPACEPAD) value.erase(value.find_last_not_of(' ') + 1);
    return value;
  }

  // A numeric attribute as float64 values, with its dimensions (empty for a scalar).
  std::vector<double> double_attribute(hid_t owner, const std::string& label, const char* name,
                                       std::vector<hsize_t>* dims) const {
    const std::string what = label + " attribute '" + name + "'";
    Handle attribute = where_.check(H5Aopen(owner, name, H5P_DEFAULT), H5Aclose, "cannot open " + what);
    Handle file_type = where_.check(H5Aget_type(attribute.get()), H5Tclose, "cannot read " + what);
    Handle space = where_.check(H5Aget_space(attribute.get()), H5Sclose, "cannot read " + what);
    const H5T_class_t type_class = H5Tget_class(file_type.get());
    if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) where_.fail(what + " is not a number");
    *dims = extent(space.get(), what);
    const size_t n = element_count(*dims, file_type.get(), H5Aget_storage_size(attribute.get()), what);
    std::vector<double> values = allocate<double>(n, what);
    if (!values.empty()) {
      where_.check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()), "cannot read " + what);
    }
    return values;
  }
  // A number: a scalar or a one-element array (ptychodus reads float(attribute)).
  double number_attribute(hid_t owner, const std::string& label, const char* name) const {
    std::vector<hsize_t> dims;
    const std::vector<double> values = double_attribute(owner, label, name, &dims);
    if (values.size() != 1) {
      where_.fail(label + " attribute '" + name + "' has shape " + shape_string(dims) + "; expected one number");
    }
    return values[0];
  }
  double optional_number_attribute(hid_t owner, const std::string& label, const char* name) const {
    return has_attribute(owner, name) ? number_attribute(owner, label, name) : 0.0;
  }

  // A numeric dataset converted to T (`memory_type`), with its dimensions.
  template <class T>
  std::vector<T> numeric_dataset(const char* name, hid_t memory_type, std::vector<hsize_t>* dims) const {
    const std::string what = std::string("dataset '") + name + "'";
    Handle set = open_dataset(name);
    Handle file_type = where_.check(H5Dget_type(set.get()), H5Tclose, "cannot read " + what);
    const H5T_class_t type_class = H5Tget_class(file_type.get());
    if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) where_.fail(what + " is not numeric");
    std::vector<T> values = allocate<T>(dataset_count(set.get(), file_type.get(), what, dims), what);
    if (!values.empty()) {
      where_.check(H5Dread(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                   "cannot read " + what);
    }
    return values;
  }
  // A one-dimensional numeric dataset.
  template <class T>
  std::vector<T> vector_dataset(const char* name, hid_t memory_type) const {
    std::vector<hsize_t> dims;
    std::vector<T> values = numeric_dataset<T>(name, memory_type, &dims);
    if (dims.size() != 1) {
      where_.fail(std::string("dataset '") + name + "' has shape " + shape_string(dims) + "; expected one dimension");
    }
    return values;
  }

  // A complex (compound of two floats, any precision, any member names) or real float dataset as
  // complex64, with its dimensions.
  std::vector<std::complex<float>> complex_dataset(hid_t set, const char* name, std::vector<hsize_t>* dims) const {
    const std::string what = std::string("dataset '") + name + "'";
    Handle file_type = where_.check(H5Dget_type(set), H5Tclose, "cannot read " + what);
    const H5T_class_t type_class = H5Tget_class(file_type.get());
    if (type_class == H5T_FLOAT) {
      std::vector<float> real = allocate<float>(dataset_count(set, file_type.get(), what, dims), what);
      if (!real.empty()) {
        where_.check(H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, real.data()), "cannot read " + what);
      }
      return std::vector<std::complex<float>>(real.begin(), real.end());
    }
    if (!is_complex(file_type.get())) {
      where_.fail(what + " is not complex (expected a compound of two floats, as h5py writes numpy complex)");
    }
    Handle memory_type = complex_type(where_, H5T_NATIVE_FLOAT, member_name(file_type.get(), 0),
                                      member_name(file_type.get(), 1));
    std::vector<std::complex<float>> values =
        allocate<std::complex<float>>(dataset_count(set, file_type.get(), what, dims), what);
    if (!values.empty()) {
      where_.check(H5Dread(set, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                   "cannot read " + what);
    }
    return values;
  }

 private:
  static Handle open(const std::string& path, const Where& where) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) where.fail("no such file");
    if (std::filesystem::is_directory(status)) where.fail("is a directory; expected a ptychodus product file");
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 == 0) where.fail("not an HDF5 file (no HDF5 signature); expected a ptychodus product file");
    if (is_hdf5 < 0) where.fail("cannot read the file: " + hdf5_error_detail());
    return where.check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                       "cannot open the HDF5 file (truncated or corrupt?)");
  }

  // The layout h5py gives numpy complex: two floats of one size, at offsets 0 and that size. HDF5
  // does not check member offsets against the compound's size, so a corrupt file must be refused
  // here, before a conversion reads past its buffer.
  static bool is_complex(hid_t type) {
    if (H5Tget_class(type) != H5T_COMPOUND || H5Tget_nmembers(type) != 2) return false;
    if (H5Tget_member_class(type, 0) != H5T_FLOAT || H5Tget_member_class(type, 1) != H5T_FLOAT) return false;
    const Handle real(H5Tget_member_type(type, 0), H5Tclose), imag(H5Tget_member_type(type, 1), H5Tclose);
    if (real.get() < 0 || imag.get() < 0) return false;
    const size_t part = H5Tget_size(real.get());
    return (part == 4 || part == 8) && H5Tget_size(imag.get()) == part && H5Tget_size(type) == 2 * part &&
           H5Tget_member_offset(type, 0) == 0 && H5Tget_member_offset(type, 1) == part;
  }

  std::vector<hsize_t> extent(hid_t space, const std::string& what) const {
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0) where_.fail("cannot read the shape of " + what + ": " + hdf5_error_detail());
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) {
      where_.fail("cannot read the shape of " + what + ": " + hdf5_error_detail());
    }
    return dims;
  }

  // The dataset's dimensions and element count. Without filters (what every product writer does) the
  // file stores every byte of the data, so a shape claiming more bytes than are stored is corruption
  // and is refused before anything is allocated; a filtered (compressed) dataset cannot be bounded so.
  size_t dataset_count(hid_t set, hid_t file_type, const std::string& what, std::vector<hsize_t>* dims) const {
    Handle space = where_.check(H5Dget_space(set), H5Sclose, "cannot read " + what);
    *dims = extent(space.get(), what);
    Handle create = where_.check(H5Dget_create_plist(set), H5Pclose, "cannot read " + what);
    const int filters = H5Pget_nfilters(create.get());
    if (filters < 0) where_.fail("cannot read the filters of " + what + ": " + hdf5_error_detail());
    const hsize_t stored = filters == 0 ? H5Dget_storage_size(set) : std::numeric_limits<hsize_t>::max();
    return element_count(*dims, file_type, stored, what);
  }

  // The number of elements of `dims`, refusing shapes whose bytes (of `file_type`) exceed
  // `stored_bytes` or the address space.
  size_t element_count(const std::vector<hsize_t>& dims, hid_t file_type, hsize_t stored_bytes,
                       const std::string& what) const {
    const size_t element_size = std::max<size_t>(H5Tget_size(file_type), 1);
    const hsize_t limit = static_cast<hsize_t>(std::numeric_limits<std::ptrdiff_t>::max()) / 16;
    hsize_t n = 1;
    for (hsize_t d : dims) {
      if (d != 0 && n > limit / d) where_.fail(what + " has shape " + shape_string(dims) + ", too large to read");
      n *= d;
    }
    if (n > stored_bytes / element_size) {
      where_.fail(what + " has shape " + shape_string(dims) + " of " + std::to_string(n * element_size) +
                  " bytes but the file stores " + std::to_string(stored_bytes) + "; the file is corrupt");
    }
    return static_cast<size_t>(n);
  }

  template <class T>
  std::vector<T> allocate(size_t n, const std::string& what) const {
    try {
      return std::vector<T>(n);
    } catch (const std::bad_alloc&) {
      where_.fail(what + " has " + std::to_string(n) + " elements, more than memory holds");
    }
  }

  std::string member_name(hid_t type, unsigned index) const {
    char* name = H5Tget_member_name(type, index);
    if (name == nullptr) where_.fail("cannot read a complex member name: " + hdf5_error_detail());
    std::string result(name);
    H5free_memory(name);
    return result;
  }

  const Where& where_;
  Handle file_;
};

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
  if (!attributes.empty()) message += (message.empty() ? "" : " and ") + missing_names("root attribute", attributes);
  where.fail(message + "; expected a ptychodus product file (plugins/h5_product_file.py layout)");
}

// Reads the complex dataset `name` (open as `set`) into `values` and returns its shape padded with
// leading 1s to `rank` dimensions, as ptychodus does ([H, W] is a one-layer object [1, H, W], a
// one-mode probe [1, 1, H, W]); `shapes` names the accepted shapes for the message.
std::vector<hsize_t> read_complex_array(const ProductReader& r, const Where& where, hid_t set, const char* name,
                                        size_t rank, const char* shapes, std::vector<std::complex<float>>* values) {
  std::vector<hsize_t> dims;
  *values = r.complex_dataset(set, name, &dims);
  if (dims.size() < 2 || dims.size() > rank) {
    where.fail(std::string("dataset '") + name + "' has shape " + shape_string(dims) + "; expected " + shapes);
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
  // dataset (ptychodus-contract.md §6.1). Accept both, the attribute first.
  std::vector<hsize_t> weight_dims;
  if (ProductReader::has_attribute(set.get(), kOprWeights)) {
    probe->opr_weights = r.double_attribute(set.get(), "probe", kOprWeights, &weight_dims);
  } else if (r.has_link(kOprWeights)) {
    probe->opr_weights = r.numeric_dataset<double>(kOprWeights, H5T_NATIVE_DOUBLE, &weight_dims);
  } else {
    return;
  }
  if (weight_dims.size() != 2 || weight_dims[1] != dims[0]) {
    where.fail("probe OPR weights 'opr_weights' have shape " + shape_string(weight_dims) + "; expected [K, C] with C = " +
               std::to_string(dims[0]));
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
               " values; expected L - 1 = " + std::to_string(dims[0] - 1) + " for the object's L = " +
               std::to_string(dims[0]) + " layers");
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
      where.fail("dataset 'loss_epochs' has " + std::to_string(p.loss_epochs.size()) + " values and the loss values " +
                 std::to_string(p.loss_values.size()) + "; expected equal lengths");
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
std::int64_t checked_count(const std::string& field, const std::vector<std::pair<const char*, std::int64_t>>& dims) {
  std::int64_t n = 1;
  for (const auto& [name, d] : dims) {
    if (d < 1) invalid(field.substr(0, field.rfind('.')) + "." + name, "value = " + std::to_string(d) + "; expected >= 1");
    if (n > std::numeric_limits<std::int64_t>::max() / d) invalid(field, "the shape is too large");
    n *= d;
  }
  return n;
}
void check_size(const std::string& field, size_t size, std::int64_t expected, const char* formula) {
  if (static_cast<std::int64_t>(size) != expected) {
    invalid(field, "size = " + std::to_string(size) + "; expected " + formula + " = " + std::to_string(expected));
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
      invalid("product.scan.index", "index[" + std::to_string(k) + "] = " + std::to_string(scan.index[k]) +
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
    invalid("product.probe.opr_weights", "size = " + std::to_string(probe.opr_weights.size()) +
                                             "; expected K * C with C = " + std::to_string(probe.coherent_modes));
  }
  check_all_finite("product.probe.opr_weights", probe.opr_weights);
}

void validate_object(const ProductObject& object) {
  const std::int64_t n = checked_count(
      "product.object.values", {{"layers", object.layers}, {"height", object.height}, {"width", object.width}});
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
  const ProductReader reader(path, where);
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
  const std::int64_t object_count =
      checked_count("reconstruction.object", {{"object_height", r.object_height}, {"object_width", r.object_width}});
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
  // ptychodus puts the centre at x_px = W / 2 (§1.4); the image's column c is object pixel
  // x_origin_px + c, whose world x is (x_origin_px + c) * dx.
  p.object.center_x_m = (r.x_origin_px + 0.5 * static_cast<double>(r.object_width)) * dx;
  p.object.center_y_m = (r.y_origin_px + 0.5 * static_cast<double>(r.object_height)) * dx;
  p.validate();
  return p;
}

}  // namespace ptychopinn::io
