#pragma once
// Output activations of the paper CNN's decoders (the reference's ActivationLayer).
#include <torch/torch.h>

#include "ptychopinn/config/enums.h"

namespace ptychopinn::nets {

// The amplitude decoder's activation, elementwise on any floating tensor:
//   sigmoid -> (0, 1); swish x * sigmoid(x) -> [-0.2785, inf); softplus log(1 + e^x) -> (0, inf);
//   relu -> [0, inf).
torch::Tensor amplitude_activation(const torch::Tensor& x, config::AmpActivation activation);

// The phase decoder's activation, pi * tanh(x) -> (-pi, pi), elementwise.
torch::Tensor phase_activation(const torch::Tensor& x);

// Swish (= SiLU), x * sigmoid(x): the outer-ring branch's activation for both decoders.
torch::Tensor swish(const torch::Tensor& x);

}  // namespace ptychopinn::nets
