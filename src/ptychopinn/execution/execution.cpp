#include "ptychopinn/execution/execution.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

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

int configure_threads(int threads) {
  const int n = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  if (torch::get_num_threads() != n) torch::set_num_threads(n);
  return n;
}

}  // namespace ptychopinn::execution
