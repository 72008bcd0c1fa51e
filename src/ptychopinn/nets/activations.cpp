#include "ptychopinn/nets/activations.h"

#include <stdexcept>
#include <string>

namespace ptychopinn::nets {

torch::Tensor amplitude_activation(const torch::Tensor& x, config::AmpActivation activation) {
  switch (activation) {
    case config::AmpActivation::kSigmoid:
      return torch::sigmoid(x);
    case config::AmpActivation::kSwish:
      return swish(x);
    case config::AmpActivation::kSoftplus:
      return torch::softplus(x);
    case config::AmpActivation::kRelu:
      return torch::relu(x);
  }
  throw std::invalid_argument(
      "nets::amplitude_activation: amp_activation = " + std::to_string(static_cast<int>(activation)) +
      "; expected sigmoid, swish, softplus or relu");
}

torch::Tensor phase_activation(const torch::Tensor& x) { return M_PI * torch::tanh(x); }

// torch::silu is one fused kernel (forward and backward), cheaper than x * sigmoid(x).
torch::Tensor swish(const torch::Tensor& x) { return torch::silu(x); }

}  // namespace ptychopinn::nets
