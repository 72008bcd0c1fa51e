#include "ptychopinn/io/ptychodus_diffraction.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/hdf5_file.h"
#include "ptychopinn/io/lzf_filter.h"

namespace ptychopinn::io {
namespace {

using hdf5::Handle;
using hdf5::shape_string;
using hdf5::Where;

constexpr const char* kPatterns = "patterns";
constexpr const char* kIndexes = "indexes";
constexpr const char* kBadPixels = "bad_pixels";

// Chunks of whole patterns, about 1 MiB each (h5py's auto-chunking aims at a similar size).
constexpr hsize_t kChunkBytes = 1 << 20;

// h5py's numpy.bool_: an enum of int8 with FALSE = 0 and TRUE = 1.
Handle bool_type(const Where& where) {
  Handle type = where.check(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose, "cannot make a bool type");
  const signed char no = 0, yes = 1;
  where.check(H5Tenum_insert(type.get(), "FALSE", &no), "cannot make a bool type");
  where.check(H5Tenum_insert(type.get(), "TRUE", &yes), "cannot make a bool type");
  return type;
}

// An LZF-compressed dataset of `file_type`, chunked along its first axis (`rows_per_chunk`).
void write_lzf_dataset(const Where& where, hid_t file, const char* name, hid_t file_type, hid_t memory_type,
                       const std::vector<hsize_t>& dims, hsize_t rows_per_chunk, const void* data) {
  const std::string what = std::string("cannot write dataset '") + name + "'";
  Handle space =
      where.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
  Handle create = where.check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  std::vector<hsize_t> chunk = dims;
  chunk[0] = std::max<hsize_t>(1, std::min(dims[0], rows_per_chunk));
  where.check(H5Pset_chunk(create.get(), static_cast<int>(chunk.size()), chunk.data()), what);
  where.check(H5Pset_filter(create.get(), kLzfFilterId, H5Z_FLAG_OPTIONAL, 0, nullptr), what);
  Handle set = where.check(
      H5Dcreate2(file, name, file_type, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT), H5Dclose, what);
  where.check(H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
}

std::string type_name(hid_t type) {
  const size_t bits = 8 * H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_FLOAT:
      return "float" + std::to_string(bits);
    case H5T_ENUM:
      return "enum";
    default:
      return "a non-numeric type";
  }
}

// bad_pixels: h5py's bool (an enum over a one-byte integer) or any integer or float type, non-zero
// meaning bad.
std::vector<std::uint8_t> read_mask(const hdf5::Reader& r, const Where& where, std::vector<hsize_t>* dims) {
  const std::string what = std::string("dataset '") + kBadPixels + "'";
  Handle set = r.open_dataset(kBadPixels);
  Handle file_type = where.check(H5Dget_type(set.get()), H5Tclose, "cannot read " + what);
  if (H5Tget_class(file_type.get()) != H5T_ENUM) {
    const std::vector<double> values = r.numeric_dataset<double>(kBadPixels, H5T_NATIVE_DOUBLE, dims);
    std::vector<std::uint8_t> mask(values.size());
    std::transform(values.begin(), values.end(), mask.begin(), [](double v) { return v != 0 ? 1 : 0; });
    return mask;
  }
  Handle native =
      where.check(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), H5Tclose, "cannot read " + what);
  if (H5Tget_size(native.get()) != 1)
    where.fail(what + " is an enum of more than one byte; expected h5py's bool");
  Handle space = where.check(H5Dget_space(set.get()), H5Sclose, "cannot read " + what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) where.fail("cannot read the shape of " + what);
  dims->assign(static_cast<size_t>(rank), 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims->data(), nullptr);
  hsize_t n = 1;
  for (hsize_t d : *dims) n *= d;
  if (n > (hsize_t{1} << 32))
    where.fail(what + " has shape " + shape_string(*dims) + ", too large for a mask");
  std::vector<std::uint8_t> mask(static_cast<size_t>(n));
  if (n > 0) {
    where.check(H5Dread(set.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, mask.data()),
                "cannot read " + what);
  }
  for (auto& m : mask) m = m != 0 ? 1 : 0;
  return mask;
}

AssembledDiffraction read(const hdf5::Reader& r, const Where& where, std::vector<std::string>* notes) {
  if (!r.has_link(kPatterns)) {
    where.fail(
        "no dataset 'patterns'; expected a ptychodus assembled diffraction file (patterns [N, H, W], "
        "indexes [N], bad_pixels [H, W])");
  }
  AssembledDiffraction d;
  {
    Handle set = r.open_dataset(kPatterns);
    Handle type = where.check(H5Dget_type(set.get()), H5Tclose, "cannot read dataset 'patterns'");
    d.stored_type = type_name(type.get());
  }
  std::vector<hsize_t> dims;
  d.patterns = r.numeric_dataset<float>(kPatterns, H5T_NATIVE_FLOAT, &dims);
  if (dims.size() != 3)
    where.fail("dataset 'patterns' has shape " + shape_string(dims) + "; expected [N, H, W]");
  d.count = static_cast<std::int64_t>(dims[0]);
  d.height = static_cast<std::int64_t>(dims[1]);
  d.width = static_cast<std::int64_t>(dims[2]);

  if (r.has_link(kIndexes)) {
    d.indexes = r.vector_dataset<std::int64_t>(kIndexes, H5T_NATIVE_INT64);
    if (static_cast<std::int64_t>(d.indexes.size()) != d.count) {
      where.fail("dataset 'indexes' has " + std::to_string(d.indexes.size()) +
                 " values; expected one per pattern (" + std::to_string(d.count) + ")");
    }
  } else {
    for (std::int64_t i = 0; i < d.count; ++i) d.indexes.push_back(i);
    if (notes) notes->push_back(where.path + ": no dataset 'indexes'; the patterns are numbered 0..N-1");
  }

  if (r.has_link(kBadPixels)) {
    std::vector<hsize_t> mask_dims;
    d.bad_pixels = read_mask(r, where, &mask_dims);
    if (mask_dims != std::vector<hsize_t>{dims[1], dims[2]}) {
      where.fail("dataset 'bad_pixels' has shape " + shape_string(mask_dims) +
                 "; expected the patterns' [H, W] = " + shape_string({dims[1], dims[2]}));
    }
  } else {
    d.bad_pixels.assign(static_cast<size_t>(d.height * d.width), 0);
    if (notes) notes->push_back(where.path + ": no dataset 'bad_pixels'; every pixel is taken as good");
  }
  return d;
}

}  // namespace

