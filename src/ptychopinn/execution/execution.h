#pragma once
// Where and how a run executes: the device it asks for and LibTorch's CPU thread pool. Every layer
// that runs tensor work for a whole run (training, inference, the iterative engine) resolves its
// device and threads here.
#include <torch/torch.h>

#include "ptychopinn/config/runtime_config.h"

namespace ptychopinn::execution {

// auto → CUDA when LibTorch sees a GPU, else CPU; cuda without a GPU throws std::invalid_argument
// ("device = cuda; expected a CUDA device, but LibTorch sees none ...").
torch::Device resolve_device(config::Device device);

// Threads for LibTorch's intra-op pool: `threads`, or every core when 0. Debian's LibTorch starts
// with one thread, so this is always called before work starts. LibTorch's pool is per process;
// this is the one place that sets it. Also makes the caller and the pool's threads flush denormal
// floats to zero. Returns the number in force.
int configure_threads(int threads);

}  // namespace ptychopinn::execution
