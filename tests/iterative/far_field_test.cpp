#include "ptychopinn/iterative/far_field.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace ptychopinn::iterative {
namespace {

torch::Tensor random_waves(std::vector<int64_t> shape, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::complex(torch::randn(shape, gen), torch::randn(shape, gen));
}

torch::Tensor fft2_ortho(const torch::Tensor& t) {
  return torch::fft::fft2(t, c10::nullopt, {-2, -1}, "ortho");
}
torch::Tensor ifft2_ortho(const torch::Tensor& t) {
  return torch::fft::ifft2(t, c10::nullopt, {-2, -1}, "ortho");
}

TEST(FarField, IsLibTorchsOrthonormalFftAtEverySize) {
  for (int64_t n : {1, 8, 15, 64, 128}) {
    const FarField far_field(n);
    const torch::Tensor psi = random_waves({3, 2, n, n}, static_cast<uint64_t>(n));
    const torch::Tensor field = far_field.forward(psi);
    EXPECT_TRUE(torch::allclose(field, fft2_ortho(psi), 1e-4, 1e-4)) << n;
    torch::Tensor back = field.clone();
    far_field.inverse_in_place(back);
    EXPECT_TRUE(torch::allclose(back, ifft2_ortho(field), 1e-4, 1e-4)) << n;
    EXPECT_TRUE(torch::allclose(back, psi, 1e-4, 1e-4)) << n;
  }
}

TEST(FarField, TheInputIsLeftUnchangedAndTheInverseWorksInPlace) {
  const FarField far_field(16);
  const torch::Tensor psi = random_waves({4, 1, 16, 16}, 1);
  const torch::Tensor copy = psi.clone();
  const torch::Tensor field = far_field.forward(psi);
  EXPECT_TRUE(torch::equal(psi, copy));
  torch::Tensor inverse = field.clone();
  const void* storage = inverse.data_ptr();
  far_field.inverse_in_place(inverse);
  EXPECT_EQ(inverse.data_ptr(), storage);
}

TEST(FarField, UnalignedAndStridedTensorsGiveTheSameTransform) {
  const FarField far_field(32);
  // One complex element of offset: 8 bytes, not the 16 or 32 that FFTW's aligned plans need.
  const torch::Tensor flat = random_waves({1 + 3 * 32 * 32}, 2);
  const torch::Tensor shifted = flat.narrow(0, 1, 3 * 32 * 32).view({3, 32, 32});
  EXPECT_TRUE(torch::allclose(far_field.forward(shifted), fft2_ortho(shifted), 1e-4, 1e-4));
  torch::Tensor in_place = shifted;  // a view at the odd offset, transformed where it lies
  const torch::Tensor expected = ifft2_ortho(shifted);
  far_field.inverse_in_place(in_place);
  EXPECT_TRUE(torch::allclose(in_place, expected, 1e-4, 1e-4));
  const torch::Tensor transposed = random_waves({2, 32, 32}, 3).transpose(-2, -1);
  EXPECT_TRUE(torch::allclose(far_field.forward(transposed), fft2_ortho(transposed), 1e-4, 1e-4));
  torch::Tensor strided = random_waves({2, 32, 32}, 4).transpose(-2, -1);
  const torch::Tensor strided_expected = ifft2_ortho(strided);
  far_field.inverse_in_place(strided);
  EXPECT_TRUE(torch::allclose(strided, strided_expected, 1e-4, 1e-4));
}

TEST(FarField, OtherDtypesFallBackToLibTorch) {
  const FarField far_field(8);
  const torch::Tensor psi = random_waves({2, 8, 8}, 5).to(torch::kComplexDouble);
  const torch::Tensor field = far_field.forward(psi);
  EXPECT_EQ(field.scalar_type(), torch::kComplexDouble);
  EXPECT_TRUE(torch::allclose(field, fft2_ortho(psi), 1e-12, 1e-12));
}

TEST(FarField, TheResultDoesNotDependOnTheThreadCount) {
  const FarField far_field(64);
  const torch::Tensor psi = random_waves({9, 2, 64, 64}, 6);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const torch::Tensor one = far_field.forward(psi);
  at::set_num_threads(2);
  const torch::Tensor two = far_field.forward(psi);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, two));
}

TEST(FarField, TheRoundTripTransformsEachPatternBetweenTheCallersSteps) {
  const int64_t b = 5, k = 2, n = 32, pixels = n * n;
  const FarField far_field(n);
  const torch::Tensor psi = random_waves({b, k, n, n}, 9);
  const torch::Tensor gain = torch::rand({b, k, n, n}, at::make_generator<at::CPUGeneratorImpl>(10));
  const torch::Tensor expected = ifft2_ortho(fft2_ortho(psi) * gain);
  torch::Tensor fields = torch::empty({b, k, n, n}, torch::kComplexFloat);
  torch::Tensor seen = torch::zeros({b, k, n, n}, torch::kComplexFloat);
  std::vector<int> filled(b, 0), after(b, 0);
  far_field.round_trip(
      fields,
      [&](int64_t j, std::complex<float>* f) {
        ++filled[static_cast<size_t>(j)];
        std::memcpy(f, psi[j].data_ptr(), sizeof(float) * 2 * k * pixels);
      },
      [&](int64_t j, std::complex<float>* f) {
        // The fields here are the forward transforms; scale them pixel by pixel.
        const torch::Tensor field = torch::from_blob(f, {k, n, n}, torch::kComplexFloat);
        EXPECT_TRUE(torch::allclose(field, fft2_ortho(psi[j]), 1e-4, 1e-4)) << j;
        field.mul_(gain[j]);
      },
      [&](int64_t j, std::complex<float>* f) {
        ++after[static_cast<size_t>(j)];
        seen[j].copy_(torch::from_blob(f, {k, n, n}, torch::kComplexFloat));
      });
  EXPECT_TRUE(torch::allclose(fields, expected, 1e-4, 1e-4));
  EXPECT_TRUE(torch::equal(seen, fields));
  for (int64_t j = 0; j < b; ++j) {
    EXPECT_EQ(filled[static_cast<size_t>(j)], 1);
    EXPECT_EQ(after[static_cast<size_t>(j)], 1);
  }
  torch::Tensor wrong = torch::empty({b, k, n, n}, torch::kComplexDouble);
  EXPECT_THROW(far_field.round_trip(wrong, nullptr, nullptr), c10::Error);
}

TEST(FarField, AWrongSizeIsRefused) {
  EXPECT_THROW(FarField(0), std::invalid_argument);
  const FarField far_field(16);
  EXPECT_THROW(far_field.forward(random_waves({2, 8, 8}, 7)), c10::Error);
  torch::Tensor wrong = random_waves({2, 16, 8}, 8);
  EXPECT_THROW(far_field.inverse_in_place(wrong), c10::Error);
}

}  // namespace
}  // namespace ptychopinn::iterative
