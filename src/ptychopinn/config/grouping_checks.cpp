#include "ptychopinn/config/grouping_checks.h"

#include <algorithm>

#include "ptychopinn/config/config_error.h"

namespace ptychopinn::config {
namespace {
void require_count(const std::string& where, const char* key, const std::optional<int>& v) {
  if (v) require(*v >= 1, where, key, std::to_string(*v), ">= 1 or null");
}
}  // namespace

void validate_grouping(const std::string& where, const ModelConfig& model, const GroupingSettings& s) {
  require_count(where, "n_groups", s.n_groups);
  require_count(where, "n_images", s.n_images);
  require_count(where, "n_subsample", s.n_subsample);
  if (s.subsample_seed) {
    require(*s.subsample_seed >= 0, where, "subsample_seed", std::to_string(*s.subsample_seed),
            ">= 0 or null");
  }
  const int c = group_size(model);
  // Groups are drawn from the K nearest other points (data/grouping.h), so K must hold C.
  const std::string at_least_c =
      ">= C = gridsize^2 = " + std::to_string(c) + " (gridsize = " + std::to_string(model.gridsize) + ")";
  require(s.neighbor_count >= 1, where, "neighbor_count", std::to_string(s.neighbor_count), ">= 1");
  if (model.gridsize > 1) {
    require(s.neighbor_count >= c, where, "neighbor_count", std::to_string(s.neighbor_count), at_least_c);
  }
  if (s.neighbor_pool_size) {
    require(*s.neighbor_pool_size >= std::max(c, 1), where, "neighbor_pool_size",
            std::to_string(*s.neighbor_pool_size), at_least_c + " or null");
  }
}

}  // namespace ptychopinn::config
