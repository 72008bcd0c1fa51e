#include "ptychopinn/data/patch_extraction.h"

#include <gtest/gtest.h>

#include <vector>

namespace ptychopinn::data {
namespace {

using cf = std::complex<float>;

// An object whose pixel (r, c) holds r + i*c, so every sample says where it came from.
std::vector<cf> ramp(int h, int w) {
  std::vector<cf> o(static_cast<std::size_t>(h * w));
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) o[r * w + c] = cf(static_cast<float>(r), static_cast<float>(c));
  return o;
}

TEST(ExtractPatch, PutsTheScanPositionAtPixelNOverTwo) {
  const auto obj = ramp(20, 30);
  std::vector<cf> p(16);
  extract_patch(obj.data(), 20, 30, /*x=*/10, /*y=*/7, /*n=*/4, p.data());
  EXPECT_EQ(p[2 * 4 + 2], cf(7, 10));  // centre pixel (N/2, N/2) = object (y, x)
  EXPECT_EQ(p[0], cf(5, 8));           // top-left = object (y - N/2, x - N/2)
  EXPECT_EQ(p[3 * 4 + 3], cf(8, 11));
}

TEST(ExtractPatch, InterpolatesBilinearlyAtFractionalPositions) {
  const auto obj = ramp(20, 30);
  std::vector<cf> p(16);
  extract_patch(obj.data(), 20, 30, 10.5, 7.25, 4, p.data());
  EXPECT_NEAR(p[2 * 4 + 2].real(), 7.25, 1e-6);
  EXPECT_NEAR(p[2 * 4 + 2].imag(), 10.5, 1e-6);
}

TEST(ExtractPatch, FillsOutsideTheObjectWithZero) {
  std::vector<cf> obj(9, cf(1, 0));
  std::vector<cf> p(16);
  extract_patch(obj.data(), 3, 3, 0, 0, 4, p.data());
  EXPECT_EQ(p[0], cf(0, 0));          // object (-2, -2)
  EXPECT_EQ(p[2 * 4 + 2], cf(1, 0));  // object (0, 0)
  // Half a pixel off the edge: one of two corners inside.
  extract_patch(obj.data(), 3, 3, -0.5, 0, 4, p.data());
  EXPECT_NEAR(p[2 * 4 + 2].real(), 0.5, 1e-6);
}

}  // namespace
}  // namespace ptychopinn::data
