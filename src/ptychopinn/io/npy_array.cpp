#include "ptychopinn/io/npy_array.h"

#include <algorithm>
#include <complex>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "ptychopinn/io/utf.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

// Owned storage. operator new[] of std::max_align_t keeps every element type aligned.
std::shared_ptr<std::uint8_t> allocate(std::size_t nbytes) {
  const std::size_t words = (nbytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
  auto* p = new std::max_align_t[words == 0 ? 1 : words];
  return std::shared_ptr<std::uint8_t>(reinterpret_cast<std::uint8_t*>(p),
                                       [p](std::uint8_t*) { delete[] p; });
}

std::size_t natural_alignment(DType dtype) {
  switch (dtype) {
    case DType::kComplex64:
      return alignof(std::complex<float>);
    case DType::kComplex128:
      return alignof(std::complex<double>);
    default:
      return dtype_size(dtype);
  }
}

// Validates (dtype, itemsize) and returns the effective itemsize.
std::size_t resolve_itemsize(DType dtype, std::size_t itemsize) {
  if (dtype == DType::kUnicode) {
    if (itemsize == 0) return 4;
    if (itemsize % 4 != 0) {
      throw std::invalid_argument("NpyArray: itemsize = " + std::to_string(itemsize) +
                                  " for unicode; expected a positive multiple of 4");
    }
    return itemsize;
  }
  if (itemsize != 0 && itemsize != dtype_size(dtype)) {
    throw std::invalid_argument("NpyArray: itemsize = " + std::to_string(itemsize) + " for " +
                                to_string(dtype) + "; expected 0 or " + std::to_string(dtype_size(dtype)));
  }
  return dtype_size(dtype);
}

// Reads element i of a real array as double; memcpy because the bytes may be misaligned.
template <class T>
double load_as_double(const std::uint8_t* p, std::int64_t i) {
  T v;
  std::memcpy(&v, p + static_cast<std::size_t>(i) * sizeof(T), sizeof(T));
  return static_cast<double>(v);
}

}  // namespace

bool checked_nbytes(const std::vector<std::int64_t>& shape, std::size_t itemsize, std::int64_t* numel,
                    std::size_t* nbytes) {
  std::int64_t n = 1;
  bool zero = false;
  for (std::int64_t d : shape) {
    if (d < 0) return false;
    if (d == 0) zero = true;
  }
  // Even an empty array must not declare an absurd shape: check the product of non-zero dims too.
  for (std::int64_t d : shape) {
    if (d == 0) continue;
    if (n > std::numeric_limits<std::int64_t>::max() / d) return false;
    n *= d;
  }
  if (zero) n = 0;
  const auto un = static_cast<std::uint64_t>(n);
  if (itemsize != 0 && un > std::numeric_limits<std::size_t>::max() / itemsize) return false;
  // Keep byte counts within ptrdiff_t so that pointer arithmetic on them is defined.
  if (itemsize != 0 &&
      un * itemsize > static_cast<std::uint64_t>(std::numeric_limits<std::ptrdiff_t>::max())) {
    return false;
  }
  *numel = n;
  *nbytes = static_cast<std::size_t>(un * itemsize);
  return true;
}

NpyArray::NpyArray() = default;

NpyArray NpyArray::zeros(DType dtype, std::vector<std::int64_t> shape, std::size_t itemsize) {
  NpyArray a;
  a.dtype_ = dtype;
  a.itemsize_ = resolve_itemsize(dtype, itemsize);
  std::size_t nbytes = 0;
  if (!checked_nbytes(shape, a.itemsize_, &a.numel_, &nbytes)) {
    throw std::invalid_argument("NpyArray: shape = " + format_shape(shape) +
                                "; expected non-negative dimensions whose product fits in memory");
  }
  a.shape_ = std::move(shape);
  auto buffer = allocate(nbytes);
  std::memset(buffer.get(), 0, nbytes);
  a.data_ = buffer.get();
  a.owner_ = std::move(buffer);
  return a;
}

NpyArray NpyArray::from_bytes(DType dtype, const std::vector<std::int64_t>& shape, const void* data) {
  NpyArray a = zeros(dtype, shape);
  if (a.nbytes() > 0) std::memcpy(a.data_, data, a.nbytes());
  return a;
}

NpyArray NpyArray::from_strings(const std::vector<std::string>& utf8, std::vector<std::int64_t> shape) {
  std::vector<std::u32string> units;
  units.reserve(utf8.size());
  std::size_t max_chars = 1;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    units.push_back(utf8_to_utf32(utf8[i], "NpyArray::from_strings"));
    if (units.back().find(char32_t{0}) != std::u32string::npos) {
      throw std::invalid_argument("NpyArray::from_strings: string " + std::to_string(i) + " = " +
                                  quoted(utf8[i]) + "; expected no NUL characters");
    }
    max_chars = std::max(max_chars, units.back().size());
  }
  if (max_chars > std::numeric_limits<std::size_t>::max() / 4) {
    throw std::invalid_argument("NpyArray::from_strings: string too long");
  }
  NpyArray a = zeros(DType::kUnicode, std::move(shape), 4 * max_chars);
  if (static_cast<std::size_t>(a.numel_) != utf8.size()) {
    throw std::invalid_argument("NpyArray::from_strings: shape = " + format_shape(a.shape_) + " holds " +
                                std::to_string(a.numel_) + " elements; expected " +
                                std::to_string(utf8.size()) + " (one per string)");
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    std::memcpy(a.data_ + i * a.itemsize_, units[i].data(), units[i].size() * 4);
  }
  return a;
}

