#include "ptychopinn/execution/execution.h"

#include <ATen/Parallel.h>
#include <malloc.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "ptychopinn/execution/cpu_load.h"

namespace ptychopinn::execution {

torch::Device resolve_device(config::Device device) {
  switch (device) {
    case config::Device::kCpu:
      return torch::kCPU;
    case config::Device::kCuda:
      if (!torch::cuda::is_available()) {
        throw std::invalid_argument(
            "device = cuda; expected a CUDA device, but LibTorch sees none (this build or machine has no "
            "GPU); use --device cpu or auto");
      }
      return torch::kCUDA;
    case config::Device::kAuto:
      break;
  }
  return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

void configure_allocator() {
  constexpr int kMmapThreshold = 32 << 20;  // glibc's upper bound on 64-bit systems
  constexpr int kTrimThreshold = 256 << 20;
#if defined(__GLIBC__)
  ::mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  ::mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
}

std::string ThreadChoice::describe() const {
  std::string s = std::to_string(threads) + (threads == 1 ? " CPU thread" : " CPU threads");
  if (automatic) {
    s += " (automatic: " + std::to_string(cores) + (cores == 1 ? " core" : " cores");
    if (busy > 0) s += ", " + std::to_string(busy) + " busy with other work";
    s += ")";
  }
  return s;
}

ThreadChoice configure_threads(int threads) {
  configure_allocator();
  ThreadChoice choice;
  choice.automatic = threads <= 0;
  if (choice.automatic) {
    choice.cores = available_cores();
    choice.busy = choice.cores > 1 ? busy_elsewhere() : 0;
    choice.threads = automatic_threads(choice.cores, choice.busy);
  } else {
    choice.threads = threads;
  }
  const int n = choice.threads;
  if (torch::get_num_threads() != n) torch::set_num_threads(n);
  // Denormal floats take a slow microcode path on x86 (tens of times slower per operation);
  // vanishing activations and gradients (a freshly initialised network, a late training step)
  // produce them. Flushing them to zero removes that cost and changes no value above 1e-38.
  // The flag lives in each thread's MXCSR, so it is set in the caller and in every worker of the
  // pool: a parallel loop of n one-element chunks gives each of the n threads exactly one chunk.
  // (The pool may already exist, as in a Python process that imported torch first.)
  at::globalContext().setFlushDenormal(true);
  at::parallel_for(0, n, 1, [](int64_t, int64_t) { at::globalContext().setFlushDenormal(true); });
  return choice;
}

}  // namespace ptychopinn::execution
