// parse_npy / read_npy / encode_npy / write_npy: the data part of .npy files (the header is in
// npy_header.cpp, the pickled-string case in pickle_string.cpp).
#include "ptychopinn/io/npy.h"

#include <algorithm>
#include <cstring>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/file_format.h"
#include "ptychopinn/io/mapped_file.h"
#include "ptychopinn/io/pickle_string.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "io/npy assumes a little-endian host (x86-64, AArch64)");

// Size of the units to byte-swap inside one element: complex numbers are two floats, unicode
// elements are runs of UTF-32 code units.
std::size_t swap_unit(DType dtype, std::size_t itemsize) {
  if (is_complex(dtype)) return itemsize / 2;
  if (dtype == DType::kUnicode) return 4;
  return itemsize;
}

void byte_swap(std::uint8_t* p, std::size_t nbytes, std::size_t unit) {
  if (unit <= 1) return;
  for (std::size_t i = 0; i + unit <= nbytes; i += unit) std::reverse(p + i, p + i + unit);
}

// Whether a Fortran-order array has the same bytes as its C-order form (at most one dimension > 1).
bool fortran_is_c(const std::vector<std::int64_t>& shape) {
  return std::count_if(shape.begin(), shape.end(), [](std::int64_t d) { return d > 1; }) <= 1;
}

// Copies a Fortran-order array (column-major) into C order. The source index advances with the
// Fortran strides while the destination walks C order with an odometer over the shape.
void fortran_to_c(const std::uint8_t* src, std::uint8_t* dst, const std::vector<std::int64_t>& shape,
                  std::size_t itemsize, std::int64_t numel) {
  const std::size_t nd = shape.size();
  if (nd == 0 || numel <= 0) return;
  std::vector<std::size_t> fstride(nd);
  std::size_t s = itemsize;
  for (std::size_t k = 0; k < nd; ++k) {
    fstride[k] = s;
    s *= static_cast<std::size_t>(shape[k]);
  }
  std::vector<std::int64_t> index(nd, 0);
  std::size_t offset = 0;
  for (std::int64_t i = 0; i < numel; ++i) {
    std::memcpy(dst + static_cast<std::size_t>(i) * itemsize, src + offset, itemsize);
    for (std::size_t k = nd; k-- > 0;) {
      if (++index[k] < shape[k]) {
        offset += fstride[k];
        break;
      }
      offset -= fstride[k] * static_cast<std::size_t>(shape[k] - 1);
      index[k] = 0;
    }
  }
}

// Whether every byte of a bool array is 0 or 1 (anything else would be an invalid C++/torch bool).
bool bools_are_canonical(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] > 1) return false;
  }
  return true;
}

}  // namespace

NpyArray parse_npy(const void* bytes, std::size_t size, const std::string& where,
                   std::shared_ptr<void> owner) {
  const NpyHeader h = parse_npy_header(bytes, size, where);
  const auto* data = static_cast<const std::uint8_t*>(bytes) + h.data_offset;
  const std::size_t available = size - h.data_offset;
  if (h.pickled_object) {
    return NpyArray::scalar_string(unpickle_numpy_object_string(data, available, where));
  }
  std::int64_t numel = 0;
  std::size_t nbytes = 0;
  checked_nbytes(h.shape, h.itemsize, &numel, &nbytes);  // cannot fail: parse_npy_header checked
  if (nbytes > available) {
    throw_io_error(where, "data = " + std::to_string(available) + " bytes; expected " +
                              std::to_string(nbytes) + " for shape " + format_shape(h.shape) + " of " +
                              h.descr + " (the file is truncated)");
  }
  const bool native = !h.big_endian || swap_unit(h.dtype, h.itemsize) <= 1;
  const bool c_layout = !h.fortran_order || fortran_is_c(h.shape);
  const bool bools_ok = h.dtype != DType::kBool || bools_are_canonical(data, nbytes);
  // Aliased even when misaligned (NumPy's savez puts members at any offset): copying would defeat
  // mapping a dataset larger than RAM. NpyArray::data_as refuses misaligned data; aligned() copies.
  if (owner && native && c_layout && bools_ok) {
    return NpyArray::wrap(h.dtype, h.shape, h.itemsize, nbytes > 0 ? data : nullptr, std::move(owner), false);
  }
  NpyArray out = NpyArray::zeros(h.dtype, h.shape, h.itemsize);
  auto* dst = static_cast<std::uint8_t*>(out.mutable_data());
  if (nbytes == 0) return out;
  if (c_layout) {
    std::memcpy(dst, data, nbytes);
  } else {
    fortran_to_c(data, dst, h.shape, h.itemsize, numel);
  }
  if (!native) byte_swap(dst, nbytes, swap_unit(h.dtype, h.itemsize));
  if (!bools_ok) {
    for (std::size_t i = 0; i < nbytes; ++i) dst[i] = dst[i] != 0;
  }
  return out;
}

NpyArray read_npy(const std::string& path) {
  auto file = std::make_shared<MappedFile>(path);
  require_file_format(path, file->data(), file->size(), FileFormat::kNpy);
  NpyArray a = parse_npy(file->data(), file->size(), path, file);
  // The mapping is private, so writes through the array may go straight into it (copy-on-write).
  if (a.is_mapped()) {
    return NpyArray::wrap(a.dtype(), a.shape(), a.itemsize(), a.data(), file, true);
  }
  return a;
}

std::string encode_npy(const NpyArray& array) {
  std::string out = encode_npy_header(array);
  if (array.nbytes() > 0) out.append(static_cast<const char*>(array.data()), array.nbytes());
  return out;
}

void write_npy(const std::string& path, const NpyArray& array) {
  AtomicFile file(path);
  const std::string header = encode_npy_header(array);
  file.write(header.data(), header.size());
  file.write(array.data(), array.nbytes());
  file.commit();
}

}  // namespace ptychopinn::io
