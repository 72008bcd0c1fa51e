#pragma once
// Text on pictures, rendered with FreeType from the DejaVu Sans font (Debian's fonts-dejavu-core).
// When no font file is found, text is skipped and the pictures are still written: labels are an
// aid, not the product.
#include <memory>
#include <string>

#include "ptychopinn/render/rgb_image.h"

namespace ptychopinn::render {

// Text sizes shared by every picture, px: titles and labels.
inline constexpr int kTitleSize = 16;
inline constexpr int kLabelSize = 12;

// $PTYCHOPINN_FONT when set, else the first DejaVu Sans found in the usual Debian locations; ""
// when there is none.
std::string default_font_path();

class Font {
 public:
  explicit Font(const std::string& path = default_font_path());
  ~Font();
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  bool available() const;

  // Draws UTF-8 text with the left end of its baseline at (x, y), anti-aliased; returns its width.
  int draw(RgbImage& image, int x, int y, const std::string& text, int pixel_size, Rgb colour) const;
  // The width the text would take, px.
  int measure(const std::string& text, int pixel_size) const;
  // Draws text centred horizontally on cx.
  void draw_centred(RgbImage& image, int cx, int y, const std::string& text, int pixel_size,
                    Rgb colour) const;

 private:
  int render(RgbImage* image, int x, int y, const std::string& text, int pixel_size, Rgb colour) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptychopinn::render
