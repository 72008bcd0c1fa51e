#include "ptychopinn/execution/execution.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "ptychopinn/execution/cpu_load.h"
#include "support/error_of.h"

namespace ptychopinn::execution {
namespace {

using testing::error_of;

TEST(ConfigureThreads, SetsLibTorchsPoolAndKeepsAnExplicitCount) {
  const ThreadChoice one = configure_threads(1);
  EXPECT_EQ(one.threads, 1);
  EXPECT_FALSE(one.automatic);
  EXPECT_EQ(torch::get_num_threads(), 1);
  EXPECT_EQ(one.describe(), "1 CPU thread");
  EXPECT_EQ(configure_threads(3).threads, 3);
  EXPECT_EQ(torch::get_num_threads(), 3);
}

// Zero asks for the cores that other work leaves free: every core on an idle machine, fewer (at
// least one) on a loaded one, which is why the exact count is not asserted here.
TEST(ConfigureThreads, ZeroChoosesTheCoresNotBusyWithOtherWork) {
  const ThreadChoice choice = configure_threads(0);
  EXPECT_TRUE(choice.automatic);
  EXPECT_EQ(choice.cores, available_cores());
  EXPECT_EQ(choice.threads, automatic_threads(choice.cores, choice.busy));
  EXPECT_EQ(torch::get_num_threads(), choice.threads);
  EXPECT_NE(choice.describe().find("(automatic: " + std::to_string(choice.cores) + " core"),
            std::string::npos)
      << choice.describe();
}

TEST(ThreadChoice, DescribesTheCountAndWhyItWasChosen) {
  ThreadChoice c;
  c.threads = 1;
  c.automatic = true;
  c.cores = 2;
  c.busy = 1;
  EXPECT_EQ(c.describe(), "1 CPU thread (automatic: 2 cores, 1 busy with other work)");
  c.threads = 2;
  c.busy = 0;
  EXPECT_EQ(c.describe(), "2 CPU threads (automatic: 2 cores)");
}

// at::parallel_for is a header template compiled into our own code: with LibTorch's OpenMP backend
// it runs every chunk on the calling thread unless our code is built with OpenMP.
TEST(ConfigureThreads, OurParallelLoopsUseThePoolsThreads) {
  configure_threads(2);
  std::mutex mutex;
  std::set<int> workers;
  at::parallel_for(0, 64, 1, [&](int64_t, int64_t) {
    // Long enough that one thread cannot take every chunk before the other starts.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard<std::mutex> lock(mutex);
    workers.insert(at::get_thread_num());
  });
  EXPECT_EQ(workers.size(), 2u);
}

// Denormal arithmetic is tens of times slower on x86; every thread that runs tensor work must
// flush them, the pool's workers as well as the caller.
TEST(ConfigureThreads, EveryWorkerFlushesDenormalsToZero) {
  configure_threads(2);
  const float smallest_normal = std::numeric_limits<float>::min();
  std::atomic<int> flushed{0};
  std::atomic<int> chunks{0};
  at::parallel_for(0, 64, 1, [&](int64_t, int64_t) {
    volatile float x = smallest_normal;
    volatile float half = x * 0.5f;  // a denormal, unless flushed to zero
    ++chunks;
    if (half == 0.0f) ++flushed;
  });
  EXPECT_GT(chunks.load(), 0);
  EXPECT_EQ(flushed.load(), chunks.load());
}

// A block of a batch's size comes from the heap, not from a mapping of its own (glibc counts those
// in mallinfo2().hblks), once the allocator is configured.
TEST(ConfigureAllocator, BlocksOfABatchsSizeComeFromTheHeap) {
  configure_allocator();
  const std::size_t before = ::mallinfo2().hblks;
  void* block = std::malloc(std::size_t{16} << 20);
  ASSERT_NE(block, nullptr);
  static_cast<volatile char*>(block)[0] = 1;
  EXPECT_EQ(::mallinfo2().hblks, before);
  std::free(block);
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
