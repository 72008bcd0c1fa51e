#include "ptychopinn/workflow/reconstruction_outputs.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <sstream>
#include <vector>

#include "ptychopinn/io/ptychodus_product.h"
#include "ptychopinn/render/figure.h"
#include "ptychopinn/render/line_plot.h"

namespace ptychopinn::workflow {

void write_object_pictures(const std::string& amplitude_png, const std::string& phase_png,
                           const torch::Tensor& object_in, const torch::Tensor& coverage_in) {
  const auto object = object_in.to(torch::kCPU, torch::kComplexDouble).contiguous();
  const auto coverage = coverage_in.to(torch::kCPU, torch::kFloat64).contiguous();
  const int h = static_cast<int>(object.size(0)), w = static_cast<int>(object.size(1));
  const auto amplitude = torch::abs(object).contiguous();
  const auto phase = torch::angle(object).contiguous();
  const double* a = amplitude.data_ptr<double>();
  const double* p = phase.data_ptr<double>();
  const double* c = coverage.data_ptr<double>();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> amp(static_cast<size_t>(h) * static_cast<size_t>(w)), ph(amp.size());
  // Pixels with less than a tenth of a patch's weight are edge fringes of the bilinear shift:
  // shown as not covered rather than as noisy values.
  for (size_t i = 0; i < amp.size(); ++i) {
    const bool covered = c[i] > 0.1;
    amp[i] = covered ? a[i] : nan;
    ph[i] = covered ? p[i] : nan;
  }
  render::Font font;
  render::ImagePanel panel;
  panel.width = w;
  panel.height = h;
  panel.display_size = std::max(320, std::min(640, std::max(w, h)));
  panel.title = "amplitude";
  panel.values = std::move(amp);
  render::save_png(amplitude_png, render::render_panel(panel, font));
  panel.title = "phase";
  panel.values = std::move(ph);
  panel.colormap = render::Colormap::kCyclic;
  panel.vmin = -M_PI;
  panel.vmax = M_PI;
  panel.units = "rad";
  render::save_png(phase_png, render::render_panel(panel, font));
}

std::optional<double> metadata_pixel_size_m(const data::Dataset& dataset) {
  const auto& m = dataset.metadata();
  if (!m.is_object()) return std::nullopt;
  for (const char* key : {"pixel_size_m", "object_pixel_size_m"}) {
    if (m.contains(key) && m[key].is_number() && m[key].get<double>() > 0) return m[key].get<double>();
  }
  return std::nullopt;
}

double product_pixel_size_m(std::optional<double> given, const data::Dataset& dataset,
                            const std::function<void(const std::string&)>& note) {
  if (given) return *given;
  if (const auto recorded = metadata_pixel_size_m(dataset)) return *recorded;
  std::ostringstream s;
  s << "product-out.h5 uses a pixel size of " << io::kDefaultProductPixelSizeM
    << " m (the dataset gives none); pass --pixel_size_m for real units";
  note(s.str());
  return io::kDefaultProductPixelSizeM;
}

std::vector<int64_t> product_indexes(const data::Dataset& dataset) {
  const auto& original = dataset.sample_indices();
  const bool ascending = original.size() == dataset.x().size() &&
                         std::is_sorted(original.begin(), original.end()) &&
                         std::adjacent_find(original.begin(), original.end()) == original.end();
  std::vector<int64_t> index;
  for (size_t i = 0; i < dataset.x().size(); ++i)
    index.push_back(ascending ? original[i] : static_cast<int64_t>(i));
  return index;
}

void write_product(const std::string& path, const ProductContent& c) {
  io::StitchedReconstruction s;
  const auto object = c.object.to(torch::kCPU, torch::kComplexFloat).contiguous();
  s.object_height = object.size(0);
  s.object_width = object.size(1);
  const auto* o = reinterpret_cast<const std::complex<float>*>(object.data_ptr<c10::complex<float>>());
  s.object.assign(o, o + object.numel());
  s.x_origin_px = c.x_origin_px;
  s.y_origin_px = c.y_origin_px;
  const auto modes =
      c.probe.to(torch::kCPU, torch::kComplexFloat).reshape({-1, c.probe.size(-2), c.probe.size(-1)});
  const auto first = modes[0].contiguous();
  s.probe_size = first.size(0);
  const auto* pv = reinterpret_cast<const std::complex<float>*>(first.data_ptr<c10::complex<float>>());
  s.probe.assign(pv, pv + first.numel());
  s.x_px = c.x_px;
  s.y_px = c.y_px;
  s.index = c.index;
  s.pixel_size_m = c.pixel_size_m;
  io::ProductMetadata metadata;
  metadata.name = c.name;
  metadata.comments = c.comments;
  io::Product product = io::product_from_reconstruction(std::move(s), metadata);
  if (modes.size(0) > 1) {
    // Incoherent modes: ptychodus' probe is [coherent, incoherent, H, W].
    const auto all = modes.contiguous();
    const auto* mv = reinterpret_cast<const std::complex<float>*>(all.data_ptr<c10::complex<float>>());
    product.probe.incoherent_modes = all.size(0);
    product.probe.values.assign(mv, mv + all.numel());
  }
  for (size_t i = 0; i < c.losses.size(); ++i) {
    product.loss_epochs.push_back(static_cast<int64_t>(i));
    product.loss_values.push_back(c.losses[i]);
  }
  io::write_ptychodus_product(path, product);
}

void write_probe_picture(const std::string& png, const torch::Tensor& probe) {
  const auto modes =
      probe.to(torch::kCPU, torch::kComplexDouble).reshape({-1, probe.size(-2), probe.size(-1)});
  const auto power = modes.abs().square().sum({1, 2});
  const double total = std::max(power.sum().item<double>(), 1e-300);
  render::Font font;
  std::vector<render::RgbImage> panels;
  for (int64_t k = 0; k < modes.size(0); ++k) {
    const auto mode = modes[k].contiguous();
    const auto amplitude = mode.abs().contiguous();
    // Where the mode is dark its phase is noise: grey below 2 % of its peak amplitude.
    const auto dark = amplitude < 0.02 * amplitude.max();
    const auto phase =
        torch::angle(mode).masked_fill(dark, std::numeric_limits<double>::quiet_NaN()).contiguous();
    render::ImagePanel panel;
    panel.width = static_cast<int>(mode.size(1));
    panel.height = static_cast<int>(mode.size(0));
    panel.display_size = 240;
    char share[64];
    std::snprintf(share, sizeof share, "mode %lld (%.1f%%)", static_cast<long long>(k + 1),
                  100 * power[k].item<double>() / total);
    panel.title = std::string(share) + " amplitude";
    panel.values.assign(amplitude.data_ptr<double>(), amplitude.data_ptr<double>() + amplitude.numel());
    panels.push_back(render::render_panel(panel, font));
    panel.title = std::string(share) + " phase";
    panel.values.assign(phase.data_ptr<double>(), phase.data_ptr<double>() + phase.numel());
    panel.colormap = render::Colormap::kCyclic;
    panel.vmin = -M_PI;
    panel.vmax = M_PI;
    panel.units = "rad";
    panels.push_back(render::render_panel(panel, font));
  }
  render::save_png(png, render::compose_grid(panels, 2, "probe", font));
}

void write_convergence_picture(const std::string& png, const std::vector<double>& error,
                               const std::string& label) {
  render::PlotSpec plot;
  plot.title = "convergence";
  plot.x_label = "iteration";
  plot.y_label = label;
  plot.log_y = true;
  std::vector<double> x(error.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i + 1);
  plot.series.push_back({label, x, error, render::series_colour(0), false});
  render::Font font;
  render::save_png(png, render::line_plot(plot, font));
}

}  // namespace ptychopinn::workflow
