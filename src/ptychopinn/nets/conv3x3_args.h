#pragma once
// What our own 3 x 3 convolution kernels (winograd_gemm.h, thin_conv3x3.h, winograd_conv3x3.h) take
// and ask of their arguments: float32 on the CPU, x [B, in, H, W] with no empty dimension, weight
// [out, in, 3, 3] and a bias [out]; whether autograd records the call.
#include <torch/torch.h>

namespace ptychopinn::nets {

// Whether this build has oneDNN's headers (our kernels' matrix products are its sgemm).
#if PTYCHOPINN_HAVE_ONEDNN
constexpr bool kHaveOneDnn = true;
#else
constexpr bool kHaveOneDnn = false;
#endif

inline bool float_cpu_conv3x3_args(const torch::Tensor& x, const torch::Tensor& weight,
                                   const torch::Tensor& bias) {
  const auto is_cpu_float = [](const torch::Tensor& t) {
    return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat;
  };
  return is_cpu_float(x) && is_cpu_float(weight) && is_cpu_float(bias) && x.dim() == 4 && weight.dim() == 4 &&
         bias.dim() == 1 && weight.size(1) == x.size(1) && weight.size(2) == 3 && weight.size(3) == 3 &&
         bias.size(0) == weight.size(0) && x.numel() > 0;
}

// Whether a convolution of these tensors is recorded for backward: autograd on and any of them
// requiring gradients (the kernels then save what backward needs; otherwise they run inference).
inline bool records_gradients(const torch::Tensor& x, const torch::Tensor& weight,
                              const torch::Tensor& bias) {
  return torch::GradMode::is_enabled() &&
         (x.requires_grad() || weight.requires_grad() || bias.requires_grad());
}

}  // namespace ptychopinn::nets
