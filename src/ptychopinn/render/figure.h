#pragma once
// Figures made of image panels: an image in a colour map with its title and a labelled colour bar,
// and grids of such panels (the comparison figure of `ptychopinn evaluate`).
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/render/colormap.h"
#include "ptychopinn/render/font.h"
#include "ptychopinn/render/rgb_image.h"

namespace ptychopinn::render {

struct ImagePanel {
  std::string title;
  std::vector<double> values;  // height x width, row-major; NaN shows grey
  int width = 0, height = 0;
  Colormap colormap = Colormap::kViridis;
  // Colour range; null = the finite minimum / maximum of values.
  std::optional<double> vmin, vmax;
  std::string units;  // printed under the colour bar, e.g. "rad"
  // The longer image side is scaled to this many pixels (nearest neighbour when enlarging,
  // box average when shrinking).
  int display_size = 320;
};

RgbImage render_panel(const ImagePanel& panel, const Font& font);

// Panels left to right, top to bottom, `columns` per row, aligned on a grid of the largest cell.
RgbImage compose_grid(const std::vector<RgbImage>& panels, int columns, const std::string& title,
                      const Font& font);

// "1.23", "-0.5", "1.2e+03": short tick labels.
std::string tick_label(double value);

// About `count` round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

}  // namespace ptychopinn::render
