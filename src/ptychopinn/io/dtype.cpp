#include "ptychopinn/io/dtype.h"

#include <array>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

// The only table of valid spellings: to_string and parsing both read it.
constexpr std::array<std::pair<DType, const char*>, 14> kDTypeNames = {{
    {DType::kBool, "bool"},
    {DType::kInt8, "int8"},
    {DType::kInt16, "int16"},
    {DType::kInt32, "int32"},
    {DType::kInt64, "int64"},
    {DType::kUInt8, "uint8"},
    {DType::kUInt16, "uint16"},
    {DType::kUInt32, "uint32"},
    {DType::kUInt64, "uint64"},
    {DType::kFloat32, "float32"},
    {DType::kFloat64, "float64"},
    {DType::kComplex64, "complex64"},
    {DType::kComplex128, "complex128"},
    {DType::kUnicode, "unicode"},
}};

}  // namespace

std::string to_string(DType dtype) {
  for (const auto& [d, name] : kDTypeNames) {
    if (d == dtype) return name;
  }
  return "DType(" + std::to_string(static_cast<int>(dtype)) + ")";
}

DType parse_dtype(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& [d, n] : kDTypeNames) {
    if (name == n) return d;
    names.emplace_back(n);
  }
  throw std::invalid_argument("dtype = " + quoted(name) + "; expected one of " + join(names, ", ") +
                              did_you_mean(name, names));
}

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kBool:
    case DType::kInt8:
    case DType::kUInt8:
      return 1;
    case DType::kInt16:
    case DType::kUInt16:
      return 2;
    case DType::kInt32:
    case DType::kUInt32:
    case DType::kFloat32:
    case DType::kUnicode:
      return 4;
    case DType::kInt64:
    case DType::kUInt64:
    case DType::kFloat64:
    case DType::kComplex64:
      return 8;
    case DType::kComplex128:
      return 16;
  }
  return 0;
}

bool is_complex(DType dtype) { return dtype == DType::kComplex64 || dtype == DType::kComplex128; }

bool is_floating(DType dtype) { return dtype == DType::kFloat32 || dtype == DType::kFloat64; }

bool is_integer(DType dtype) {
  switch (dtype) {
    case DType::kInt8:
    case DType::kInt16:
    case DType::kInt32:
    case DType::kInt64:
    case DType::kUInt8:
    case DType::kUInt16:
    case DType::kUInt32:
    case DType::kUInt64:
      return true;
    default:
      return false;
  }
}

}  // namespace ptychopinn::io
