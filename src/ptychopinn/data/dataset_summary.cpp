#include "ptychopinn/data/dataset_summary.h"

#include <algorithm>
#include <limits>

namespace ptychopinn::data {

DatasetSummary summarize(const Dataset& d) {
  DatasetSummary s;
  s.n_positions = d.size();
  s.pattern_size = d.pattern_size();
  s.probe_shape = d.probe().sizes().vec();
  if (d.object()) s.object_shape = d.object()->sizes().vec();
  s.has_patches = d.has_patches();
  s.patterns_mapped = d.patterns_mapped();
  s.nphotons = d.metadata_nphotons();
  if (d.size() == 0) return s;
  const auto [xmin, xmax] = std::minmax_element(d.x().begin(), d.x().end());
  const auto [ymin, ymax] = std::minmax_element(d.y().begin(), d.y().end());
  s.x_min = *xmin;
  s.x_max = *xmax;
  s.y_min = *ymin;
  s.y_max = *ymax;
  const std::size_t nn = static_cast<std::size_t>(d.pattern_size() * d.pattern_size());
  std::vector<float> buf(nn);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, energy = 0;
  for (std::int64_t i = 0; i < d.size(); ++i) {
    d.copy_pattern(i, buf.data());
    for (float v : buf) {
      lo = std::min<double>(lo, v);
      hi = std::max<double>(hi, v);
      sum += v;
      energy += static_cast<double>(v) * v;
    }
  }
  s.amplitude_min = lo;
  s.amplitude_max = hi;
  s.amplitude_mean = sum / static_cast<double>(nn * static_cast<std::size_t>(d.size()));
  s.mean_pattern_energy = energy / static_cast<double>(d.size());
  return s;
}

nlohmann::json DatasetSummary::to_json() const {
  nlohmann::json j = {
      {"n_positions", n_positions},
      {"N", pattern_size},
      {"probe_shape", probe_shape},
      {"object_shape", object_shape.empty() ? nlohmann::json(nullptr) : nlohmann::json(object_shape)},
      {"has_ground_truth_patches", has_patches},
      {"x_range", {x_min, x_max}},
      {"y_range", {y_min, y_max}},
      {"amplitude", {{"min", amplitude_min}, {"max", amplitude_max}, {"mean", amplitude_mean}}},
      {"mean_pattern_energy", mean_pattern_energy},
      {"nphotons_metadata", nphotons ? nlohmann::json(*nphotons) : nlohmann::json(nullptr)},
      {"patterns_memory_mapped", patterns_mapped}};
  return j;
}

}  // namespace ptychopinn::data
