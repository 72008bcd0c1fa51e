#pragma once
// A short description of a loaded dataset, for `ptychopinn inspect` and logs.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "ptychopinn/data/dataset.h"

namespace ptychopinn::data {

struct DatasetSummary {
  std::int64_t n_positions = 0;   // M (after subsampling)
  std::int64_t pattern_size = 0;  // N
  std::vector<std::int64_t> probe_shape;
  std::vector<std::int64_t> object_shape;                           // empty without an object
  bool has_patches = false;                                         // ground-truth patches Y
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;                // scan positions, object px
  double amplitude_min = 0, amplitude_max = 0, amplitude_mean = 0;  // over every pattern
  double mean_pattern_energy = 0;  // mean over patterns of sum(amplitude^2) ~ photons per pattern
  std::optional<double> nphotons;  // from _metadata
  bool patterns_mapped = false;

  nlohmann::json to_json() const;
};

// One pass over the patterns (memory-mapped ones are read, not copied).
DatasetSummary summarize(const Dataset& dataset);

}  // namespace ptychopinn::data
