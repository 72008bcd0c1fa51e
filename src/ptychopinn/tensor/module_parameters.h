#pragma once
// Counting a module's parameters: the number training reports, the model archive's manifest records
// and the parameter-count tests check against the paper's network.
#include <torch/torch.h>

#include <cstdint>

namespace ptychopinn {

// Number of scalar parameters with requires_grad, over module and all its descendants.
inline int64_t count_trainable_parameters(const torch::nn::Module& module) {
  int64_t total = 0;
  for (const auto& p : module.parameters(/*recurse=*/true)) {
    if (p.requires_grad()) total += p.numel();
  }
  return total;
}

}  // namespace ptychopinn
