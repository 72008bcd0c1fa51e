#include "ptychopinn/data/grouping.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ptychopinn/data/random.h"

namespace ptychopinn::data {
namespace {

struct Points {
  std::vector<double> x, y;
};

// An nx × ny unit grid, row by row (x = column, y = row).
Points grid(int nx, int ny) {
  Points p;
  for (int r = 0; r < ny; ++r) {
    for (int c = 0; c < nx; ++c) {
      p.x.push_back(c);
      p.y.push_back(r);
    }
  }
  return p;
}

Points uniform_points(int n, std::uint64_t seed, double extent = 100.0) {
  Random rng(seed);
  Points p;
  for (int i = 0; i < n; ++i) {
    p.x.push_back(extent * rng.uniform01());
    p.y.push_back(extent * rng.uniform01());
  }
  return p;
}

GroupingOptions options(int gridsize, int k, std::uint64_t seed = 42) {
  GroupingOptions o;
  o.gridsize = gridsize;
  o.neighbor_count = k;
  o.seed = seed;
  return o;
}

double distance(const Points& p, std::int64_t a, std::int64_t b) {
  return std::hypot(p.x[a] - p.x[b], p.y[a] - p.y[b]);
}

// The k nearest points by brute force, ordered by (squared distance, index).
std::vector<std::int64_t> brute_nearest(const Points& p, std::int64_t q, std::size_t k) {
  std::vector<std::pair<double, std::int64_t>> d;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(p.x.size()); ++i) {
    const double dx = p.x[q] - p.x[i], dy = p.y[q] - p.y[i];
    d.emplace_back(dx * dx + dy * dy, i);
  }
  std::sort(d.begin(), d.end());
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < std::min(k, d.size()); ++i) out.push_back(d[i].second);
  return out;
}

