#include "ptychopinn/physics/translate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "physics/gradient_check.h"

namespace ptychopinn::physics {
namespace {

torch::Tensor delta_5x5(int64_t row, int64_t col) {
  auto image = torch::zeros({1, 5, 5}, torch::kFloat64);
  image[0][row][col] = 1.0;
  return image;
}

// translate.h's formula, written out corner by corner: out[y, x] from (sx, sy) = (x - tx, y - ty).
torch::Tensor four_corner_reference(const torch::Tensor& image, double tx, double ty) {
  const int64_t h = image.size(0), w = image.size(1);
  auto out = torch::zeros_like(image);
  auto v = [&](int64_t xi, int64_t yi) {
    return (xi >= 0 && xi <= w - 1 && yi >= 0 && yi <= h - 1) ? image[yi][xi].item<double>() : 0.0;
  };
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      const double sx = x - tx, sy = y - ty;
      const auto x0 = static_cast<int64_t>(std::floor(sx)), y0 = static_cast<int64_t>(std::floor(sy));
      const double wx = sx - x0, wy = sy - y0;
      out[y][x] = (1 - wx) * (1 - wy) * v(x0, y0) + wx * (1 - wy) * v(x0 + 1, y0) +
                  (1 - wx) * wy * v(x0, y0 + 1) + wx * wy * v(x0 + 1, y0 + 1);
    }
  }
  return out;
}

TEST(Translate, AnIntegerOffsetMovesADeltaByExactlyPlusT) {
  // [dx, dy] = [1, 0] moves column 2 to column 3 (content moves by +t).
  auto out = translate(delta_5x5(2, 2), torch::tensor({{1.0, 0.0}}, torch::kFloat64));
  EXPECT_TRUE(torch::equal(out, delta_5x5(2, 3)));
  out = translate(delta_5x5(2, 2), torch::tensor({{0.0, 1.0}}, torch::kFloat64));
  EXPECT_TRUE(torch::equal(out, delta_5x5(3, 2)));
  out = translate(delta_5x5(2, 2), torch::tensor({{-2.0, 1.0}}, torch::kFloat64));
  EXPECT_TRUE(torch::equal(out, delta_5x5(3, 0)));
}

TEST(Translate, AHalfPixelOffsetSplitsADeltaHalfAndHalf) {
  const auto out = translate(delta_5x5(2, 2), torch::tensor({{0.5, 0.0}}, torch::kFloat64));
  auto expected = torch::zeros({1, 5, 5}, torch::kFloat64);
  expected[0][2][2] = 0.5;
  expected[0][2][3] = 0.5;
  EXPECT_TRUE(torch::allclose(out, expected, 0, 1e-15));
  const auto diagonal = translate(delta_5x5(2, 2), torch::tensor({{0.5, 0.5}}, torch::kFloat64));
  EXPECT_NEAR(diagonal[0][3][3].item<double>(), 0.25, 1e-15);
  EXPECT_NEAR(diagonal.sum().item<double>(), 1.0, 1e-15);
}

TEST(Translate, ContentFromOutsideTheImageIsZeroPerCorner) {
  const auto ones = torch::ones({1, 4, 4}, torch::kFloat64);
  const auto out = translate(ones, torch::tensor({{1.5, 0.0}}, torch::kFloat64));
  // Column 0 samples x = -1.5 (both corners outside), column 1 samples x = -0.5 (one corner inside).
  const auto expected_row = torch::tensor({0.0, 0.5, 1.0, 1.0}, torch::kFloat64);
  for (int64_t r = 0; r < 4; ++r) EXPECT_TRUE(torch::allclose(out[0][r], expected_row, 0, 1e-15));
  const auto gone = translate(ones, torch::tensor({{0.0, -4.0}}, torch::kFloat64));
  EXPECT_EQ(gone.abs().max().item<double>(), 0.0);
}

TEST(Translate, MatchesTheFourCornerFormulaForFractionalOffsetsOfEitherSign) {
  torch::manual_seed(7);
  const auto images = torch::randn({4, 6, 7}, torch::kFloat64);
  const auto offsets = torch::tensor({{0.3, -1.7}, {-2.25, 0.6}, {5.5, 1.0}, {-0.01, 3.99}}, torch::kFloat64);
  const auto out = translate(images, offsets);
  for (int64_t b = 0; b < 4; ++b) {
    const auto expected =
        four_corner_reference(images[b], offsets[b][0].item<double>(), offsets[b][1].item<double>());
    EXPECT_TRUE(torch::allclose(out[b], expected, 1e-12, 1e-12)) << "image " << b;
  }
}

TEST(Translate, ComplexImagesTranslateTheirRealAndImaginaryPartsAlike) {
  torch::manual_seed(8);
  const auto re = torch::randn({2, 5, 6}), im = torch::randn({2, 5, 6});
  const auto offsets = torch::tensor({{0.4f, 1.2f}, {-1.5f, 0.25f}});
  const auto out = translate(torch::complex(re, im), offsets);
  ASSERT_EQ(out.scalar_type(), torch::kComplexFloat);
  EXPECT_TRUE(torch::allclose(torch::real(out), translate(re, offsets), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(torch::imag(out), translate(im, offsets), 1e-6, 1e-6));
}

TEST(Translate, ACountMismatchBetweenOffsetsAndImagesIsAnErrorNotABroadcast) {
  const auto images = torch::zeros({3, 5, 5});
  EXPECT_THROW(translate(images, torch::zeros({1, 2})), std::invalid_argument);
  EXPECT_THROW(translate(images, torch::zeros({4, 2})), std::invalid_argument);
  EXPECT_THROW(translate(images, torch::zeros({3, 3})), std::invalid_argument);
  EXPECT_THROW(translate(images.view({3, 25}), torch::zeros({3, 2})), std::invalid_argument);
  EXPECT_THROW(translate(images, torch::zeros({3, 2}, torch::kLong)), std::invalid_argument);
  try {
    translate(images, torch::zeros({1, 2}));
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("offsets = [1, 2]"), std::string::npos) << e.what();
  }
}

TEST(Translate, GradientsWithRespectToImagesAndOffsetsMatchFiniteDifferences) {
  torch::manual_seed(9);
  testing::expect_gradients_match_finite_differences(
      [](const std::vector<torch::Tensor>& x) { return translate(torch::complex(x[0], x[1]), x[2]); },
      {torch::randn({2, 4, 5}, torch::kFloat64), torch::randn({2, 4, 5}, torch::kFloat64),
       torch::tensor({{0.3, -0.6}, {1.2, 0.45}}, torch::kFloat64)});
}

}  // namespace
}  // namespace ptychopinn::physics
