#pragma once
// A module's state (parameters and buffers) as an ordered list of named tensors, and back: what the
// model archive stores as weights.npz.
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace ptychopinn::bundle {

// Ordered (name, tensor) pairs. Names are those of torch::nn::Module::named_parameters() and
// named_buffers() ("encoder.0.weight"), which are also the state_dict keys of the Python port.
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Every parameter (named_parameters order), then every buffer (named_buffers order), as detached,
// contiguous CPU copies with the module's dtypes: later training steps do not change them.
NamedTensors state_of(const torch::nn::Module& module);

// Copies `weights` into the module's parameters and buffers, in place (the module's tensors keep
// their device, dtype and identity, so an optimiser holding them stays valid; copying to a CUDA
// module is exact). The names must match exactly: every parameter and buffer of the module must be
// present, no other name may be, and each must have the module's shape and dtype. Checked before
// anything is copied, so on failure the module is unchanged.
// Throws IoError "<source>: weight '<name>' has shape [a, b] in the archive; the model expects
// [c, d]" (likewise for dtypes), or listing the names missing from / unexpected in the archive,
// with a did-you-mean.
void load_state(torch::nn::Module& module, const NamedTensors& weights, const std::string& source);

}  // namespace ptychopinn::bundle
