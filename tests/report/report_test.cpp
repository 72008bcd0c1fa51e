#include <gtest/gtest.h>

#include "ptychopinn/report/training_pictures.h"

namespace ptychopinn::report {
namespace {

TEST(TrainingCurves, DrawsNegativeLossesOnALogAxis) {
  // Poisson NLLs at counts scale are negative: the picture must still show them.
  std::vector<train::EpochRecord> h = {
      {1, -5.0, -4.0, 1e-3, 1}, {2, -6.0, -5.5, 1e-3, 1}, {3, -6.5, std::nullopt, 5e-4, 1}};
  const auto img = training_curves(h);
  EXPECT_GT(img.width(), 300);
  EXPECT_GT(img.height(), 300);
}

}  // namespace
}  // namespace ptychopinn::report
