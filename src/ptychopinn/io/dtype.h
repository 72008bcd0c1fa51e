#pragma once
// Element types of the arrays that io/ reads and writes (.npy / .npz), and their NumPy spellings.
#include <cstddef>
#include <string>

namespace ptychopinn::io {

// The element types an NpyArray can hold. kUnicode is NumPy's fixed-width '<U<n>' string type: each
// element is n UTF-32 code units (trailing NULs pad shorter strings).
enum class DType {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kComplex64,
  kComplex128,
  kUnicode,
};

// The NumPy name of the type: "bool", "int8", ..., "uint64", "float32", "float64", "complex64",
// "complex128", "unicode".
std::string to_string(DType dtype);

// Inverse of to_string. Throws std::invalid_argument listing the valid names (and a did-you-mean)
// for anything else.
DType parse_dtype(const std::string& name);

// Bytes per element; for kUnicode the size of one UTF-32 code unit (4), since the element size of a
// unicode array depends on its maximum string length (NpyArray::itemsize()).
std::size_t dtype_size(DType dtype);

bool is_complex(DType dtype);   // kComplex64, kComplex128
bool is_floating(DType dtype);  // kFloat32, kFloat64 (not complex)
bool is_integer(DType dtype);   // signed and unsigned integers (not bool)

}  // namespace ptychopinn::io
