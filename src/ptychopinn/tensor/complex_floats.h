#pragma once
// A complex64 tensor's data as interleaved (real, imaginary) floats: loops over plain floats
// vectorise, loops over std::complex<float> do not. The caller guarantees a contiguous complex64
// tensor on the host.
#include <torch/torch.h>

namespace ptychopinn {

inline float* complex_floats(const torch::Tensor& t) {
  return reinterpret_cast<float*>(t.data_ptr<c10::complex<float>>());
}

}  // namespace ptychopinn
