#pragma once
// Entry checks of tensor arguments, shared by every layer that takes tensors from a caller (physics,
// nets, infer, eval, iterative); header-only so it costs no extra LibTorch translation unit. Bad
// shapes, dtypes or devices are caller errors, so they throw
// std::invalid_argument (ValueError in Python) with "<where>: <field> = <value>; expected <...>"
// (docs/architecture.md, Errors) rather than TORCH_CHECK's c10::Error.
#include <torch/torch.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace ptychopinn::tensor_checks {

// "[2, 3, 64, 64] complex64"
inline std::string describe(const torch::Tensor& t) {
  if (!t.defined()) return "undefined tensor";
  std::ostringstream s;
  s << t.sizes() << ' ' << t.dtype().name();
  return s.str();
}

[[noreturn]] inline void fail(const char* where, const char* field, const std::string& value,
                              const std::string& expected) {
  throw std::invalid_argument(std::string(where) + ": " + field + " = " + value + "; expected " + expected);
}

inline void require_defined(const char* where, const char* field, const torch::Tensor& t) {
  if (!t.defined()) fail(where, field, "undefined tensor", "a tensor");
}

inline void require_dim(const char* where, const char* field, const torch::Tensor& t, int64_t dim,
                        const char* axes) {
  require_defined(where, field, t);
  if (t.dim() != dim) fail(where, field, describe(t), axes);
}

inline void require_complex(const char* where, const char* field, const torch::Tensor& t) {
  if (!t.is_complex()) fail(where, field, describe(t), "complex64 or complex128");
}

inline void require_real_floating(const char* where, const char* field, const torch::Tensor& t) {
  if (!t.is_floating_point()) fail(where, field, describe(t), "float32 or float64");
}

inline void require_floating_or_complex(const char* where, const char* field, const torch::Tensor& t) {
  if (!t.is_floating_point() && !t.is_complex()) {
    fail(where, field, describe(t), "float32, float64, complex64 or complex128");
  }
}

inline void require_same_device(const char* where, const char* field, const torch::Tensor& t,
                                const torch::Tensor& reference) {
  if (t.device() != reference.device()) {
    fail(where, field, "a tensor on " + t.device().str(),
         "the device of the data (" + reference.device().str() + ")");
  }
}

// The real dtype of the same precision: complex64 -> float32, complex128 -> float64.
inline torch::ScalarType real_dtype(const torch::Tensor& t) {
  return t.is_complex() ? c10::toRealValueType(t.scalar_type()) : t.scalar_type();
}

// The complex dtype of the same precision: float32 -> complex64, float64 -> complex128.
inline torch::ScalarType complex_dtype(torch::ScalarType t) {
  return c10::isComplexType(t) ? t : c10::toComplexType(t);
}

}  // namespace ptychopinn::tensor_checks
