#include "ptychopinn/convert/detector_crop.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ptychopinn::convert {
namespace {

TEST(CropPatterns, KeepsTheCentreWhereDcIs) {
  auto p = torch::zeros({2, 8, 8});
  p.index_put_({torch::indexing::Slice(), 4, 4}, 7.0);
  const auto c = crop_patterns(p, 4);
  ASSERT_EQ(c.sizes(), (std::vector<int64_t>{2, 4, 4}));
  EXPECT_EQ(c[1][2][2].item<float>(), 7.0f);
  EXPECT_EQ(c.sum().item<float>(), 14.0f);
}

TEST(CropPatterns, RefusesOddOrOversizedCrops) {
  const auto p = torch::zeros({1, 8, 8});
  EXPECT_THROW(crop_patterns(p, 5), std::invalid_argument);
  EXPECT_THROW(crop_patterns(p, 10), std::invalid_argument);
  EXPECT_THROW(crop_patterns(torch::zeros({1, 8, 6}), 4), std::invalid_argument);
}

TEST(ResampleProbe, ConstantKeepsItsValue) {
  const auto p = torch::full({16, 16}, c10::complex<float>(0.5f, -0.25f));
  const auto r = resample_probe(p, 8);
  ASSERT_EQ(r.sizes(), (std::vector<int64_t>{8, 8}));
  EXPECT_TRUE(torch::allclose(r, torch::full({8, 8}, c10::complex<float>(0.5f, -0.25f)), 1e-5, 1e-6));
}

// A probe band-limited to the cropped spectrum is sampled exactly: the coarse grid's pixel (i, j)
// is the fine grid's (2i, 2j).
TEST(ResampleProbe, BandLimitedProbeIsSubsampledExactly) {
  const int64_t n = 32;
  const auto idx = torch::arange(n, torch::kFloat64);
  const auto y = idx.unsqueeze(1), x = idx.unsqueeze(0);
  const auto phase = 2 * M_PI * (2 * x + y) / n;
  const auto amp = 1 + 0.3 * torch::cos(2 * M_PI * 3 * x / n);
  const auto p = torch::polar(amp.expand({n, n}).contiguous(), phase).to(torch::kComplexFloat);
  const auto r = resample_probe(p, n / 2);
  using torch::indexing::Slice;
  const auto every_other = p.index({Slice(0, n, 2), Slice(0, n, 2)});
  EXPECT_TRUE(torch::allclose(r, every_other, 1e-4, 1e-5)) << (r - every_other).abs().max();
}

TEST(ResampleProbe, FullSizeIsTheProbe) {
  const auto p = torch::randn({8, 8}, torch::kComplexFloat);
  EXPECT_TRUE(torch::equal(resample_probe(p, 8), p));
}

}  // namespace
}  // namespace ptychopinn::convert
