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
// floats to zero, and sets the process's allocator to keep the large blocks of tensor work for
// reuse (configure_allocator). Returns the number in force.
int configure_threads(int threads);

// glibc's malloc gives every block above a threshold its own mapping and returns freed memory at
// the heap's top to the kernel: each batch's activations (tens of MB) were mapped and unmapped
// again, and the kernel zeroed every page on its first touch (inference of 1,000 N = 64 patterns on
// 2 cores: 640,000 page faults, 6 s of its 10 s in the kernel). Blocks up to 32 MiB (the most glibc
// allows) now come from the heap, and up to 256 MiB of free heap top is kept: the same run takes 3.4
// s with 71,000 faults, for some 60 MB more resident memory that stays flat. Per process, like the
// thread pool; called by configure_threads.
void configure_allocator();

}  // namespace ptychopinn::execution
