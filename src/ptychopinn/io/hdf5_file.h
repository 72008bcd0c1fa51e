#pragma once
// HDF5 plumbing shared by the HDF5 readers and writers (the ptychodus product, CXI): owned
// identifiers, quiet error stacks turned into exceptions that name the file, and a checked reader of
// numeric, string and complex datasets and attributes. Header-only; include it only from .cpp files
// that link pp_hdf5.
#include <hdf5.h>

#include <algorithm>
#include <complex>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <new>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::io::hdf5 {

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
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

inline herr_t collect_error(unsigned depth, const H5E_error2_t* error, void* out) {
  auto* messages = static_cast<std::vector<std::string>*>(out);
  if (error->desc != nullptr && error->desc[0] != '\0') messages->emplace_back(error->desc);
  return 0;
}

// HDF5's explanation of the failure just reported: the outermost and innermost descriptions of the
// current error stack ("unable to open file (file signature not found)"). Read before any other call.
inline std::string error_detail() {
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
    if (status < 0) fail(what + ": " + error_detail());
  }
  Handle check(hid_t id, Handle::Closer closer, const std::string& what) const {
    if (id < 0) fail(what + ": " + error_detail());
    return Handle(id, closer);
  }
};

// The compound {r, i} of two floats that h5py maps to numpy complex: `part` is the type of one part
// (a file type to write, a native type to read); names default to h5py's.
inline Handle complex_type(const Where& where, hid_t part, const std::string& real_name = "r",
                           const std::string& imag_name = "i") {
  const size_t part_size = H5Tget_size(part);
  Handle type = where.check(H5Tcreate(H5T_COMPOUND, 2 * part_size), H5Tclose, "cannot make a complex type");
  where.check(H5Tinsert(type.get(), real_name.c_str(), 0, part), "cannot make a complex type");
  where.check(H5Tinsert(type.get(), imag_name.c_str(), part_size, part), "cannot make a complex type");
  return type;
}

inline Handle utf8_string_type(const Where& where) {
  Handle type = where.check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  where.check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot make a string type");
  where.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot make a string type");
  return type;
}

inline std::string shape_string(const std::vector<hsize_t>& dims) {
  std::ostringstream s;
  s << '[';
  for (size_t i = 0; i < dims.size(); ++i) s << (i ? ", " : "") << dims[i];
  s << ']';
  return s.str();
}

class Reader {
 public:
  // Opens `path` read-only; `expected` names what the file should be, for messages ("a CXI file").
  Reader(const std::string& path, const Where& where, const std::string& expected)
      : where_(where), file_(open(path, where, expected)) {}

  hid_t root() const { return file_.get(); }

  bool has_link(const char* name) const { return H5Lexists(file_.get(), name, H5P_DEFAULT) > 0; }
  // Whether every group on an absolute or relative path ("entry_1/instrument_1/x") and its last
  // link exist (H5Lexists needs each parent to exist).
  bool has_path(const std::string& path) const {
    std::string prefix;
    std::size_t start = path.front() == '/' ? 1 : 0;
    while (start <= path.size()) {
      const std::size_t slash = path.find('/', start);
      prefix += (prefix.empty() ? "" : "/") + path.substr(start, slash - start);
      if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
      if (slash == std::string::npos) return true;
      start = slash + 1;
    }
    return true;
  }
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
    if (H5Sget_simple_extent_npoints(space.get()) != 1)
      where_.fail(what + " holds several values; expected one string");
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
      where_.fail(label + " attribute '" + name + "' has shape " + shape_string(dims) +
                  "; expected one number");
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
      where_.fail(std::string("dataset '") + name + "' has shape " + shape_string(dims) +
                  "; expected one dimension");
    }
    return values;
  }

  // A complex (compound of two floats, any precision, any member names) or real float dataset as
  // complex64, with its dimensions.
  std::vector<std::complex<float>> complex_dataset(hid_t set, const char* name,
                                                   std::vector<hsize_t>* dims) const {
    const std::string what = std::string("dataset '") + name + "'";
    Handle file_type = where_.check(H5Dget_type(set), H5Tclose, "cannot read " + what);
    const H5T_class_t type_class = H5Tget_class(file_type.get());
    if (type_class == H5T_FLOAT) {
      std::vector<float> real = allocate<float>(dataset_count(set, file_type.get(), what, dims), what);
      if (!real.empty()) {
        where_.check(H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, real.data()),
                     "cannot read " + what);
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
  static Handle open(const std::string& path, const Where& where, const std::string& expected) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) where.fail("no such file");
    if (std::filesystem::is_directory(status)) where.fail("is a directory; expected " + expected);
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 == 0) where.fail("not an HDF5 file (no HDF5 signature); expected " + expected);
    if (is_hdf5 < 0) where.fail("cannot read the file: " + error_detail());
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
    if (rank < 0) where_.fail("cannot read the shape of " + what + ": " + error_detail());
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) {
      where_.fail("cannot read the shape of " + what + ": " + error_detail());
    }
    return dims;
  }

  // The dataset's dimensions and element count. Without filters (what every product writer does) the
  // file stores every byte of the data, so a shape claiming more bytes than are stored is corruption
  // and is refused before anything is allocated; a filtered (compressed) dataset cannot be bounded so.
  size_t dataset_count(hid_t set, hid_t file_type, const std::string& what,
                       std::vector<hsize_t>* dims) const {
    Handle space = where_.check(H5Dget_space(set), H5Sclose, "cannot read " + what);
    *dims = extent(space.get(), what);
    Handle create = where_.check(H5Dget_create_plist(set), H5Pclose, "cannot read " + what);
    const int filters = H5Pget_nfilters(create.get());
    if (filters < 0) where_.fail("cannot read the filters of " + what + ": " + error_detail());
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
      if (d != 0 && n > limit / d)
        where_.fail(what + " has shape " + shape_string(dims) + ", too large to read");
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
    if (name == nullptr) where_.fail("cannot read a complex member name: " + error_detail());
    std::string result(name);
    H5free_memory(name);
    return result;
  }

  const Where& where_;
  Handle file_;
};

}  // namespace ptychopinn::io::hdf5
