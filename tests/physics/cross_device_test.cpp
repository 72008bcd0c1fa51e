// The operators take their device from their inputs: the same call on CUDA gives the CPU result.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ptychopinn/physics/canvas.h"
#include "ptychopinn/physics/diffraction.h"
#include "ptychopinn/physics/translate.h"

namespace ptychopinn::physics {
namespace {

TEST(CrossDevice, TranslateMergeExtractAndDiffractionOnCudaMatchTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device in this LibTorch build or machine";
  torch::manual_seed(31);
  const torch::Device cuda(torch::kCUDA);
  const auto patches = torch::complex(torch::randn({3, 4, 16, 16}), torch::randn({3, 4, 16, 16}));
  const auto offsets = torch::randn({3, 4, 2}) * 2;
  const int64_t m = canvas_size(16, 2, 4, 10);
  auto expect_same = [](const torch::Tensor& cpu, const torch::Tensor& gpu, const char* what) {
    EXPECT_EQ(gpu.device().type(), torch::kCUDA) << what;
    EXPECT_TRUE(torch::allclose(cpu, gpu.cpu(), 1e-4, 1e-4)) << what;
  };
  expect_same(translate(patches[0], offsets[0]), translate(patches[0].to(cuda), offsets[0].to(cuda)),
              "translate");
  for (auto mode : {MergeDenominator::kReference, MergeDenominator::kCoMasked}) {
    const auto canvas = merge(patches, offsets, m, mode);
    const auto canvas_gpu = merge(patches.to(cuda), offsets.to(cuda), m, mode);
    expect_same(canvas, canvas_gpu, "merge");
    expect_same(extract(canvas, offsets, 16), extract(canvas_gpu, offsets.to(cuda), 16), "extract");
  }
  expect_same(far_field_amplitude(patches), far_field_amplitude(patches.to(cuda)), "far_field_amplitude");
  EXPECT_THROW(translate(patches[0].to(cuda), offsets[0]), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::physics
