#include "ptychopinn/data/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace ptychopinn::data {
namespace {

TEST(Random, SameSeedGivesTheSameSequenceAndDifferentSeedsDiffer) {
  Random a(7), b(7), c(8);
  std::vector<std::uint64_t> va, vb, vc;
  for (int i = 0; i < 5; ++i) {
    va.push_back(a.uniform_below(1000));
    vb.push_back(b.uniform_below(1000));
    vc.push_back(c.uniform_below(1000));
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

TEST(Random, TheSequenceIsPinnedAcrossPlatforms) {
  // mt19937_64's 10000th output for the default seed is fixed by the C++ standard; our first
  // draws from seed 42 are pinned so that a change of algorithm shows up here, not as silently
  // different groups in users' caches.
  std::mt19937_64 e;
  e.discard(9999);
  EXPECT_EQ(e(), 9981545732273789042ULL);
  Random r(42);
  const std::vector<std::int64_t> p = r.permutation(6);
  Random again(42);
  EXPECT_EQ(again.permutation(6), p);
  std::vector<std::int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(Random, UniformBelowStaysInRangeAndCoversIt) {
  Random r(1);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 7000; ++i) {
    const auto v = r.uniform_below(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 1000, 150);
  EXPECT_THROW(r.uniform_below(0), std::invalid_argument);
}

TEST(Random, ChooseGivesDistinctValuesInRange) {
  Random r(3);
  const auto v = r.choose(100, 30);
  EXPECT_EQ(v.size(), 30u);
  EXPECT_EQ(std::set<std::int64_t>(v.begin(), v.end()).size(), 30u);
  for (auto x : v) EXPECT_TRUE(x >= 0 && x < 100);
  EXPECT_EQ(r.choose(5, 5).size(), 5u);
  EXPECT_THROW(r.choose(3, 4), std::invalid_argument);
}

TEST(Random, DerivedStreamsDiffer) {
  EXPECT_NE(Random::derive(1, 0), Random::derive(1, 1));
  EXPECT_NE(Random::derive(1, 0), Random::derive(2, 0));
  EXPECT_EQ(Random::derive(5, 9), Random::derive(5, 9));
}

TEST(Random, Uniform01IsInTheUnitInterval) {
  Random r(11);
  for (int i = 0; i < 1000; ++i) {
    const double u = r.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace ptychopinn::data

namespace ptychopinn::data {
namespace {

TEST(StreamRandom, StreamsAreReproducibleIndependentAndUniform) {
  StreamRandom a(42, 7), b(42, 7), c(42, 8);
  EXPECT_EQ(a(), b());
  EXPECT_NE(a(), c());
  std::vector<int> counts(5, 0);
  for (std::uint64_t s = 0; s < 5000; ++s) {
    StreamRandom r(1, s);
    ++counts[r.uniform_below(5)];
  }
  for (int n : counts) EXPECT_NEAR(n, 1000, 130);
  StreamRandom r(3, 0);
  const auto v = choose(r, 10, 10);
  EXPECT_EQ(std::set<std::int64_t>(v.begin(), v.end()).size(), 10u);
}

}  // namespace
}  // namespace ptychopinn::data
