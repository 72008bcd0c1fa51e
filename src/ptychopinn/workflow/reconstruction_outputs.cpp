#include "ptychopinn/workflow/reconstruction_outputs.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "ptychopinn/io/ptychodus_product.h"
#include "ptychopinn/render/figure.h"

namespace ptychopinn::workflow {

void write_reconstruction_pictures(const std::string& amplitude_png, const std::string& phase_png,
                                   const infer::Reconstruction& r) {
  const auto object = r.image.object.to(torch::kComplexDouble).contiguous();
  const auto coverage = r.image.coverage.to(torch::kFloat64).contiguous();
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

void write_product(const std::string& path, const infer::Reconstruction& r, const data::Dataset& dataset,
                   const torch::Tensor& probe, double pixel_size_m, const std::string& name) {
  io::StitchedReconstruction s;
  const auto object = r.image.object.to(torch::kCPU, torch::kComplexFloat).contiguous();
  s.object_height = object.size(0);
  s.object_width = object.size(1);
  const auto* o = reinterpret_cast<const std::complex<float>*>(object.data_ptr<c10::complex<float>>());
  s.object.assign(o, o + object.numel());
  s.x_origin_px = r.image.grid.x_origin;
  s.y_origin_px = r.image.grid.y_origin;
  const auto p = probe.to(torch::kCPU, torch::kComplexFloat).contiguous();
  s.probe_size = p.size(0);
  const auto* pv = reinterpret_cast<const std::complex<float>*>(p.data_ptr<c10::complex<float>>());
  s.probe.assign(pv, pv + p.numel());
  s.x_px = dataset.x();
  s.y_px = dataset.y();
  // ptychodus wants strictly ascending indexes: the positions' indexes in the file when they are.
  const auto& original = dataset.sample_indices();
  const bool ascending = original.size() == s.x_px.size() && std::is_sorted(original.begin(), original.end()) &&
                         std::adjacent_find(original.begin(), original.end()) == original.end();
  for (size_t i = 0; i < s.x_px.size(); ++i) s.index.push_back(ascending ? original[i] : static_cast<int64_t>(i));
  s.pixel_size_m = pixel_size_m;
  io::ProductMetadata metadata;
  metadata.name = name;
  metadata.comments = "ptychopinn reconstruction of " + dataset.path();
  io::write_ptychodus_product(path, io::product_from_reconstruction(std::move(s), metadata));
}

}  // namespace ptychopinn::workflow
