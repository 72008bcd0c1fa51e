#include "ptychopinn/io/tensor_convert.h"

#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

torch::ScalarType scalar_type_of(DType dtype) {
  switch (dtype) {
    case DType::kBool:
      return torch::kBool;
    case DType::kInt8:
      return torch::kChar;
    case DType::kInt16:
      return torch::kShort;
    case DType::kInt32:
      return torch::kInt;
    case DType::kInt64:
      return torch::kLong;
    case DType::kUInt8:
      return torch::kByte;
    case DType::kUInt16:
      return torch::kInt;
    case DType::kUInt32:
      return torch::kLong;
    case DType::kUInt64:
      return torch::kLong;
    case DType::kFloat32:
      return torch::kFloat;
    case DType::kFloat64:
      return torch::kDouble;
    case DType::kComplex64:
      return torch::kComplexFloat;
    case DType::kComplex128:
      return torch::kComplexDouble;
    case DType::kUnicode:
      break;
  }
  throw std::invalid_argument("to_tensor: dtype = " + to_string(dtype) +
                              "; expected a numeric dtype (unicode arrays have no tensor type: use "
                              "NpyArray::strings())");
}

// Widens an unsigned array into a new tensor of a signed type twice as wide.
template <class From, class To>
torch::Tensor widen(const NpyArray& array, torch::ScalarType type) {
  torch::Tensor t = torch::empty(array.shape(), torch::TensorOptions().dtype(type));
  const auto* src = static_cast<const std::uint8_t*>(array.data());
  To* dst = t.data_ptr<To>();
  for (std::int64_t i = 0; i < array.numel(); ++i) {
    From v;
    std::memcpy(&v, src + static_cast<std::size_t>(i) * sizeof(From), sizeof(From));
    dst[i] = static_cast<To>(v);
  }
  return t;
}

}  // namespace

torch::Tensor to_tensor(const NpyArray& array) {
  const torch::ScalarType type = scalar_type_of(array.dtype());
  switch (array.dtype()) {
    case DType::kUInt16:
      return widen<std::uint16_t, std::int32_t>(array, type);
    case DType::kUInt32:
      return widen<std::uint32_t, std::int64_t>(array, type);
    case DType::kUInt64: {
      const auto* p = static_cast<const std::uint8_t*>(array.data());
      for (std::int64_t i = 0; i < array.numel(); ++i) {
        std::uint64_t v;
        std::memcpy(&v, p + static_cast<std::size_t>(i) * 8, 8);
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          throw std::out_of_range("to_tensor: uint64 element " + std::to_string(i) + " = " +
                                  std::to_string(v) + "; expected at most INT64_MAX (" +
                                  std::to_string(std::numeric_limits<std::int64_t>::max()) +
                                  ") to fit torch's int64");
        }
      }
      break;  // same bits as int64: shared below
    }
    default:
      break;
  }
  if (array.numel() == 0) return torch::empty(array.shape(), torch::TensorOptions().dtype(type));
  // The deleter owns a copy of the array (sharing its storage), so the bytes outlive the tensor.
  // mutable_data() copies bytes the array may not write, since a tensor is writable.
  auto holder = std::make_shared<NpyArray>(array.aligned());
  void* data = holder->mutable_data();
  return torch::from_blob(
      data, holder->shape(), [holder](void*) mutable { holder.reset(); }, torch::TensorOptions().dtype(type));
}

NpyArray from_tensor(const torch::Tensor& tensor) {
  DType dtype;
  switch (tensor.scalar_type()) {
    case torch::kBool:
      dtype = DType::kBool;
      break;
    case torch::kChar:
      dtype = DType::kInt8;
      break;
    case torch::kShort:
      dtype = DType::kInt16;
      break;
    case torch::kInt:
      dtype = DType::kInt32;
      break;
    case torch::kLong:
      dtype = DType::kInt64;
      break;
    case torch::kByte:
      dtype = DType::kUInt8;
      break;
    case torch::kFloat:
      dtype = DType::kFloat32;
      break;
    case torch::kDouble:
      dtype = DType::kFloat64;
      break;
    case torch::kComplexFloat:
      dtype = DType::kComplex64;
      break;
    case torch::kComplexDouble:
      dtype = DType::kComplex128;
      break;
    default:
      throw std::invalid_argument(std::string("from_tensor: tensor dtype = ") +
                                  c10::toString(tensor.scalar_type()) +
                                  "; expected bool, int8-64, uint8, float32/64 or complex64/128");
  }
  auto cpu = std::make_shared<torch::Tensor>(tensor.detach().to(torch::kCPU).contiguous());
  return NpyArray::wrap(dtype, cpu->sizes().vec(), 0, cpu->numel() > 0 ? cpu->data_ptr() : nullptr, cpu,
                        true);
}

}  // namespace ptychopinn::io
