// `ptychopinn version`: software versions and the compute devices this build can use.
#include <torch/torch.h>

#include <iostream>
#include <thread>

#include "commands.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::cli {

int run_version(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << "usage: ptychopinn version\n\nPrints the ptychopinn version, the LibTorch it was "
                   "built against, and the devices available.\n";
      return 0;
    }
  }
  std::cout << "ptychopinn " << kVersion << "\n";
  std::cout << "LibTorch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "." << TORCH_VERSION_PATCH
            << "\n";
  const bool cuda = torch::cuda::is_available();
  std::cout << "CUDA: "
            << (cuda ? "available, " + std::to_string(torch::cuda::device_count()) + " device(s)"
                     : std::string("not available"))
            << "\n";
  std::cout << "CPU threads: " << std::thread::hardware_concurrency() << " hardware, LibTorch default "
            << torch::get_num_threads() << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
