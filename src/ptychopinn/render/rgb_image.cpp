#include "ptychopinn/render/rgb_image.h"

#include <algorithm>
#include <stdexcept>

#include "ptychopinn/io/png.h"

namespace ptychopinn::render {

RgbImage::RgbImage(int width, int height, Rgb fill) : width_(width), height_(height) {
  if (width < 0 || height < 0) {
    throw std::invalid_argument("RgbImage: size " + std::to_string(width) + " x " + std::to_string(height) +
                                "; expected non-negative");
  }
  pixels_.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  for (size_t i = 0; i < pixels_.size(); i += 3)
    std::copy(fill.begin(), fill.end(), pixels_.begin() + static_cast<long>(i));
}

Rgb RgbImage::at(int x, int y) const {
  const size_t i = (static_cast<size_t>(y) * static_cast<size_t>(width_) + static_cast<size_t>(x)) * 3;
  return {pixels_.at(i), pixels_.at(i + 1), pixels_.at(i + 2)};
}

void RgbImage::set(int x, int y, Rgb colour) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const size_t i = (static_cast<size_t>(y) * static_cast<size_t>(width_) + static_cast<size_t>(x)) * 3;
  std::copy(colour.begin(), colour.end(), pixels_.begin() + static_cast<long>(i));
}

void RgbImage::blend(int x, int y, Rgb colour, double coverage) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || coverage <= 0) return;
  const double a = std::min(1.0, coverage);
  const size_t i = (static_cast<size_t>(y) * static_cast<size_t>(width_) + static_cast<size_t>(x)) * 3;
  for (int k = 0; k < 3; ++k) {
    const double v = (1 - a) * pixels_[i + static_cast<size_t>(k)] + a * colour[static_cast<size_t>(k)];
    pixels_[i + static_cast<size_t>(k)] = static_cast<std::uint8_t>(std::clamp(v + 0.5, 0.0, 255.0));
  }
}

void RgbImage::fill_rect(int x, int y, int width, int height, Rgb colour) {
  for (int r = std::max(0, y); r < std::min(height_, y + height); ++r) {
    for (int c = std::max(0, x); c < std::min(width_, x + width); ++c) set(c, r, colour);
  }
}

void RgbImage::draw_rect(int x, int y, int width, int height, Rgb colour) {
  fill_rect(x, y, width, 1, colour);
  fill_rect(x, y + height - 1, width, 1, colour);
  fill_rect(x, y, 1, height, colour);
  fill_rect(x + width - 1, y, 1, height, colour);
}

void RgbImage::paste(const RgbImage& src, int x, int y) {
  for (int r = 0; r < src.height(); ++r) {
    for (int c = 0; c < src.width(); ++c) set(x + c, y + r, src.at(c, r));
  }
}

void save_png(const std::string& path, const RgbImage& image) {
  io::write_png(path, image.width(), image.height(), 3, image.pixels().data());
}

}  // namespace ptychopinn::render