void AssembledDiffraction::validate() const {
  auto fail = [](const std::string& field, const std::string& message) {
    throw std::invalid_argument("diffraction." + field + ": " + message);
  };
  if (count < 1 || height < 1 || width < 1) {
    fail("patterns", "shape [" + std::to_string(count) + ", " + std::to_string(height) + ", " +
                         std::to_string(width) + "]; expected every dimension >= 1");
  }
  const auto pixels = static_cast<size_t>(height * width);
  if (patterns.size() != static_cast<size_t>(count) * pixels) {
    fail("patterns", "size = " + std::to_string(patterns.size()) +
                         "; expected N * H * W = " + std::to_string(static_cast<size_t>(count) * pixels));
  }
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!std::isfinite(patterns[i]) || patterns[i] < 0) {
      fail("patterns", "pattern " + std::to_string(i / pixels) + ", row " +
                           std::to_string(i % pixels / width) + ", column " + std::to_string(i % width) +
                           " = " + std::to_string(patterns[i]) + "; expected a finite count >= 0");
    }
  }
  if (indexes.size() != static_cast<size_t>(count)) {
    fail("indexes", "size = " + std::to_string(indexes.size()) + "; expected N = " + std::to_string(count));
  }
  std::unordered_set<std::int64_t> seen;
  for (std::int64_t index : indexes) {
    if (index < 0) fail("indexes", "value " + std::to_string(index) + "; expected >= 0");
    if (!seen.insert(index).second)
      fail("indexes", "value " + std::to_string(index) + " repeats; expected unique");
  }
  if (bad_pixels.size() != pixels) {
    fail("bad_pixels",
         "size = " + std::to_string(bad_pixels.size()) + "; expected H * W = " + std::to_string(pixels));
  }
}

void write_assembled_diffraction(const std::string& path, const AssembledDiffraction& data) {
  data.validate();
  register_lzf_filter();
  const Where where{path};
  AtomicFile file(path);
  file.close_descriptor();
  {
    hdf5::QuietErrors quiet;
    Handle h5 = where.check(H5Fcreate(file.temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            H5Fclose, "cannot create the HDF5 file");
    const auto n = static_cast<hsize_t>(data.count), h = static_cast<hsize_t>(data.height),
               w = static_cast<hsize_t>(data.width);
    write_lzf_dataset(where, h5.get(), kPatterns, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {n, h, w},
                      std::max<hsize_t>(1, kChunkBytes / (4 * h * w)), data.patterns.data());
    write_lzf_dataset(where, h5.get(), kIndexes, H5T_STD_I64LE, H5T_NATIVE_INT64, {n}, kChunkBytes / 8,
                      data.indexes.data());
    Handle mask_type = bool_type(where);
    write_lzf_dataset(where, h5.get(), kBadPixels, mask_type.get(), mask_type.get(), {h, w}, h,
                      data.bad_pixels.data());
    if (!h5.reset()) where.fail("cannot close the HDF5 file: " + hdf5::error_detail());
  }
  file.commit();
}

AssembledDiffraction read_assembled_diffraction(const std::string& path, std::vector<std::string>* notes) {
  register_lzf_filter();
  const Where where{path};
  hdf5::QuietErrors quiet;
  const hdf5::Reader reader(path, where, "a ptychodus assembled diffraction file");
  return read(reader, where, notes);
}

}  // namespace ptychopinn::io
