// The device tier: the engine on CUDA against the same run on the CPU (skipped without a CUDA
// device). Same code path, different kernels: the patch operator's index_select / index_add_ form
// and cuFFT; results agree to float32 rounding.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "iterative/synthetic_problem.h"
#include "ptychopinn/iterative/patch_operator.h"
#include "ptychopinn/iterative/solver.h"

namespace ptychopinn::iterative {
namespace {

#define PTYCHOPINN_REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

TEST(IterativeDevice, ThePatchOperatorOnCudaMatchesTheCpuLoops) {
  PTYCHOPINN_REQUIRE_CUDA();
  const std::vector<double> x = {4.0, 7.25, 10.5, 15.0}, y = {4.0, 12.75, 6.5, 19.0};
  const PatchWindows w = patch_windows(x, y, {0, 1, 2, 3}, 8);
  const torch::Tensor canvas = testing::synthetic_object(24, 1);
  const torch::Tensor cuda_patches = extract_patches(canvas.cuda(), w);
  EXPECT_TRUE(torch::allclose(cuda_patches.cpu(), extract_patches(canvas, w), 1e-5, 1e-5));
  torch::Tensor on_cpu = torch::zeros_like(canvas), on_cuda = torch::zeros_like(canvas).cuda();
  add_patches(on_cpu, cuda_patches.cpu(), w);
  add_patches(on_cuda, cuda_patches, w);
  EXPECT_TRUE(torch::allclose(on_cuda.cpu(), on_cpu, 1e-4, 1e-5));
}

TEST(IterativeDevice, ReconstructionsOnCudaMatchTheCpu) {
  PTYCHOPINN_REQUIRE_CUDA();
  const testing::Synthetic s = testing::make_synthetic();
  for (auto [algorithm, batch] :
       {std::pair{Algorithm::kLsqml, int64_t{16}}, std::pair{Algorithm::kRpie, int64_t{1}}}) {
    IterativeOptions o;
    o.algorithm = algorithm;
    o.batch_size = batch;
    o.iterations = 8;
    o.position_correction = true;
    o.position_correction_start = 4;
    const IterativeResult cpu = reconstruct(s.problem, o);
    o.device = torch::Device(torch::kCUDA, 0);
    const IterativeResult cuda = reconstruct(s.problem, o);
    ASSERT_EQ(cuda.history.size(), cpu.history.size());
    for (size_t i = 0; i < cpu.history.size(); ++i) {
      EXPECT_NEAR(cuda.history[i].fourier_error, cpu.history[i].fourier_error,
                  1e-3 * cpu.history[i].fourier_error)
          << to_string(algorithm) << " iteration " << i;
    }
    EXPECT_TRUE(torch::allclose(cuda.object, cpu.object, 1e-3, 1e-3)) << to_string(algorithm);
    EXPECT_TRUE(torch::allclose(cuda.probe, cpu.probe, 1e-3, 1e-3)) << to_string(algorithm);
    EXPECT_TRUE(torch::allclose(cuda.positions_px, cpu.positions_px, 0, 1e-3)) << to_string(algorithm);
    EXPECT_TRUE(cuda.object.is_cpu());
  }
}

}  // namespace
}  // namespace ptychopinn::iterative
