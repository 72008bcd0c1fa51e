#pragma once
// NpyArray: the in-memory form of one .npy array (and of one .npz member).
#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "ptychopinn/io/dtype.h"

namespace ptychopinn::io {

// The DType that holds C++ type T (bool, std::int8_t ... std::uint64_t, float, double,
// std::complex<float>, std::complex<double>); no definition for other types.
template <class T>
struct DTypeOf;

// An n-d array of one DType, always C-contiguous (row-major) and native (little) endian in memory,
// whatever the layout in the file was.
//
// Storage: the array either owns a buffer it allocated, or aliases bytes it did not allocate (a
// private file mapping from read_npy / NpzReader::read, the bytes given to parse_npy with an owner,
// a tensor's storage from from_tensor) and holds a shared_ptr that keeps them alive. Copies of an
// NpyArray share the same bytes, as torch::Tensor copies do; clone() makes a deep copy.
//
// Alignment: an aliased array may start at an address that is not a multiple of the element size
// (NumPy's savez puts members at arbitrary zip offsets). data() and nbytes() always work on bytes;
// data_as<T>() refuses a misaligned array (compilers assume T* is aligned and may vectorise into
// instructions that fault otherwise); aligned() returns an aligned array, copying only when needed.
//
// Unicode arrays (DType::kUnicode) hold NumPy's fixed-width UTF-32 elements: itemsize() is
// 4 * (max characters), shorter strings are padded with NUL code units. strings() converts to UTF-8.
class NpyArray {
 public:
  // A 1-d, empty float64 array (NumPy's np.array([])).
  NpyArray();

  // A new, owned, zero-filled array. itemsize: 0 means dtype_size(dtype); for kUnicode a positive
  // multiple of 4 (4 * max characters), for other types 0 or dtype_size(dtype).
  // Throws std::invalid_argument on a negative dimension, a size that overflows, or a bad itemsize.
  static NpyArray zeros(DType dtype, std::vector<std::int64_t> shape, std::size_t itemsize = 0);

  // A new array holding a copy of numel(shape) elements read from `data` (C order).
  // T: bool, std::int8_t ... std::uint64_t, float, double, std::complex<float>, std::complex<double>.
  // Throws std::invalid_argument as zeros() does.
  template <class T>
  static NpyArray from_data(const std::vector<std::int64_t>& shape, const T* data) {
    return from_bytes(DTypeOf<T>::value, shape, data);
  }

  // A unicode array of the given shape (numel(shape) == utf8.size(), C order) whose itemsize fits
  // the longest string (at least one character, as NumPy's '<U1'). Throws std::invalid_argument when
  // the counts differ or a string is not valid UTF-8 or contains a NUL character (NumPy would strip
  // it on reading, so it could not round-trip).
  static NpyArray from_strings(const std::vector<std::string>& utf8, std::vector<std::int64_t> shape);

  // A 0-d unicode array holding one string (e.g. the JSON of an npz's `_metadata`).
  static NpyArray scalar_string(const std::string& utf8);

  // An array that aliases the numel(shape) * itemsize bytes at `data`, kept alive by `owner` (which may hold
  // anything: a MappedFile, a tensor, a buffer). `data` must be C-contiguous, native endian.
  // writable: whether mutable_data() may write into these bytes; when false it first copies.
  // aliased: what is_mapped() reports; pass false when the bytes were allocated for this array alone
  // (a decompressed member's buffer), true when they belong to something else (a mapping, a tensor).
  // Throws std::invalid_argument as zeros() does, or when data is null and the array is not empty.
  static NpyArray wrap(DType dtype, std::vector<std::int64_t> shape, std::size_t itemsize, const void* data,
                       std::shared_ptr<void> owner, bool writable, bool aliased = true);

  DType dtype() const { return dtype_; }
  // Bytes per element (dtype_size, or 4 * max characters for unicode).
  std::size_t itemsize() const { return itemsize_; }
  const std::vector<std::int64_t>& shape() const { return shape_; }
  std::size_t ndim() const { return shape_.size(); }
  // Number of elements (1 for a 0-d array, 0 when a dimension is 0).
  std::int64_t numel() const { return numel_; }
  std::size_t nbytes() const { return static_cast<std::size_t>(numel_) * itemsize_; }

