#include "ptychopinn/eval/registration.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ptychopinn/physics/translate.h"
#include "ptychopinn/simulate/objects.h"

namespace ptychopinn::eval {
namespace {

// A structured test image: the `lines` object.
torch::Tensor structured_image(int64_t size, uint64_t seed) {
  return simulate::make_object_amplitude(simulate::ObjectKind::kLines, size, seed).to(torch::kDouble);
}

// The window [32, 128) x [32, 128) of an image: not periodic, as a reconstruction is not.
torch::Tensor window(const torch::Tensor& image) { return image.narrow(0, 32, 96).narrow(1, 32, 96); }

TEST(EstimateShift, RecoversAKnownSubPixelShiftOfAWindowWithin005Pixel) {
  const auto big = structured_image(160, 1);
  for (const auto& t : {ImageShift{0.37, -1.23}, ImageShift{-2.71, 0.58}, ImageShift{4.5, -6.2}}) {
    SCOPED_TRACE(std::to_string(t.dy_px) + ", " + std::to_string(t.dx_px));
    const auto found = estimate_shift(window(big), window(fourier_shift(big, t)));  // content moved by +t
    EXPECT_NEAR(found.dy_px, -t.dy_px, 0.05);  // the shift that moves it back
    EXPECT_NEAR(found.dx_px, -t.dx_px, 0.05);
  }
}

TEST(EstimateShift, RecoversABilinearTranslationDespiteScaleAndOffset) {
  // Moved by the forward model's own (bilinear) translation, and with the free amplitude scale and
  // a background a reconstruction may have.
  const auto big = structured_image(160, 2);
  const auto moved =
      physics::translate(big.unsqueeze(0), torch::tensor({{1.3, -0.6}}, torch::kDouble)).squeeze(0);
  const auto found = estimate_shift(window(big), 0.3 * window(moved) + 0.1);
  EXPECT_NEAR(found.dx_px, -1.3, 0.05);
  EXPECT_NEAR(found.dy_px, 0.6, 0.05);
}

TEST(EstimateShift, IsExactForIntegerShiftsAndZeroForIdenticalImages) {
  const auto reference = structured_image(64, 3);
  const auto found = estimate_shift(reference, torch::roll(reference, {3, -5}, {0, 1}));
  EXPECT_NEAR(found.dy_px, -3.0, 1e-6);
  EXPECT_NEAR(found.dx_px, 5.0, 1e-6);
  const auto none = estimate_shift(reference, reference);
  EXPECT_NEAR(none.dy_px, 0.0, 1e-9);
  EXPECT_NEAR(none.dx_px, 0.0, 1e-9);
}

TEST(EstimateShift, FallsBackToTheIntegerPeakWhenThereIsNothingToFit) {
  const auto flat = torch::ones({32, 32}, torch::kDouble);
  const auto found = estimate_shift(flat, flat);
  EXPECT_DOUBLE_EQ(found.dy_px, 0.0);
  EXPECT_DOUBLE_EQ(found.dx_px, 0.0);
  const auto tiny = torch::rand({12, 12}, torch::kDouble);  // interior under 8 x 8 pixels
  const auto integer = estimate_shift(tiny, tiny);
  EXPECT_DOUBLE_EQ(integer.dy_px, 0.0);
  EXPECT_DOUBLE_EQ(integer.dx_px, 0.0);
}

TEST(FourierShift, MovesContentByPlusTheShiftWithoutWrapping) {
  const auto image = structured_image(64, 4);
  const auto shifted = fourier_shift(image, {2.0, -7.0});
  EXPECT_EQ(shifted.scalar_type(), torch::kDouble);
  // An integer shift is exact where the content came from inside the image ...
  EXPECT_TRUE(torch::allclose(shifted.narrow(0, 2, 62).narrow(1, 0, 57),
                              image.narrow(0, 0, 62).narrow(1, 7, 57), 1e-9, 1e-9));
  // ... and the entering rows mirror the edge instead of wrapping the opposite one around.
  EXPECT_TRUE(torch::allclose(shifted[0], shifted[3], 1e-9, 1e-9));
  const auto complex_image = torch::polar(image, image / image.max());
  const auto complex_shifted = fourier_shift(complex_image, {0.4, 1.1});
  EXPECT_EQ(complex_shifted.scalar_type(), torch::kComplexDouble);
  // A shift and its inverse cancel away from the edges.
  const auto back = fourier_shift(complex_shifted, {-0.4, -1.1});
  EXPECT_LT((back - complex_image.to(torch::kComplexDouble))
                .abs()
                .narrow(0, 4, 56)
                .narrow(1, 4, 56)
                .max()
                .item<double>(),
            1e-2 * image.max().item<double>());
}

TEST(EstimateShift, RejectsMismatchedInput) {
  EXPECT_THROW(estimate_shift(torch::rand({8, 8}), torch::rand({8, 9})), std::invalid_argument);
  EXPECT_THROW(estimate_shift(torch::rand({8, 8}, torch::kComplexFloat), torch::rand({8, 8})),
               std::invalid_argument);
  EXPECT_THROW(fourier_shift(torch::rand({8}), {0, 0}), std::invalid_argument);
  EXPECT_THROW(fourier_shift(torch::rand({8, 8}), {NAN, 0}), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::eval
