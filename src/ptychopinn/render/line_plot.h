#pragma once
// Line plots (training curves, FRC curves): axes with round ticks, several series, a legend, and
// optional horizontal reference lines (e.g. the FRC thresholds 0.5 and 1/7).
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/render/font.h"
#include "ptychopinn/render/rgb_image.h"

namespace ptychopinn::render {

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite points break the line
  Rgb colour{31, 119, 180};
  bool dashed = false;
};

struct PlotSpec {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  bool log_y = false;  // points <= 0 are skipped
  std::optional<double> y_min, y_max;
  int width = 640, height = 420;
};

// A palette of distinguishable line colours (matplotlib's tab10 order).
Rgb series_colour(size_t index);

RgbImage line_plot(const PlotSpec& spec, const Font& font);

}  // namespace ptychopinn::render
