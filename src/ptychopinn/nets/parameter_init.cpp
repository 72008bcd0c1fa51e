#include "ptychopinn/nets/parameter_init.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace ptychopinn::nets {

namespace {

// Redraws weight (any device, any dtype) from gen: drawn in float64 on the CPU, then copied in, so
// a float32 and a float64 module get the same weights up to rounding.
void glorot_uniform_(torch::Tensor& weight, int64_t fan_in, int64_t fan_out, at::Generator& gen) {
  const double bound = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  auto draw = torch::empty(weight.sizes(), torch::TensorOptions(torch::kFloat64));
  draw.uniform_(-bound, bound, gen);
  weight.copy_(draw);
}

}  // namespace

void glorot_uniform_init(torch::nn::Module& m, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::NoGradGuard no_grad;
  // apply() visits m and then its descendants in registration order, so the draw order is fixed.
  m.apply([&](torch::nn::Module& sub) {
    if (auto* conv = sub.as<torch::nn::Conv2d>()) {
      const int64_t receptive = conv->weight.size(2) * conv->weight.size(3);
      // weight: [out, in / groups, kh, kw]
      glorot_uniform_(conv->weight, conv->weight.size(1) * receptive, conv->weight.size(0) * receptive, gen);
      if (conv->bias.defined()) conv->bias.zero_();
    } else if (auto* linear = sub.as<torch::nn::Linear>()) {
      glorot_uniform_(linear->weight, linear->weight.size(1), linear->weight.size(0), gen);  // [out, in]
      if (linear->bias.defined()) linear->bias.zero_();
    }
  });
}

}  // namespace ptychopinn::nets