  // The bytes, C order, native endian; may be null when nbytes() == 0. May be misaligned (see above).
  const void* data() const { return data_; }
  // The bytes, for writing. If the array aliases bytes it may not write (the bytes given to
  // parse_npy), it first copies them into a buffer of its own, so the caller's bytes never change.
  // Writes into a file mapping are private (copy-on-write) and never reach the file. Other copies of
  // this NpyArray that share the bytes see the writes.
  void* mutable_data();

  // Whether the bytes alias memory the array did not allocate (file mapping, caller's bytes, tensor).
  bool is_mapped() const { return aliased_; }
  // Whether data() is a multiple of the element's natural alignment.
  bool is_aligned() const;

  // Typed view. Throws std::invalid_argument when T does not hold dtype() (DTypeOf<T>) or when the
  // array is misaligned for T (use aligned() first).
  template <class T>
  const T* data_as() const {
    check_access(DTypeOf<T>::value, alignof(T));
    return reinterpret_cast<const T*>(data_);
  }
  template <class T>
  T* mutable_data_as() {
    check_access(DTypeOf<T>::value, alignof(T));
    return static_cast<T*>(mutable_data());
  }

  // A deep copy that owns its bytes.
  NpyArray clone() const;
  // *this when is_aligned(), else a clone (which is aligned).
  NpyArray aligned() const;

  // Unicode elements as UTF-8, C order, trailing NULs removed (NumPy's convention). A code unit that
  // is not a Unicode scalar value (a surrogate or above U+10FFFF) becomes U+FFFD, so reading never
  // fails on a malformed string. Throws std::invalid_argument when dtype() is not kUnicode.
  std::vector<std::string> strings() const;
  // The single string of a 0-d or one-element unicode array; std::invalid_argument otherwise.
  std::string string_value() const;

  // NumPy's descr of the in-memory array: "<f4", "<U12", "|b1", "|u1", "<c8", ...
  std::string descr() const;

  // Elements converted to double, C order, for real dtypes (bool, integers, float32/64); int64 and
  // uint64 values beyond 2^53 are rounded. Meant for reporting (min/max), not for bulk data.
  // Throws std::invalid_argument for complex and unicode arrays.
  std::vector<double> to_double_vector() const;

 private:
  static NpyArray from_bytes(DType dtype, const std::vector<std::int64_t>& shape, const void* data);
  void check_access(DType requested, std::size_t alignment) const;

  DType dtype_ = DType::kFloat64;
  std::size_t itemsize_ = 8;
  std::vector<std::int64_t> shape_{0};
  std::int64_t numel_ = 0;
  std::shared_ptr<void> owner_;
  std::uint8_t* data_ = nullptr;
  bool aliased_ = false;
  bool writable_ = true;
};

// Number of elements of `shape` and the bytes they take at `itemsize` each; false when a dimension
// is negative or the product overflows std::int64_t or std::size_t. Used by every parser on sizes
// read from files.
bool checked_nbytes(const std::vector<std::int64_t>& shape, std::size_t itemsize, std::int64_t* numel,
                    std::size_t* nbytes);

template <>
struct DTypeOf<bool> {
  static constexpr DType value = DType::kBool;
};
template <>
struct DTypeOf<std::int8_t> {
  static constexpr DType value = DType::kInt8;
};
template <>
struct DTypeOf<std::int16_t> {
  static constexpr DType value = DType::kInt16;
};
template <>
struct DTypeOf<std::int32_t> {
  static constexpr DType value = DType::kInt32;
};
template <>
struct DTypeOf<std::int64_t> {
  static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<std::uint8_t> {
  static constexpr DType value = DType::kUInt8;
};
template <>
struct DTypeOf<std::uint16_t> {
  static constexpr DType value = DType::kUInt16;
};
template <>
struct DTypeOf<std::uint32_t> {
  static constexpr DType value = DType::kUInt32;
};
template <>
struct DTypeOf<std::uint64_t> {
  static constexpr DType value = DType::kUInt64;
};
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::kFloat64;
};
template <>
struct DTypeOf<std::complex<float>> {
  static constexpr DType value = DType::kComplex64;
};
template <>
struct DTypeOf<std::complex<double>> {
  static constexpr DType value = DType::kComplex128;
};

}  // namespace ptychopinn::io
