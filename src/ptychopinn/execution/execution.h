#pragma once
// Where and how a run executes: the device it asks for and LibTorch's CPU thread pool. Every layer
// that runs tensor work for a whole run (training, inference, the iterative engine) resolves its
// device and threads here.
#include <torch/torch.h>

#include <string>

#include "ptychopinn/config/runtime_config.h"

namespace ptychopinn::execution {

// auto → CUDA when LibTorch sees a GPU, else CPU; cuda without a GPU throws std::invalid_argument
// ("device = cuda; expected a CUDA device, but LibTorch sees none ...").
torch::Device resolve_device(config::Device device);

// The thread count a run got, and why.
struct ThreadChoice {
  int threads = 1;         // in force
  bool automatic = false;  // asked for 0
  int cores = 1;           // available to the process (automatic only)
  int busy = 0;            // of them kept busy by other work when the run started (automatic only)

  // "2 CPU threads"; "1 CPU thread (automatic: 2 cores, 1 busy with other work)".
  std::string describe() const;
};

// Threads for LibTorch's intra-op pool: `threads`, or when 0 the cores this process may use less
// those that other programs keep busy as it starts (cpu_load.h), at least one. Why not every core:
// a parallel loop waits for its slowest thread, and when another program holds a core one of ours
// is descheduled in every loop while the other waits for it. Measured on 2 cores with one other
// busy program (bench/pinn_bench): 2 threads train at 28-36 % and infer at 30-32 % of their idle
// rate, 1 thread at 50-54 % and 51-52 %. The count is chosen once per run, so that a run's results
// do not depend on load that comes and goes during it; an explicit count is always kept.
// Debian's LibTorch starts with one thread, so this is always called before work starts. LibTorch's
// pool is per process; this is the one place that sets it. Also makes the caller and the pool's
// threads flush denormal floats to zero, and sets the process's allocator to keep the large blocks
// of tensor work for reuse (configure_allocator).
ThreadChoice configure_threads(int threads);

// glibc's malloc gives every block above a threshold its own mapping and returns freed memory at
// the heap's top to the kernel: each batch's activations (tens of MB) were mapped and unmapped
// again, and the kernel zeroed every page on its first touch (inference of 1,000 N = 64 patterns on
// 2 cores: 640,000 page faults, 6 s of its 10 s in the kernel). Blocks up to 32 MiB (the most glibc
// allows) now come from the heap, and up to 256 MiB of free heap top is kept: the same run takes 3.4
// s with 71,000 faults, for some 60 MB more resident memory that stays flat. Per process, like the
// thread pool; called by configure_threads.
void configure_allocator();

}  // namespace ptychopinn::execution
