#pragma once
// Parameter initialisation for the networks (counting: tensor/module_parameters.h).
#include <torch/torch.h>

#include <cstdint>

#include "ptychopinn/tensor/module_parameters.h"

namespace ptychopinn::nets {

// The seed CnnGenerator's constructor initialises from.
constexpr uint64_t kDefaultInitSeed = 0;

// Keras defaults for every Conv2d and Linear in m (m included): weights uniform in [-a, a] with
// a = sqrt(6 / (fan_in + fan_out)), fan_in = in_channels * kh * kw, fan_out = out_channels * kh * kw
// (Glorot/Xavier uniform), and zero biases. Other parameters (a learned scale, a probe) are left
// alone. Deterministic from seed: a local CPU generator draws every weight in module order, in
// float64, before it is copied into the parameter, so the result does not depend on the device,
// the dtype (up to rounding), the thread count or the global torch seed, which is never touched.
void glorot_uniform_init(torch::nn::Module& m, uint64_t seed);

}  // namespace ptychopinn::nets
