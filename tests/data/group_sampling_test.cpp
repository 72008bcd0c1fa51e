#include "ptychopinn/data/group_sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ptychopinn::data {
namespace {

// A 10 × 10 unit grid: M = 100 scan points.
struct SamplingFixture {
  std::vector<double> x, y;
  GroupingOptions grouping;
  GroupTable table;

  explicit SamplingFixture(int gridsize = 2, int k = 7) {
    for (int r = 0; r < 10; ++r) {
      for (int c = 0; c < 10; ++c) {
        x.push_back(c);
        y.push_back(r);
      }
    }
    grouping.gridsize = gridsize;
    grouping.neighbor_count = k;
    table = form_groups(x, y, grouping);
  }

  SampledGroups sample(const SamplingOptions& s) const { return sample_groups(table, x, y, grouping, s); }

  std::string error(const SamplingOptions& s) const {
    try {
      sample(s);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
};

SamplingOptions with_n(std::int64_t n, std::uint64_t seed = 42) {
  SamplingOptions s;
  s.n_groups = n;
  s.seed = seed;
  return s;
}

// Every sampled group with a source row is that row of the table.
void expect_rows_from_table(const SamplingFixture& f, const SampledGroups& g) {
  ASSERT_EQ(g.source_rows.size(), static_cast<std::size_t>(g.groups.n_rows));
  for (std::int64_t i = 0; i < g.groups.n_rows; ++i) {
    const std::int64_t r = g.source_rows[i];
    ASSERT_TRUE(r >= 0 && r < f.table.n_rows);
    for (int j = 0; j < g.groups.group_size; ++j) ASSERT_EQ(g.groups.row(i)[j], f.table.row(r)[j]);
  }
}

TEST(SampleGroups, UnsetNGroupsGivesEveryRowInNaturalOrder) {
  const SamplingFixture f;
  const SampledGroups g = f.sample({});
  EXPECT_EQ(g.groups.indices, f.table.indices);
  std::vector<std::int64_t> natural(100);
  std::iota(natural.begin(), natural.end(), 0);
  EXPECT_EQ(g.source_rows, natural);
}

TEST(SampleGroups, SeededSamplingPicksDistinctTableRowsReproducibly) {
  const SamplingFixture f;
  const SampledGroups a = f.sample(with_n(50, 42));
  EXPECT_EQ(a.groups.n_rows, 50);
  EXPECT_EQ(a.groups.group_size, 4);
  EXPECT_EQ(a.groups.indices.size(), 200u);
  EXPECT_EQ(std::set<std::int64_t>(a.source_rows.begin(), a.source_rows.end()).size(), 50u);
  expect_rows_from_table(f, a);
  EXPECT_EQ(f.sample(with_n(50, 42)).groups.indices, a.groups.indices);
  EXPECT_NE(f.sample(with_n(50, 43)).source_rows, a.source_rows);
  // Random order, not sorted: 50 sorted draws by chance are out of the question.
  EXPECT_FALSE(std::is_sorted(a.source_rows.begin(), a.source_rows.end()));
}

TEST(SampleGroups, SequentialSamplingTakesTheFirstNRowsWhateverTheSeed) {
  const SamplingFixture f;
  SamplingOptions s = with_n(30, 1);
  s.sequential_sampling = true;
  const SampledGroups a = f.sample(s);
  s.seed = 2;
  const SampledGroups b = f.sample(s);
  EXPECT_EQ(a.groups.indices, b.groups.indices);
  std::vector<std::int64_t> first(30);
  std::iota(first.begin(), first.end(), 0);
  EXPECT_EQ(a.source_rows, first);
  expect_rows_from_table(f, a);
  s.n_groups = 100;
  EXPECT_EQ(f.sample(s).groups.n_rows, 100);
}

TEST(SampleGroups, AskingForExactlyMGroupsGivesEveryRow) {
  const SamplingFixture f;
  EXPECT_EQ(f.sample(with_n(100)).groups.indices, f.table.indices);
}

TEST(SampleGroups, MoreGroupsThanScanPointsWithCAboveOneIsAnErrorNamingEnableOversampling) {
  const SamplingFixture f;
  for (bool sequential : {false, true}) {
    SamplingOptions s = with_n(110);
    s.sequential_sampling = sequential;
    const std::string message = f.error(s);
    EXPECT_NE(message.find("n_groups = 110; expected n_groups <= M = 100"), std::string::npos) << message;
    EXPECT_NE(message.find("enable_oversampling"), std::string::npos) << message;
    EXPECT_NE(message.find("K choose C"), std::string::npos) << message;
  }
}

TEST(SampleGroups, SinglePatternRequestsAboveMAreCappedAtM) {
  const SamplingFixture f(1, 4);
  for (bool sequential : {false, true}) {
    SamplingOptions s = with_n(110);
    s.sequential_sampling = sequential;
    const SampledGroups g = f.sample(s);
    EXPECT_EQ(g.groups.n_rows, 100);
    EXPECT_EQ(g.groups.indices, f.table.indices);
  }
}

TEST(SampleGroups, OversamplingGivesExactlyNGroupsOfFourForKFiveToEight) {
  for (int k = 5; k <= 8; ++k) {
    const SamplingFixture f(2, k);
    SamplingOptions s = with_n(200);
    s.enable_oversampling = true;
    const SampledGroups g = f.sample(s);
    ASSERT_EQ(g.groups.n_rows, 200) << "K = " << k;
    ASSERT_EQ(g.groups.group_size, 4);
    ASSERT_EQ(g.groups.indices.size(), 800u);
    EXPECT_EQ(g.source_rows, std::vector<std::int64_t>(200, -1));
    for (std::int64_t r = 0; r < 200; ++r) {
      const std::set<std::int64_t> members(g.groups.row(r), g.groups.row(r) + 4);
      ASSERT_EQ(members.size(), 4u);
      for (std::int64_t v : members) ASSERT_TRUE(v >= 0 && v < 100);
      // Members are drawn from one point's K nearest, so they stay close together.
      for (std::int64_t a : members) {
        for (std::int64_t b : members)
          ASSERT_LT(std::hypot(f.x[a] - f.x[b], f.y[a] - f.y[b]), 2 * std::sqrt(8.0));
      }
    }
    EXPECT_EQ(f.sample(s).groups.indices, g.groups.indices) << "reproducible with the same seed";
    s.seed = 7;
    EXPECT_NE(f.sample(s).groups.indices, g.groups.indices);
  }
}

TEST(SampleGroups, OversamplingHonoursSequentialSamplingAndTheSeed) {
  const SamplingFixture f;
  SamplingOptions s = with_n(110);
  s.enable_oversampling = true;
  s.sequential_sampling = true;
  const SampledGroups g = f.sample(s);
  EXPECT_EQ(g.groups.n_rows, 110);
  EXPECT_EQ(f.sample(s).groups.indices, g.groups.indices);
}

TEST(SampleGroups, OversamplingDrawsFromTheNeighbourPoolSize) {
  // With a pool of exactly C = 4 every seed point contributes one combination (its 4 nearest
  // others), so each oversampled group is some point's 4 nearest neighbours.
  const SamplingFixture f(2, 8);
  SamplingOptions s = with_n(150);
  s.enable_oversampling = true;
  s.neighbor_pool_size = 4;
  const SampledGroups g = f.sample(s);
  EXPECT_EQ(g.groups.n_rows, 150);
  const NeighborIndex index(f.x, f.y);
  std::set<std::set<std::int64_t>> nearest_four;
  std::vector<std::int64_t> out(5);
  for (std::int64_t i = 0; i < 100; ++i) {
    index.nearest(i, 5, out.data());
    nearest_four.insert(std::set<std::int64_t>(out.begin() + 1, out.end()));
  }
  for (std::int64_t r = 0; r < g.groups.n_rows; ++r) {
    ASSERT_EQ(nearest_four.count(std::set<std::int64_t>(g.groups.row(r), g.groups.row(r) + 4)), 1u)
        << "row " << r;
  }
}

TEST(SampleGroups, NeighbourPoolSmallerThanCIsAnError) {
  const SamplingFixture f;
  SamplingOptions s = with_n(200);
  s.enable_oversampling = true;
  s.neighbor_pool_size = 3;
  const std::string message = f.error(s);
  EXPECT_NE(message.find("neighbor_pool_size = 3; expected neighbor_pool_size >= C"), std::string::npos)
      << message;
}

TEST(SampleGroups, NonPositiveNGroupsAndAMismatchedTableAreErrors) {
  const SamplingFixture f;
  EXPECT_NE(f.error(with_n(0)).find("n_groups = 0; expected n_groups >= 1"), std::string::npos);
  const SamplingFixture single(1, 4);
  EXPECT_THROW(sample_groups(single.table, f.x, f.y, f.grouping, {}), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::data
