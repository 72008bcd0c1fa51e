#include "ptychopinn/nets/memory_layout.h"

namespace ptychopinn::nets {

torch::Tensor in_memory_format(const torch::Tensor& t, torch::MemoryFormat format) {
  auto out = t.contiguous(format);
  if (out.requires_grad()) {
    out.register_hook([format](torch::Tensor grad) { return grad.contiguous(format); });
  }
  return out;
}

torch::Tensor input_in_memory_format(const torch::Tensor& x, torch::MemoryFormat format) {
  if (format == torch::MemoryFormat::Contiguous) return x.contiguous();
  return x.suggest_memory_format() == format ? x : x.clone(format);
}

torch::MemoryFormat activation_memory_format(const torch::Tensor& x, torch::MemoryFormat cpu_format) {
  return x.is_cpu() && x.scalar_type() == torch::kFloat32 ? cpu_format : torch::MemoryFormat::Contiguous;
}

}  // namespace ptychopinn::nets