std::string error_of(const Points& p, const GroupingOptions& o) {
  try {
    form_groups(p.x, p.y, o);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(FormGroups, TableHasOneRowOfCInt64IndicesPerScanPoint) {
  const Points p = grid(20, 20);
  const GroupTable t = form_groups(p.x, p.y, options(2, 7));
  static_assert(std::is_same_v<decltype(t.indices)::value_type, std::int64_t>, "indices are int64");
  EXPECT_EQ(t.n_rows, 400);
  EXPECT_EQ(t.group_size, 4);
  ASSERT_EQ(t.indices.size(), 1600u);
  for (std::int64_t v : t.indices) ASSERT_TRUE(v >= 0 && v < 400) << v;
}

TEST(FormGroups, EveryRowHoldsCDistinctIndices) {
  const Points p = uniform_points(500, 1);
  for (int gridsize : {2, 3}) {
    const GroupTable t = form_groups(p.x, p.y, options(gridsize, 12));
    for (std::int64_t r = 0; r < t.n_rows; ++r) {
      const std::set<std::int64_t> members(t.row(r), t.row(r) + t.group_size);
      ASSERT_EQ(members.size(), static_cast<std::size_t>(t.group_size)) << "row " << r;
    }
  }
}

TEST(FormGroups, SeedPointIsNotInItsOwnGroupWhenItHasEnoughNeighbours) {
  const Points p = uniform_points(300, 2);
  const GroupTable t = form_groups(p.x, p.y, options(2, 6));
  for (std::int64_t r = 0; r < t.n_rows; ++r) {
    for (int j = 0; j < t.group_size; ++j) ASSERT_NE(t.row(r)[j], r) << "row " << r;
  }
}

TEST(FormGroups, MembersStayCloseToTheirCentroidOnA20x20Grid) {
  // As a reference test asserts: K = 8, C = 4 on a unit grid: every member within 2·sqrt(K) of the centroid.
  const Points p = grid(20, 20);
  const GroupTable t = form_groups(p.x, p.y, options(2, 8));
  double worst = 0;
  for (std::int64_t r = 0; r < t.n_rows; ++r) {
    double cx = 0, cy = 0;
    for (int j = 0; j < 4; ++j) {
      cx += p.x[t.row(r)[j]] / 4;
      cy += p.y[t.row(r)[j]] / 4;
    }
    for (int j = 0; j < 4; ++j)
      worst = std::max(worst, std::hypot(p.x[t.row(r)[j]] - cx, p.y[t.row(r)[j]] - cy));
  }
  EXPECT_LT(worst, 2 * std::sqrt(8.0));
}

TEST(FormGroups, MembersAreWithinFivePixelsOfEachOtherOnA10x10Grid) {
  const Points p = grid(10, 10);
  const GroupTable t = form_groups(p.x, p.y, options(2, 8));
  for (std::int64_t r = 0; r < t.n_rows; ++r) {
    for (int a = 0; a < 4; ++a) {
      for (int b = a + 1; b < 4; ++b) ASSERT_LT(distance(p, t.row(r)[a], t.row(r)[b]), 5.0) << "row " << r;
    }
  }
}

TEST(FormGroups, WithKEqualToCAGroupIsExactlyTheCNearestOtherPoints) {
  const Points p = uniform_points(200, 3);
  const GroupTable t = form_groups(p.x, p.y, options(2, 4));
  for (std::int64_t r = 0; r < t.n_rows; ++r) {
    std::vector<std::int64_t> expected = brute_nearest(p, r, 5);
    expected.erase(expected.begin());  // the point itself
    std::vector<std::int64_t> got(t.row(r), t.row(r) + 4);
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, expected) << "row " << r;
  }
}

TEST(FormGroups, EachRowIsTheDrawOfItsOwnStreamFromTheKNearestOtherPoints) {
  // Pins the algorithm: row i = choose(K, C) of StreamRandom(seed, i) over the K nearest others,
  // so a row depends on nothing but the seed, i and the neighbourhood of i.
  const Points p = uniform_points(150, 4);
  const GroupingOptions o = options(2, 7, 99);
  const GroupTable t = form_groups(p.x, p.y, o);
  for (std::int64_t i = 0; i < t.n_rows; ++i) {
    std::vector<std::int64_t> cand = brute_nearest(p, i, 8);
    cand.erase(cand.begin());
    StreamRandom rng(99, static_cast<std::uint64_t>(i));
    const std::vector<std::int64_t> pick = choose(rng, 7, 4);
    for (int j = 0; j < 4; ++j) ASSERT_EQ(t.row(i)[j], cand[pick[j]]) << "row " << i << " member " << j;
  }
}

TEST(FormGroups, TheTableDoesNotDependOnTheNumberOfThreads) {
  const Points p = uniform_points(20000, 10);
  GroupingOptions one = options(2, 6);
  one.n_threads = 1;
  GroupingOptions four = one;
  four.n_threads = 4;
  EXPECT_EQ(form_groups(p.x, p.y, one).indices, form_groups(p.x, p.y, four).indices);
}

TEST(FormGroups, MembersComeInRandomOrderNotDistanceOrder) {
  const Points p = uniform_points(200, 5);
  const GroupTable t = form_groups(p.x, p.y, options(2, 4));
  int sorted_rows = 0;
  for (std::int64_t r = 0; r < t.n_rows; ++r) {
    bool sorted = true;
    for (int j = 1; j < 4; ++j)
      sorted = sorted && distance(p, r, t.row(r)[j - 1]) <= distance(p, r, t.row(r)[j]);
    sorted_rows += sorted;
  }
  EXPECT_LT(sorted_rows, 50);  // 1 in 24 by chance: about 8 of 200
}

TEST(FormGroups, SameSeedGivesTheSameTableAndADifferentSeedADifferentOne) {
  const Points p = uniform_points(400, 6);
  const GroupTable a = form_groups(p.x, p.y, options(2, 8, 42));
  const GroupTable b = form_groups(p.x, p.y, options(2, 8, 42));
  const GroupTable c = form_groups(p.x, p.y, options(2, 8, 43));
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_NE(a.indices, c.indices);
}

TEST(FormGroups, KSmallerThanCIsAnErrorQuotingBothValues) {
  const Points p = grid(5, 5);
  const std::string message = error_of(p, options(2, 3));
  EXPECT_NE(message.find("neighbor_count K = 3"), std::string::npos) << message;
  EXPECT_NE(message.find("expected K >= C = gridsize^2 = 4"), std::string::npos) << message;
  EXPECT_NE(error_of(p, options(3, 8)).find("K = 8; expected K >= C = gridsize^2 = 9"), std::string::npos);
}

TEST(FormGroups, FewerScanPointsThanCIsAnError) {
  const Points p = grid(3, 1);
  const std::string message = error_of(p, options(2, 4));
  EXPECT_NE(message.find("number of scan points = 3; expected at least C = gridsize^2 = 4"),
            std::string::npos)
      << message;
}

TEST(FormGroups, InvalidGridsizeMismatchedLengthsAndNonFiniteCoordinatesAreErrors) {
  Points p = grid(4, 4);
  EXPECT_NE(error_of(p, options(0, 4)).find("gridsize = 0"), std::string::npos);
  Points shorter = p;
  shorter.y.pop_back();
  EXPECT_NE(error_of(shorter, options(2, 4)).find("y has 15 values; expected as many as x (16)"),
            std::string::npos);
  p.x[5] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(error_of(p, options(2, 4)).find("x[5] = nan; expected finite"), std::string::npos);
}

TEST(FormGroups, GridsizeOneMakesEveryScanPointItsOwnGroup) {
  const Points p = uniform_points(50, 7);
  const GroupTable t = form_groups(p.x, p.y, options(1, 4));
  EXPECT_EQ(t.n_rows, 50);
  EXPECT_EQ(t.group_size, 1);
  std::vector<std::int64_t> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(t.indices, identity);
}

TEST(FormGroups, WithNoMoreThanKPointsThePointItselfIsACandidate) {
  // The reference keeps nbr[:K] when fewer than K + 1 points exist: 4 points, K = 5, C = 4 gives
  // each point the group of all four (itself included).
  const Points p{{0, 1, 0, 1}, {0, 0, 1, 1}};
  const GroupTable t = form_groups(p.x, p.y, options(2, 5));
  for (std::int64_t r = 0; r < 4; ++r) {
    const std::set<std::int64_t> members(t.row(r), t.row(r) + 4);
    EXPECT_EQ(members, (std::set<std::int64_t>{0, 1, 2, 3}));
  }
}

TEST(NeighborIndex, NearestMatchesBruteForceWithTiesBrokenByIndex) {
  // A unit grid is all ties; the random cloud checks the general case.
  for (const Points& p : {grid(15, 13), uniform_points(700, 8)}) {
    const NeighborIndex index(p.x, p.y);
    std::vector<std::int64_t> out(13);
    for (std::int64_t q = 0; q < index.size(); ++q) {
      const std::size_t n = index.nearest(q, 13, out.data());
      ASSERT_EQ(std::vector<std::int64_t>(out.begin(), out.begin() + n), brute_nearest(p, q, 13))
          << "point " << q;
    }
  }
}

TEST(NeighborIndex, AskingForMoreNeighboursThanPointsReturnsAllAndBadPointsThrow) {
  const Points p = grid(2, 2);
  const NeighborIndex index(p.x, p.y);
  std::vector<std::int64_t> out(10);
  EXPECT_EQ(index.nearest(0, 10, out.data()), 4u);
  EXPECT_EQ(out[0], 0);
  EXPECT_THROW(index.nearest(4, 2, out.data()), std::out_of_range);
  EXPECT_THROW(NeighborIndex({}, {}), std::invalid_argument);
}

TEST(GroupCandidates, DropsTheFirstNeighbourByPositionAsTheReferenceDoes) {
  const std::int64_t nearest[] = {7, 3, 9, 1, 4, 8};
  EXPECT_EQ(group_candidates(7, nearest, 6, 4, 4), (std::vector<std::int64_t>{3, 9, 1, 4}));
  // Fewer than K + 1 found: nothing dropped.
  EXPECT_EQ(group_candidates(7, nearest, 4, 4, 4), (std::vector<std::int64_t>{7, 3, 9, 1}));
  // Fewer than C candidates: the point itself goes in front.
  EXPECT_EQ(group_candidates(7, nearest, 3, 4, 4), (std::vector<std::int64_t>{7, 7, 3, 9}));
}

}  // namespace
}  // namespace ptychopinn::data
