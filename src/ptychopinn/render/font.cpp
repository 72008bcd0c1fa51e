#include "ptychopinn/render/font.h"

#include <ft2build.h>

#include <cstdlib>
#include <filesystem>
#include <vector>
#include FT_FREETYPE_H

namespace ptychopinn::render {
namespace {

// Decodes UTF-8 into code points; a malformed byte becomes U+FFFD.
std::vector<char32_t> decode_utf8(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= s.size() + (extra == 0 ? 1 : 0)) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

}  // namespace

std::string default_font_path() {
  if (const char* env = std::getenv("PTYCHOPINN_FONT"); env && *env) return env;
  for (const char* candidate :
       {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf"}) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  return "";
}

struct Font::Impl {
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  ~Impl() {
    if (face) FT_Done_Face(face);
    if (library) FT_Done_FreeType(library);
  }
};

Font::Font(const std::string& path) : impl_(std::make_unique<Impl>()) {
  if (path.empty() || FT_Init_FreeType(&impl_->library) != 0) return;
  if (FT_New_Face(impl_->library, path.c_str(), 0, &impl_->face) != 0) impl_->face = nullptr;
}

Font::~Font() = default;

bool Font::available() const { return impl_->face != nullptr; }

int Font::render(RgbImage* image, int x, int y, const std::string& text, int pixel_size, Rgb colour) const {
  if (!available() || pixel_size <= 0) return 0;
  FT_Face face = impl_->face;
  FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixel_size));
  int pen = x;
  for (const char32_t cp : decode_utf8(text)) {
    if (FT_Load_Char(face, cp, image ? FT_LOAD_RENDER : FT_LOAD_DEFAULT) != 0) continue;
    const FT_GlyphSlot g = face->glyph;
    if (image) {
      const FT_Bitmap& bm = g->bitmap;
      for (unsigned r = 0; r < bm.rows; ++r) {
        for (unsigned c = 0; c < bm.width; ++c) {
          const unsigned char v = bm.buffer[static_cast<long>(r) * bm.pitch + c];
          if (v)
            image->blend(pen + g->bitmap_left + static_cast<int>(c), y - g->bitmap_top + static_cast<int>(r),
                         colour, v / 255.0);
        }
      }
    }
    pen += static_cast<int>(g->advance.x >> 6);
  }
  return pen - x;
}

int Font::draw(RgbImage& image, int x, int y, const std::string& text, int pixel_size, Rgb colour) const {
  return render(&image, x, y, text, pixel_size, colour);
}

int Font::measure(const std::string& text, int pixel_size) const {
  return render(nullptr, 0, 0, text, pixel_size, kBlack);
}

void Font::draw_centred(RgbImage& image, int cx, int y, const std::string& text, int pixel_size,
                        Rgb colour) const {
  draw(image, cx - measure(text, pixel_size) / 2, y, text, pixel_size, colour);
}

}  // namespace ptychopinn::render
