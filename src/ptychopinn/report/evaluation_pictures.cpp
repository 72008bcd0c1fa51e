#include "ptychopinn/report/evaluation_pictures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "ptychopinn/render/figure.h"
#include "ptychopinn/render/line_plot.h"

namespace ptychopinn::report {
namespace {

std::vector<double> values_of(const torch::Tensor& image) {
  const auto t = image.to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

render::ImagePanel panel(const std::string& title, const torch::Tensor& image, render::Colormap map,
                         double vmin, double vmax, const std::string& units) {
  render::ImagePanel p;
  p.title = title;
  p.values = values_of(image);
  p.height = static_cast<int>(image.size(0));
  p.width = static_cast<int>(image.size(1));
  p.colormap = map;
  p.vmin = vmin;
  p.vmax = vmax;
  p.units = units;
  p.display_size = 256;
  return p;
}

std::string metric_line(const char* name, const eval::ChannelMetrics& m) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%s: SSIM %.3f, Pearson r %.3f, MAE %.3g, PSNR %.1f dB", name, m.ssim,
                m.pearson, m.mae, m.psnr);
  return buffer;
}

}  // namespace

render::RgbImage comparison_figure(const eval::Evaluation& e, const std::string& reference_label) {
  const std::string difference = reference_label == "ground truth" ? "|error|" : "|difference|";
  render::Font font;
  const auto& at = e.amplitude_truth;
  const auto& ar = e.amplitude_reconstruction;
  const double a_lo = std::min(at.min().item<double>(), ar.min().item<double>());
  const double a_hi = std::max(at.max().item<double>(), ar.max().item<double>());
  const auto a_err = (ar - at).abs();
  const auto& pt = e.phase_truth;
  const auto& pr = e.phase_reconstruction;
  const double p_lo = std::min(pt.min().item<double>(), pr.min().item<double>());
  const double p_hi = std::max(pt.max().item<double>(), pr.max().item<double>());
  // The phase difference wrapped to (−π, π], so a 2π jump is no error.
  const auto p_diff = torch::atan2(torch::sin(pr - pt), torch::cos(pr - pt)).abs();
  std::vector<render::RgbImage> panels = {
      render::render_panel(
          panel("amplitude: " + reference_label, at, render::Colormap::kViridis, a_lo, a_hi, ""), font),
      render::render_panel(panel("amplitude: reconstruction", ar, render::Colormap::kViridis, a_lo, a_hi, ""),
                           font),
      render::render_panel(panel("amplitude: " + difference, a_err, render::Colormap::kViridis, 0,
                                 a_err.max().item<double>(), ""),
                           font),
      // Phases after gauge removal span a small range: a linear map over their joint range shows
      // the structure better than the full cyclic −π ... π map would.
      render::render_panel(
          panel("phase: " + reference_label, pt, render::Colormap::kViridis, p_lo, p_hi, "rad"), font),
      render::render_panel(panel("phase: reconstruction", pr, render::Colormap::kViridis, p_lo, p_hi, "rad"),
                           font),
      render::render_panel(panel("phase: " + difference, p_diff, render::Colormap::kViridis, 0,
                                 p_diff.max().item<double>(), "rad"),
                           font),
  };
  const std::string title = metric_line("amplitude", e.amplitude) + "    " + metric_line("phase", e.phase);
  return render::compose_grid(panels, 3, title, font);
}

render::RgbImage frc_figure(const eval::Evaluation& e) {
  render::Font font;
  render::PlotSpec spec;
  spec.title = "Fourier ring correlation";
  spec.x_label = "spatial frequency (ring, pixels)";
  spec.y_label = "FRC";
  spec.y_min = 0;
  spec.y_max = 1.05;
  auto curve = [](const std::vector<double>& y) {
    std::vector<double> x(y.size());
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
    return x;
  };
  spec.series.push_back(
      {"amplitude", curve(e.amplitude.frc), e.amplitude.frc, render::series_colour(0), false});
  spec.series.push_back({"phase", curve(e.phase.frc), e.phase.frc, render::series_colour(1), false});
  const double n = static_cast<double>(std::max(e.amplitude.frc.size(), e.phase.frc.size()));
  spec.series.push_back({"0.5", {0, std::max(1.0, n - 1)}, {0.5, 0.5}, render::kGrey, true});
  spec.series.push_back(
      {"1/7", {0, std::max(1.0, n - 1)}, {1 / 7.0, 1 / 7.0}, render::Rgb{90, 90, 90}, true});
  return render::line_plot(spec, font);
}

void write_evaluation_pictures(const std::string& comparison_png, const std::string& frc_png,
                               const eval::Evaluation& e, const std::string& reference_label) {
  render::save_png(comparison_png, comparison_figure(e, reference_label));
  render::save_png(frc_png, frc_figure(e));
}

}  // namespace ptychopinn::report
