#include "ptychopinn/eval/alignment.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ptychopinn/simulate/objects.h"

namespace ptychopinn::eval {
namespace {

torch::Tensor ground_truth(uint64_t seed = 7) {
  simulate::ObjectOptions options;
  options.set_phi = true;
  return simulate::make_object(simulate::ObjectKind::kLines, 128, seed, options).to(torch::kComplexDouble);
}

TEST(AlignForEvaluation, PlacesAReconstructionAtItsOriginAndCropsToTheScannedWindow) {
  const auto truth = ground_truth();
  const auto recon = crop(truth, PixelWindow{30, 20, 60, 80});
  AlignmentOptions options;
  options.origin = ImageOrigin{20, 30};
  options.register_images = false;
  auto aligned = align_for_evaluation(recon, truth, options);
  EXPECT_EQ(aligned.window.row0, 30);
  EXPECT_EQ(aligned.window.col0, 20);
  EXPECT_TRUE(torch::equal(aligned.reconstruction, aligned.ground_truth));
  EXPECT_FALSE(aligned.registered);

  options.scanned = PixelWindow{40, 10, 30, 50};  // rows [40, 70), columns [10, 60)
  aligned = align_for_evaluation(recon, truth, options);
  EXPECT_EQ(aligned.window.row0, 40);
  EXPECT_EQ(aligned.window.col0, 20);
  EXPECT_EQ(aligned.window.height, 30);
  EXPECT_EQ(aligned.window.width, 40);
  EXPECT_TRUE(torch::equal(aligned.reconstruction, aligned.ground_truth));

  // Registration of an already aligned pair measures no shift and removes the 2 px border.
  options.register_images = true;
  aligned = align_for_evaluation(recon, truth, options);
  EXPECT_TRUE(aligned.registered);
  EXPECT_NEAR(aligned.shift.dy_px, 0.0, 1e-6);
  EXPECT_NEAR(aligned.shift.dx_px, 0.0, 1e-6);
  EXPECT_EQ(aligned.window.row0, 42);
  EXPECT_EQ(aligned.window.height, 26);
  EXPECT_TRUE(torch::allclose(aligned.reconstruction, aligned.ground_truth));
}

TEST(AlignForEvaluation, AppliesOrMeasuresTheSubPixelPartOfTheOrigin) {
  const auto truth = ground_truth(8);
  // Reconstruction pixel (r, c) holds the object at (y, x) = (30.4 + r, 20.3 + c).
  const auto recon = crop(fourier_shift(truth, {-0.4, -0.3}), PixelWindow{30, 20, 60, 80});
  AlignmentOptions options;
  options.origin = ImageOrigin{20.3, 30.4};
  options.register_images = false;
  auto aligned = align_for_evaluation(recon, truth, options);
  EXPECT_NEAR(aligned.shift.dy_px, 0.4, 1e-12);
  EXPECT_NEAR(aligned.shift.dx_px, 0.3, 1e-12);
  const auto error = [](const AlignedImages& a) {
    return (a.reconstruction - a.ground_truth).abs().mean().item<double>() /
           a.ground_truth.abs().mean().item<double>();
  };
  // The pixels entering at the edges are mirror content, not data; the bulk is right.
  EXPECT_LT(error(aligned), 0.02);

  options.register_images = true;
  aligned = align_for_evaluation(recon, truth, options);
  EXPECT_NEAR(aligned.shift.dy_px, 0.4, 0.05);
  EXPECT_NEAR(aligned.shift.dx_px, 0.3, 0.05);
  EXPECT_LT(error(aligned), 0.02);
}

TEST(AlignForEvaluation, AcceptsOnlyShiftsUpToMaxShiftAndCropsWhatEntered) {
  const auto truth = ground_truth(10);
  // The reconstruction really starts at column 32 but claims 20: it must move by +12 px.
  const auto recon = crop(truth, PixelWindow{30, 32, 60, 80});
  AlignmentOptions options;
  options.origin = ImageOrigin{20, 30};
  auto aligned = align_for_evaluation(recon, truth, options);
  EXPECT_FALSE(aligned.registered);  // 12 px > max_shift_px = 8
  EXPECT_DOUBLE_EQ(aligned.shift.dx_px, 0.0);
  EXPECT_EQ(aligned.window.width, 80 - 2 * 2);

  options.max_shift_px = 20;
  aligned = align_for_evaluation(recon, truth, options);
  EXPECT_TRUE(aligned.registered);
  EXPECT_NEAR(aligned.shift.dx_px, 12.0, 1e-3);
  EXPECT_NEAR(aligned.shift.dy_px, 0.0, 1e-3);
  EXPECT_EQ(aligned.window.width, 80 - 2 * 12);  // every column that entered is cropped
  EXPECT_EQ(aligned.window.col0, 20 + 12);
  const double scale = aligned.ground_truth.abs().max().item<double>();
  EXPECT_LT((aligned.reconstruction - aligned.ground_truth).abs().max().item<double>(), 1e-3 * scale);
  options.max_shift_px = 0;
  EXPECT_THROW(align_for_evaluation(recon, truth, options), std::invalid_argument);
}

TEST(AlignForEvaluation, WithoutAnOriginCentreCropsBothToTheirCommonShape) {
  const auto truth = ground_truth(9);
  const auto recon = crop(truth, center_window(128, 128, 60, 80));
  AlignmentOptions options;
  options.register_images = false;
  const auto aligned = align_for_evaluation(recon, truth, options);
  EXPECT_EQ(aligned.reconstruction.sizes(), (std::vector<int64_t>{60, 80}));
  EXPECT_TRUE(torch::equal(aligned.reconstruction, aligned.ground_truth));
}

TEST(AlignForEvaluation, RejectsAReconstructionOffTheGroundTruth) {
  const auto truth = ground_truth();
  AlignmentOptions options;
  options.origin = ImageOrigin{500, 0};
  EXPECT_THROW(align_for_evaluation(truth, truth, options), std::invalid_argument);
  options.origin.reset();
  options.scanned = PixelWindow{200, 200, 10, 10};
  EXPECT_THROW(align_for_evaluation(truth, truth, options), std::invalid_argument);
  options.scanned.reset();
  options.border_crop_px = -1;
  EXPECT_THROW(align_for_evaluation(truth, truth, options), std::invalid_argument);
  EXPECT_THROW(align_for_evaluation(truth.abs(), truth, AlignmentOptions{}), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::eval
