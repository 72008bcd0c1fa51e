#pragma once
// Validation shared by TrainingConfig and InferenceConfig: the settings of neighbour grouping and
// sampling (docs/data-pipeline.md), which both configs carry under the same keys.
#include <optional>
#include <string>

#include "ptychopinn/config/model_config.h"

namespace ptychopinn::config {

// The grouping settings of a config, by reference.
struct GroupingSettings {
  const std::optional<int>& n_groups;
  const std::optional<int>& n_images;
  const std::optional<int>& n_subsample;
  const std::optional<int>& subsample_seed;
  int neighbor_count;
  const std::optional<int>& neighbor_pool_size;
};

// Throws ConfigError(where, ...) when: a count (n_groups, n_images, n_subsample) is set and < 1;
// subsample_seed is set and < 0; neighbor_count < 1, or < C = gridsize^2 when gridsize > 1
// ("neighbor_count = 3; expected >= C = gridsize^2 = 4"); neighbor_pool_size is set and < C
// (and < 1).
void validate_grouping(const std::string& where, const ModelConfig& model, const GroupingSettings& s);

}  // namespace ptychopinn::config
