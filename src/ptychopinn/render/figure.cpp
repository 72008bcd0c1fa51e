#include "ptychopinn/render/figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "ptychopinn/render/font.h"

namespace ptychopinn::render {
namespace {

constexpr int kMargin = 10;
constexpr int kBarWidth = 16;

// Resamples a row-major image to out_w x out_h: nearest neighbour when enlarging, mean of the
// covered source pixels when shrinking (so fine detail averages instead of aliasing).
std::vector<double> resample(const std::vector<double>& v, int w, int h, int out_w, int out_h) {
  std::vector<double> out(static_cast<size_t>(out_w) * static_cast<size_t>(out_h));
  for (int y = 0; y < out_h; ++y) {
    const int y0 = y * h / out_h, y1 = std::max(y0 + 1, (y + 1) * h / out_h);
    for (int x = 0; x < out_w; ++x) {
      const int x0 = x * w / out_w, x1 = std::max(x0 + 1, (x + 1) * w / out_w);
      double sum = 0;
      int n = 0;
      for (int r = y0; r < y1; ++r) {
        for (int c = x0; c < x1; ++c) {
          const double s = v[static_cast<size_t>(r) * static_cast<size_t>(w) + static_cast<size_t>(c)];
          if (std::isfinite(s)) {
            sum += s;
            ++n;
          }
        }
      }
      out[static_cast<size_t>(y) * static_cast<size_t>(out_w) + static_cast<size_t>(x)] =
          n ? sum / n : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return out;
}

}  // namespace

std::string tick_label(double value) {
  if (std::abs(value) < 1e-12) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi <= lo) return {lo};
  // Of the steps 1, 2, 5 and 10 times a power of ten, the one whose tick count is closest to
  // `count` (the finer on a tie); ticks are whole multiples of the step, computed by index so
  // that rounding does not accumulate.
  const double raw = (hi - lo) / std::max(1, count - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  long first = 0, last = 0;
  long best_distance = std::numeric_limits<long>::max();
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    const double s = m * magnitude;
    const long a = static_cast<long>(std::ceil(lo / s - 1e-9)),
               b = static_cast<long>(std::floor(hi / s + 1e-9));
    const long distance = std::labs((b - a + 1) - count);
    if (distance < best_distance) {
      best_distance = distance;
      step = s;
      first = a;
      last = b;
    }
  }
  std::vector<double> ticks;
  for (long k = first; k <= last; ++k) ticks.push_back(static_cast<double>(k) * step);
  return ticks;
}

RgbImage render_panel(const ImagePanel& p, const Font& font) {
  if (p.width <= 0 || p.height <= 0 ||
      p.values.size() != static_cast<size_t>(p.width) * static_cast<size_t>(p.height)) {
    throw std::invalid_argument("render_panel '" + p.title + "': " + std::to_string(p.values.size()) +
                                " values for a " + std::to_string(p.width) + " x " +
                                std::to_string(p.height) + " image");
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const double v : p.values) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) lo = hi = 0;
  const double vmin = p.vmin.value_or(lo), vmax = std::max(p.vmax.value_or(hi), vmin);

  const double scale = static_cast<double>(p.display_size) / std::max(p.width, p.height);
  const int w = std::max(1, static_cast<int>(std::lround(p.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(p.height * scale)));
  const auto image =
      apply_colormap(resample(p.values, p.width, p.height, w, h), w, h, vmin, vmax, p.colormap);

  const auto ticks = nice_ticks(vmin, vmax);
  int label_width = 0;
  for (const double t : ticks) label_width = std::max(label_width, font.measure(tick_label(t), kLabelSize));
  const int title_height = p.title.empty() ? 0 : kTitleSize + 8;
  const int bar_x = kMargin + w + 12;
  const int width = bar_x + kBarWidth + 6 + label_width + kMargin;
  const int height = kMargin + title_height + h + (p.units.empty() ? 0 : kLabelSize + 6) + kMargin;
  RgbImage out(width, height);
  if (!p.title.empty())
    font.draw_centred(out, kMargin + w / 2, kMargin + kTitleSize, p.title, kTitleSize, kBlack);
  const int top = kMargin + title_height;
  out.paste(image, kMargin, top);

  // The colour bar: vmax at the top.
  for (int r = 0; r < h; ++r) {
    const double t = h > 1 ? 1.0 - static_cast<double>(r) / (h - 1) : 0.5;
    out.fill_rect(bar_x, top + r, kBarWidth, 1, colour_at(p.colormap, t));
  }
  out.draw_rect(bar_x - 1, top - 1, kBarWidth + 2, h + 2, kBlack);
  const double span = vmax > vmin ? vmax - vmin : 1.0;
  for (const double t : ticks) {
    const int r = top + static_cast<int>(std::lround((1.0 - (t - vmin) / span) * (h - 1)));
    out.fill_rect(bar_x + kBarWidth, r, 4, 1, kBlack);
    font.draw(out, bar_x + kBarWidth + 6, r + kLabelSize / 2 - 1, tick_label(t), kLabelSize, kBlack);
  }
  if (!p.units.empty()) font.draw(out, bar_x, top + h + kLabelSize + 4, p.units, kLabelSize, kBlack);
  return out;
}

RgbImage compose_grid(const std::vector<RgbImage>& panels, int columns, const std::string& title,
                      const Font& font) {
  if (panels.empty() || columns < 1) return RgbImage(1, 1);
  int cell_w = 0, cell_h = 0;
  for (const auto& p : panels) {
    cell_w = std::max(cell_w, p.width());
    cell_h = std::max(cell_h, p.height());
  }
  const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
  const int title_height = title.empty() ? 0 : kTitleSize + 2 * kMargin;
  const int grid_w = cell_w * std::min<int>(columns, static_cast<int>(panels.size()));
  const int title_w = title.empty() ? 0 : font.measure(title, kTitleSize) + 2 * kMargin;
  RgbImage out(std::max(grid_w, title_w), title_height + cell_h * rows);
  if (!title.empty())
    font.draw_centred(out, out.width() / 2, kMargin + kTitleSize, title, kTitleSize, kBlack);
  for (size_t i = 0; i < panels.size(); ++i) {
    const int col = static_cast<int>(i) % columns, row = static_cast<int>(i) / columns;
    out.paste(panels[i], col * cell_w, title_height + row * cell_h);
  }
  return out;
}

}  // namespace ptychopinn::render
