#include "ptychopinn/render/line_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ptychopinn/render/figure.h"
#include "ptychopinn/render/font.h"

namespace ptychopinn::render {
namespace {

// Anti-aliased enough for plots: a 2 px wide line by sampling along its length.
void draw_line(RgbImage& img, double x0, double y0, double x1, double y1, Rgb colour, bool dashed,
               double& dash_phase) {
  const double length = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(std::ceil(length * 2)));
  for (int i = 0; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    dash_phase += length / steps;
    if (dashed && std::fmod(dash_phase, 10.0) > 6.0) continue;
    const double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
    const int xi = static_cast<int>(std::floor(x)), yi = static_cast<int>(std::floor(y));
    for (int dy = 0; dy <= 1; ++dy) {
      for (int dx = 0; dx <= 1; ++dx) {
        const double cover = (1 - std::abs(x - (xi + dx))) * (1 - std::abs(y - (yi + dy)));
        img.blend(xi + dx, yi + dy, colour, std::min(1.0, cover * 1.6));
      }
    }
  }
}

}  // namespace

Rgb series_colour(size_t index) {
  static constexpr Rgb kPalette[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                     {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                     {188, 189, 34},  {23, 190, 207}};
  return kPalette[index % (sizeof kPalette / sizeof kPalette[0])];
}

RgbImage line_plot(const PlotSpec& spec, const Font& font) {
  RgbImage out(spec.width, spec.height);
  auto ty = [&](double v) {
    return spec.log_y ? (v > 0 ? std::log10(v) : std::numeric_limits<double>::quiet_NaN()) : v;
  };
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : spec.series) {
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      const double y = ty(s.y[i]);
      if (!std::isfinite(s.x[i]) || !std::isfinite(y)) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, y);
      y_hi = std::max(y_hi, y);
    }
  }
  if (spec.y_min) y_lo = ty(*spec.y_min);
  if (spec.y_max) y_hi = ty(*spec.y_max);
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (x_hi <= x_lo) x_hi = x_lo + 1;
  if (y_hi <= y_lo) {
    const double pad = std::max(1e-12, std::abs(y_lo) * 0.05);
    y_lo -= pad;
    y_hi += pad;
  }
  if (!spec.y_min && !spec.y_max && !spec.log_y) {
    const double pad = (y_hi - y_lo) * 0.05;
    y_lo -= pad;
    y_hi += pad;
  }
  const auto y_ticks =
      spec.log_y ? nice_ticks(std::floor(y_lo), std::ceil(y_hi), 6) : nice_ticks(y_lo, y_hi, 6);
  const auto x_ticks = nice_ticks(x_lo, x_hi, 7);
  auto y_text = [&](double t) { return spec.log_y ? tick_label(std::pow(10.0, t)) : tick_label(t); };
  int label_width = 0;
  for (const double t : y_ticks) label_width = std::max(label_width, font.measure(y_text(t), kLabelSize));

  const int left = 16 + kLabelSize + label_width + 10, right = spec.width - 16;
  const int top = 16 + (spec.title.empty() ? 0 : kTitleSize + 8),
            bottom = spec.height - (16 + 2 * kLabelSize + 10);
  auto px = [&](double x) { return left + (x - x_lo) / (x_hi - x_lo) * (right - left); };
  auto py = [&](double y) { return bottom - (y - y_lo) / (y_hi - y_lo) * (bottom - top); };

  if (!spec.title.empty())
    font.draw_centred(out, (left + right) / 2, 16 + kTitleSize, spec.title, kTitleSize, kBlack);
  const Rgb grid{225, 225, 225};
  for (const double t : y_ticks) {
    if (t < y_lo - 1e-12 || t > y_hi + 1e-12) continue;
    const int r = static_cast<int>(std::lround(py(t)));
    out.fill_rect(left, r, right - left, 1, grid);
    const auto text = y_text(t);
    font.draw(out, left - 6 - font.measure(text, kLabelSize), r + kLabelSize / 2 - 1, text, kLabelSize,
              kBlack);
  }
  for (const double t : x_ticks) {
    const int c = static_cast<int>(std::lround(px(t)));
    out.fill_rect(c, top, 1, bottom - top, grid);
    font.draw_centred(out, c, bottom + kLabelSize + 6, tick_label(t), kLabelSize, kBlack);
  }
  out.draw_rect(left, top, right - left + 1, bottom - top + 1, kBlack);
  font.draw_centred(out, (left + right) / 2, spec.height - 12, spec.x_label, kLabelSize, kBlack);
  // The y label, written horizontally above the axis (rotated text is not worth the code).
  font.draw(out, 8, top - 6, spec.y_label, kLabelSize, kBlack);

  for (const auto& s : spec.series) {
    double dash = 0;
    bool have_previous = false;
    double x_prev = 0, y_prev = 0;
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      const double y = ty(s.y[i]);
      if (!std::isfinite(s.x[i]) || !std::isfinite(y)) {
        have_previous = false;
        continue;
      }
      const double cx = px(s.x[i]), cy = py(std::clamp(y, y_lo, y_hi));
      if (have_previous) draw_line(out, x_prev, y_prev, cx, cy, s.colour, s.dashed, dash);
      if (s.x.size() <= 40) out.fill_rect(static_cast<int>(cx) - 1, static_cast<int>(cy) - 1, 3, 3, s.colour);
      x_prev = cx;
      y_prev = cy;
      have_previous = true;
    }
  }
  // Legend, top right inside the axes.
  int row = top + 8;
  for (const auto& s : spec.series) {
    if (s.name.empty()) continue;
    const int text_w = font.measure(s.name, kLabelSize);
    const int x = right - 12 - text_w - 28;
    double dash = 0;
    draw_line(out, x, row + kLabelSize / 2.0, x + 22, row + kLabelSize / 2.0, s.colour, s.dashed, dash);
    font.draw(out, x + 28, row + kLabelSize - 1, s.name, kLabelSize, kBlack);
    row += kLabelSize + 6;
  }
  return out;
}

}  // namespace ptychopinn::render
