#include "ptychopinn/execution/execution.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "support/error_of.h"

namespace ptychopinn::execution {
namespace {

using testing::error_of;

TEST(ConfigureThreads, SetsLibTorchsPoolAndZeroMeansEveryCore) {
  EXPECT_EQ(configure_threads(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(configure_threads(0), all);
  EXPECT_EQ(torch::get_num_threads(), all);
}

TEST(ResolveDevice, CpuIsCpuAndAutoFollowsWhatLibTorchSees) {
  EXPECT_EQ(resolve_device(config::Device::kCpu), torch::Device(torch::kCPU));
  EXPECT_EQ(resolve_device(config::Device::kAuto).is_cuda(), torch::cuda::is_available());
}

TEST(ResolveDevice, CudaWithoutAGpuIsAnErrorNamingTheDevice) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has a GPU";
  const std::string message = error_of([] { resolve_device(config::Device::kCuda); });
  EXPECT_NE(message.find("device = cuda"), std::string::npos) << message;
}

}  // namespace
}  // namespace ptychopinn::execution
