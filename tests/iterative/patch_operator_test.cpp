#include "ptychopinn/iterative/patch_operator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <complex>

#include "ptychopinn/data/patch_extraction.h"

namespace ptychopinn::iterative {
namespace {

constexpr int64_t kN = 8;

PatchWindows some_windows() {
  // Integer, fractional and edge positions on a 24 x 20 canvas (x up to 20 − N/2 − 1 + fraction).
  const std::vector<double> x = {4.0, 7.25, 10.5, 15.0, 9.9}, y = {4.0, 12.75, 6.5, 19.0, 11.1};
  return patch_windows(x, y, {0, 1, 2, 3, 4}, kN);
}

torch::Tensor random_complex(std::vector<int64_t> shape, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::complex(torch::randn(shape, gen), torch::randn(shape, gen));
}

TEST(PatchOperator, WindowsAreTheSimulatorsPatches) {
  const torch::Tensor canvas = random_complex({24, 20}, 1);
  const PatchWindows w = some_windows();
  const torch::Tensor patches = extract_patches(canvas, w);
  const std::vector<double> x = {4.0, 7.25, 10.5, 15.0, 9.9}, y = {4.0, 12.75, 6.5, 19.0, 11.1};
  for (int64_t b = 0; b < w.size(); ++b) {
    torch::Tensor expected = torch::empty({kN, kN}, torch::kComplexFloat);
    data::extract_patch(reinterpret_cast<const std::complex<float>*>(canvas.data_ptr<c10::complex<float>>()),
                        24, 20, x[static_cast<size_t>(b)], y[static_cast<size_t>(b)], kN,
                        reinterpret_cast<std::complex<float>*>(expected.data_ptr<c10::complex<float>>()));
    EXPECT_TRUE(torch::allclose(patches[b], expected, 1e-5, 1e-5)) << "window " << b;
  }
}

TEST(PatchOperator, AddPatchesIsTheAdjointOfExtractPatches) {
  const torch::Tensor canvas = random_complex({24, 20}, 2);
  const PatchWindows w = some_windows();
  const torch::Tensor patches = random_complex({w.size(), kN, kN}, 3);
  torch::Tensor spread = torch::zeros_like(canvas);
  add_patches(spread, patches, w);
  const auto inner = [](const torch::Tensor& a, const torch::Tensor& b) {
    return (a.conj().to(torch::kComplexDouble) * b.to(torch::kComplexDouble)).sum();
  };
  const auto lhs = inner(extract_patches(canvas, w), patches), rhs = inner(canvas, spread);
  EXPECT_NEAR(torch::real(lhs).item<double>(), torch::real(rhs).item<double>(), 1e-3);
  EXPECT_NEAR(torch::imag(lhs).item<double>(), torch::imag(rhs).item<double>(), 1e-3);
}

TEST(PatchOperator, TheCpuLoopsEqualTheIndexedFormUsedOnOtherDevices) {
  const PatchWindows w = some_windows();
  for (bool complex : {true, false}) {
    const torch::Tensor canvas = complex ? random_complex({24, 20}, 4) : torch::randn({24, 20});
    EXPECT_TRUE(
        torch::allclose(extract_patches(canvas, w), detail::extract_patches_indexed(canvas, w), 1e-5, 1e-5));
    const torch::Tensor patches =
        complex ? random_complex({w.size(), kN, kN}, 5) : torch::randn({w.size(), kN, kN});
    torch::Tensor a = torch::zeros_like(canvas), b = torch::zeros_like(canvas);
    add_patches(a, patches, w);
    detail::add_patches_indexed(b, patches, w);
    EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-5));
  }
}

TEST(PatchOperator, TheAdjointDoesNotDependOnTheThreadCount) {
  const std::vector<double> x(64, 10.3), y(64, 12.6);
  std::vector<int64_t> idx(64);
  for (int64_t i = 0; i < 64; ++i) idx[static_cast<size_t>(i)] = i;
  const PatchWindows w = patch_windows(x, y, idx, kN);  // 64 windows on the same pixels
  const torch::Tensor patches = random_complex({64, kN, kN}, 6);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  torch::Tensor one = torch::zeros({24, 20}, torch::kComplexFloat);
  add_patches(one, patches, w);
  at::set_num_threads(2);
  torch::Tensor two = torch::zeros({24, 20}, torch::kComplexFloat);
  add_patches(two, patches, w);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, two));
}

TEST(PatchOperator, BoxesHoldEveryWindowAndRelativeWindowsReadTheSamePixels) {
  const torch::Tensor canvas = random_complex({24, 20}, 7);
  const PatchWindows w = some_windows();
  const CanvasBox box = bounding_box(w);
  EXPECT_EQ(box.row_begin, 0);
  EXPECT_EQ(box.col_begin, 0);
  EXPECT_EQ(box.row_end, 15 + kN + 1);
  using torch::indexing::Slice;
  const torch::Tensor sub =
      canvas.index({Slice(box.row_begin, box.row_end), Slice(box.col_begin, box.col_end)}).contiguous();
  EXPECT_TRUE(torch::equal(extract_patches(sub, relative_to(w, box)), extract_patches(canvas, w)));
}

}  // namespace
}  // namespace ptychopinn::iterative