NpyArray NpyArray::scalar_string(const std::string& utf8) { return from_strings({utf8}, {}); }

NpyArray NpyArray::wrap(DType dtype, std::vector<std::int64_t> shape, std::size_t itemsize, const void* data,
                        std::shared_ptr<void> owner, bool writable, bool aliased) {
  NpyArray a;
  a.dtype_ = dtype;
  a.itemsize_ = resolve_itemsize(dtype, itemsize);
  std::size_t nbytes = 0;
  if (!checked_nbytes(shape, a.itemsize_, &a.numel_, &nbytes)) {
    throw std::invalid_argument("NpyArray::wrap: shape = " + format_shape(shape) +
                                "; expected non-negative dimensions whose product fits in memory");
  }
  if (data == nullptr && nbytes > 0) {
    throw std::invalid_argument("NpyArray::wrap: data = null for " + std::to_string(nbytes) +
                                " bytes; expected a pointer");
  }
  a.shape_ = std::move(shape);
  // The constness of the caller's bytes is tracked by writable_: mutable_data() copies first.
  a.data_ = static_cast<std::uint8_t*>(const_cast<void*>(data));
  a.owner_ = std::move(owner);
  a.aliased_ = aliased;
  a.writable_ = writable;
  return a;
}

void* NpyArray::mutable_data() {
  if (!writable_) *this = clone();
  return data_;
}

bool NpyArray::is_aligned() const {
  return reinterpret_cast<std::uintptr_t>(data_) % natural_alignment(dtype_) == 0;
}

void NpyArray::check_access(DType requested, std::size_t alignment) const {
  if (requested != dtype_) {
    throw std::invalid_argument("NpyArray::data_as: requested type = " + to_string(requested) +
                                "; expected the array's dtype " + to_string(dtype_));
  }
  if (reinterpret_cast<std::uintptr_t>(data_) % alignment != 0) {
    throw std::invalid_argument(
        "NpyArray::data_as: data address is not a multiple of " + std::to_string(alignment) +
        " (a misaligned member of a stored .npz); expected an aligned array: call aligned() first");
  }
}

NpyArray NpyArray::clone() const {
  NpyArray a = zeros(dtype_, shape_, itemsize_);
  if (nbytes() > 0) std::memcpy(a.data_, data_, nbytes());
  return a;
}

NpyArray NpyArray::aligned() const { return is_aligned() ? *this : clone(); }

std::vector<std::string> NpyArray::strings() const {
  if (dtype_ != DType::kUnicode) {
    throw std::invalid_argument("NpyArray::strings: dtype = " + to_string(dtype_) + "; expected unicode");
  }
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(numel_));
  for (std::int64_t i = 0; i < numel_; ++i) {
    out.push_back(utf32_to_utf8(data_ + static_cast<std::size_t>(i) * itemsize_, itemsize_ / 4));
  }
  return out;
}

std::string NpyArray::string_value() const {
  if (dtype_ != DType::kUnicode || numel_ != 1) {
    throw std::invalid_argument("NpyArray::string_value: array is " + to_string(dtype_) + " " +
                                format_shape(shape_) + "; expected a 0-d or one-element unicode array");
  }
  return strings().front();
}

std::string NpyArray::descr() const {
  switch (dtype_) {
    case DType::kBool:
      return "|b1";
    case DType::kInt8:
      return "|i1";
    case DType::kUInt8:
      return "|u1";
    case DType::kInt16:
      return "<i2";
    case DType::kInt32:
      return "<i4";
    case DType::kInt64:
      return "<i8";
    case DType::kUInt16:
      return "<u2";
    case DType::kUInt32:
      return "<u4";
    case DType::kUInt64:
      return "<u8";
    case DType::kFloat32:
      return "<f4";
    case DType::kFloat64:
      return "<f8";
    case DType::kComplex64:
      return "<c8";
    case DType::kComplex128:
      return "<c16";
    case DType::kUnicode:
      return "<U" + std::to_string(itemsize_ / 4);
  }
  return "";
}

std::vector<double> NpyArray::to_double_vector() const {
  std::vector<double> out(static_cast<std::size_t>(numel_));
  double (*load)(const std::uint8_t*, std::int64_t) = nullptr;
  switch (dtype_) {
    case DType::kBool:
      load = [](const std::uint8_t* p, std::int64_t i) { return p[i] != 0 ? 1.0 : 0.0; };
      break;
    case DType::kInt8:
      load = load_as_double<std::int8_t>;
      break;
    case DType::kInt16:
      load = load_as_double<std::int16_t>;
      break;
    case DType::kInt32:
      load = load_as_double<std::int32_t>;
      break;
    case DType::kInt64:
      load = load_as_double<std::int64_t>;
      break;
    case DType::kUInt8:
      load = load_as_double<std::uint8_t>;
      break;
    case DType::kUInt16:
      load = load_as_double<std::uint16_t>;
      break;
    case DType::kUInt32:
      load = load_as_double<std::uint32_t>;
      break;
    case DType::kUInt64:
      load = load_as_double<std::uint64_t>;
      break;
    case DType::kFloat32:
      load = load_as_double<float>;
      break;
    case DType::kFloat64:
      load = load_as_double<double>;
      break;
    default:
      throw std::invalid_argument("NpyArray::to_double_vector: dtype = " + to_string(dtype_) +
                                  "; expected a real dtype (bool, integer or floating)");
  }
  for (std::int64_t i = 0; i < numel_; ++i) out[static_cast<std::size_t>(i)] = load(data_, i);
  return out;
}

}  // namespace ptychopinn::io
