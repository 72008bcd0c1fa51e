#include "ptychopinn/workflow/reconstruction_outputs.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ptychopinn/io/ptychodus_product.h"
#include "ptychopinn/render/figure.h"
#include "ptychopinn/render/line_plot.h"

namespace ptychopinn::workflow {

std::string to_string(PhaseDisplay d) {
  switch (d) {
    case PhaseDisplay::kRobust:
      return "robust";
    case PhaseDisplay::kRamp:
      return "ramp";
    case PhaseDisplay::kCyclic:
      return "cyclic";
  }
  return "?";
}

PhaseDisplay parse_phase_display(const std::string& s) {
  for (const auto d : {PhaseDisplay::kRobust, PhaseDisplay::kRamp, PhaseDisplay::kCyclic}) {
    if (s == to_string(d)) return d;
  }
  throw std::invalid_argument("phase_display = '" + s + "'; expected one of robust, ramp, cyclic");
}

namespace {

// The 1st and 99th percentiles of values[mask] (mask non-empty).
std::pair<double, double> robust_range(const torch::Tensor& values, const torch::Tensor& mask) {
  const auto v = values.index({mask});
  const auto q = torch::quantile(v, torch::tensor({0.01, 0.99}, torch::kFloat64));
  return {q[0].item<double>(), q[1].item<double>()};
}

torch::Tensor displayed_phase(const torch::Tensor& object, const torch::Tensor& lit, bool ramp) {
  const double offset = torch::angle(object.index({lit}).sum()).item<double>();
  torch::Tensor phase = torch::angle(object * c10::complex<double>(std::cos(offset), -std::sin(offset)));
  if (!ramp) return phase;
  const int64_t h = object.size(0), w = object.size(1);
  const auto rows = torch::arange(h, torch::kFloat64).unsqueeze(1).expand({h, w});
  const auto cols = torch::arange(w, torch::kFloat64).unsqueeze(0).expand({h, w});
  const auto design = torch::stack({torch::ones({h, w}, torch::kFloat64), cols, rows}, -1);  // [h, w, 3]
  const auto a = design.index({lit});                                                        // [n, 3]
  const auto b = phase.index({lit}).unsqueeze(1);                                            // [n, 1]
  const auto coefficients = std::get<0>(at::linalg_lstsq(a, b)).squeeze(1);
  phase = phase - torch::matmul(design, coefficients);
  return torch::atan2(torch::sin(phase), torch::cos(phase));
}

}  // namespace

torch::Tensor well_lit(const torch::Tensor& coverage) {
  const auto c = coverage.to(torch::kCPU, torch::kFloat64);
  return (c > 0.1).logical_and(c >= 0.3 * c.max());
}

torch::Tensor phase_for_display(const torch::Tensor& object, const torch::Tensor& coverage,
                                PhaseDisplay display) {
  const auto o = object.to(torch::kCPU, torch::kComplexDouble).contiguous();
  const auto lit = well_lit(coverage);
  if (display == PhaseDisplay::kCyclic || !lit.any().item<bool>()) return torch::angle(o);
  return displayed_phase(o, lit, display == PhaseDisplay::kRamp);
}

void write_object_pictures(const std::string& amplitude_png, const std::string& phase_png,
                           const torch::Tensor& object_in, const torch::Tensor& coverage_in,
                           PhaseDisplay display) {
  const auto object = object_in.to(torch::kCPU, torch::kComplexDouble).contiguous();
  const auto coverage = coverage_in.to(torch::kCPU, torch::kFloat64).contiguous();
  const int h = static_cast<int>(object.size(0)), w = static_cast<int>(object.size(1));
  // Pixels with less than a tenth of a patch's weight are edge fringes of the bilinear shift:
  // shown as not covered rather than as noisy values.
  const auto covered = coverage > 0.1;
  const auto lit = well_lit(coverage);
  const bool any_lit = lit.any().item<bool>();
  const bool robust = display != PhaseDisplay::kCyclic && any_lit;
  const auto amplitude = torch::abs(object).contiguous();
  const auto phase = phase_for_display(object, coverage, display).contiguous();
  const double* a = amplitude.data_ptr<double>();
  const double* p = phase.data_ptr<double>();
  const bool* c = covered.data_ptr<bool>();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> amp(static_cast<size_t>(h) * static_cast<size_t>(w)), ph(amp.size());
  for (size_t i = 0; i < amp.size(); ++i) {
    amp[i] = c[i] ? a[i] : nan;
    ph[i] = c[i] ? p[i] : nan;
  }
  render::Font font;
  render::ImagePanel panel;
  panel.width = w;
  panel.height = h;
  panel.display_size = std::max(320, std::min(640, std::max(w, h)));
  panel.title = "amplitude";
  if (any_lit) {
    const auto [lo, hi] = robust_range(amplitude, lit);
    panel.vmin = lo;
    panel.vmax = hi > lo ? hi : lo + 1e-12;
    panel.title = "amplitude (1-99 % range)";
  }
  panel.values = std::move(amp);
  render::save_png(amplitude_png, render::render_panel(panel, font));
  panel.values = std::move(ph);
  panel.units = "rad";
  if (robust) {
    const auto [lo, hi] = robust_range(phase, lit);
    panel.vmin = lo;
    panel.vmax = hi > lo ? hi : lo + 1e-12;
    panel.colormap = render::Colormap::kGrey;
    panel.title = display == PhaseDisplay::kRamp ? "phase (ramp removed, 1-99 %)" : "phase (1-99 % range)";
  } else {
    panel.title = "phase";
    panel.colormap = render::Colormap::kCyclic;
    panel.vmin = -M_PI;
    panel.vmax = M_PI;
  }
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
