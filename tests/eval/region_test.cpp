#include "ptychopinn/eval/region.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ptychopinn::eval {
namespace {

TEST(ScanWindow, IsTheBoundingBoxWidenedByHalfTheStitchCrop) {
  // x (columns) in [30.7, 90.2], y (rows) in [40.0, 41.9], M = 20: rows [30, 51), columns [20, 100).
  const auto positions = torch::tensor({{30.7, 40.0}, {90.2, 41.9}, {50.0, 40.5}}, torch::kDouble);
  const auto w = scan_window(positions, 20);
  EXPECT_EQ(w.row0, 30);
  EXPECT_EQ(w.height, 51 - 30);
  EXPECT_EQ(w.col0, 20);
  EXPECT_EQ(w.width, 100 - 20);
  EXPECT_THROW(scan_window(torch::zeros({0, 2}, torch::kDouble), 20), std::invalid_argument);
  EXPECT_THROW(scan_window(positions, -2), std::invalid_argument);
}

TEST(PixelWindow, IntersectsCropsAndShrinks) {
  const PixelWindow a{2, 3, 10, 10};
  const PixelWindow b{5, 0, 20, 6};
  const auto i = intersect(a, b);
  EXPECT_EQ(i.row0, 5);
  EXPECT_EQ(i.col0, 3);
  EXPECT_EQ(i.height, 7);
  EXPECT_EQ(i.width, 3);
  EXPECT_TRUE(intersect(a, PixelWindow{20, 20, 3, 3}).empty());

  const auto image = torch::arange(100, torch::kDouble).view({10, 10});
  const auto c = crop(image, PixelWindow{1, 2, 3, 4});
  EXPECT_EQ(c.sizes(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(c[0][0].item<double>(), 12.0);
  EXPECT_THROW(crop(image, PixelWindow{8, 8, 3, 3}), std::invalid_argument);

  const auto s = shrink(PixelWindow{0, 0, 10, 8}, 2);
  EXPECT_EQ(s.row0, 2);
  EXPECT_EQ(s.height, 6);
  EXPECT_EQ(s.width, 4);
  EXPECT_THROW(shrink(PixelWindow{0, 0, 4, 8}, 2), std::invalid_argument);

  const auto centre = center_window(11, 10, 6, 6);
  EXPECT_EQ(centre.row0, 2);  // (11 - 6) / 2
  EXPECT_EQ(centre.col0, 2);
}

}  // namespace
}  // namespace ptychopinn::eval
