#include "ptychopinn/config/grouping_checks.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

struct Grouping {
  std::optional<int> n_groups, n_images, n_subsample, subsample_seed;
  int neighbor_count = 4;
  std::optional<int> neighbor_pool_size;
  void validate(const ModelConfig& m) const {
    validate_grouping("X", m,
                      {n_groups, n_images, n_subsample, subsample_seed, neighbor_count, neighbor_pool_size});
  }
};

ModelConfig with_gridsize(int g) {
  ModelConfig m;
  m.gridsize = g;
  return m;
}

TEST(GroupingChecks, NeighborCountBelowTheGroupSizeIsRejectedQuotingKAndC) {
  Grouping g;
  g.neighbor_count = 3;
  EXPECT_TRUE(throws_config_error([&] { g.validate(with_gridsize(2)); },
                                  {"X: neighbor_count = 3; expected >= C = gridsize^2 = 4"}));
  g.neighbor_count = 4;
  EXPECT_NO_THROW(g.validate(with_gridsize(2)));
}

TEST(GroupingChecks, AnyPositiveNeighborCountIsFineAtGridsizeOne) {
  Grouping g;
  g.neighbor_count = 1;
  EXPECT_NO_THROW(g.validate(with_gridsize(1)));
  g.neighbor_count = 0;
  EXPECT_TRUE(
      throws_config_error([&] { g.validate(with_gridsize(1)); }, {"neighbor_count = 0; expected >= 1"}));
}

TEST(GroupingChecks, PoolSizeBelowTheGroupSizeIsRejected) {
  Grouping g;
  g.neighbor_count = 7;
  g.neighbor_pool_size = 3;
  EXPECT_TRUE(throws_config_error([&] { g.validate(with_gridsize(2)); },
                                  {"neighbor_pool_size = 3; expected >= C = gridsize^2 = 4"}));
  g.neighbor_pool_size = 4;
  EXPECT_NO_THROW(g.validate(with_gridsize(2)));
}

TEST(GroupingChecks, CountsAndSeedsMustBeNonNegative) {
  Grouping g;
  g.n_groups = 0;
  EXPECT_TRUE(throws_config_error([&] { g.validate(ModelConfig{}); }, {"n_groups = 0; expected >= 1"}));
  g = Grouping{};
  g.n_subsample = -1;
  EXPECT_TRUE(throws_config_error([&] { g.validate(ModelConfig{}); }, {"n_subsample = -1"}));
  g = Grouping{};
  g.n_images = 0;
  EXPECT_TRUE(throws_config_error([&] { g.validate(ModelConfig{}); }, {"n_images = 0"}));
  g = Grouping{};
  g.subsample_seed = -1;
  EXPECT_TRUE(throws_config_error([&] { g.validate(ModelConfig{}); }, {"subsample_seed = -1"}));
  g.subsample_seed = 0;
  EXPECT_NO_THROW(g.validate(ModelConfig{}));
}

}  // namespace
}  // namespace ptychopinn::config
