#pragma once
// An 8-bit RGB raster, the canvas every picture (reconstruction images, comparison figures, plots)
// is drawn on before it is written as PNG.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::render {

using Rgb = std::array<std::uint8_t, 3>;

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kGrey{128, 128, 128};

class RgbImage {
 public:
  RgbImage() = default;
  RgbImage(int width, int height, Rgb fill = kWhite);

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<std::uint8_t>& pixels() const { return pixels_; }  // row-major RGB

  Rgb at(int x, int y) const;
  // Out-of-range pixels are ignored, so callers can draw shapes that overlap the border.
  void set(int x, int y, Rgb colour);
  // Alpha-blends colour over the pixel with coverage in [0, 1] (anti-aliased text).
  void blend(int x, int y, Rgb colour, double coverage);
  void fill_rect(int x, int y, int width, int height, Rgb colour);
  void draw_rect(int x, int y, int width, int height, Rgb colour);  // 1 px outline
  // Copies src with its top-left corner at (x, y), clipped.
  void paste(const RgbImage& src, int x, int y);

 private:
  int width_ = 0, height_ = 0;
  std::vector<std::uint8_t> pixels_;
};

// Writes the image as an 8-bit RGB PNG, atomically. Throws IoError naming the path.
void save_png(const std::string& path, const RgbImage& image);

}  // namespace ptychopinn::render
