#pragma once
// Helpers shared by the nets tests.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ptychopinn/nets/cnn_options.h"

namespace ptychopinn::nets::testing {

// CnnOptions with the fields the tests vary; the rest at their defaults (nfs 2, pad_object, sigmoid).
inline CnnOptions options(int n, int gridsize, bool object_big = true, bool probe_big = true) {
  CnnOptions o;
  o.N = n;
  o.gridsize = gridsize;
  o.object_big = object_big;
  o.probe_big = probe_big;
  return o;
}

// A [batch, C, N, N] input in [0, 1) (like normalised amplitudes), from a local generator so the
// tests neither use nor disturb the global torch seed.
inline torch::Tensor input(const CnnOptions& o, int64_t batch, uint64_t seed = 7,
                           torch::ScalarType dtype = torch::kFloat32) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::rand({batch, o.channels_in(), o.N, o.N}, gen, torch::TensorOptions(dtype));
}

}  // namespace ptychopinn::nets::testing
