#include "ptychopinn/data/group_sampling.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "ptychopinn/data/random.h"

namespace ptychopinn::data {

namespace {

// comb(n, k), saturating at 2^62 (only compared with counts of groups, which are far smaller).
std::int64_t combinations_count(std::int64_t n, std::int64_t k) {
  constexpr std::int64_t kCap = std::int64_t{1} << 62;
  if (k < 0 || k > n) return 0;
  k = std::min(k, n - k);
  unsigned __int128 r = 1;
  for (std::int64_t i = 1; i <= k; ++i) {
    r = r * static_cast<unsigned __int128>(n - k + i) /
        static_cast<unsigned __int128>(i);  // exact at each step
    if (r >= kCap) return kCap;
  }
  return static_cast<std::int64_t>(r);
}

// Appends the C-combinations of `cand` (positions in lexicographic order, as itertools.combinations)
// to `pool` until it holds `limit` rows. Returns false once the limit is reached.
bool append_combinations(const std::vector<std::int64_t>& cand, int c, std::int64_t limit,
                         std::vector<std::int64_t>& pool, std::int64_t& pool_rows) {
  const int n = static_cast<int>(cand.size());
  if (n < c) return true;
  std::vector<int> pos(static_cast<std::size_t>(c));
  std::iota(pos.begin(), pos.end(), 0);
  while (true) {
    if (pool_rows >= limit) return false;
    for (int j = 0; j < c; ++j)
      pool.push_back(cand[static_cast<std::size_t>(pos[static_cast<std::size_t>(j)])]);
    ++pool_rows;
    // Next combination: the rightmost position that can still move right, then reset those after it.
    int j = c - 1;
    while (j >= 0 && pos[static_cast<std::size_t>(j)] == n - c + j) --j;
    if (j < 0) return true;
    ++pos[static_cast<std::size_t>(j)];
    for (int t = j + 1; t < c; ++t)
      pos[static_cast<std::size_t>(t)] = pos[static_cast<std::size_t>(t - 1)] + 1;
  }
}

SampledGroups oversample(const std::vector<double>& x, const std::vector<double>& y,
                         const GroupingOptions& grouping, const SamplingOptions& sampling, int c,
                         std::int64_t n_groups) {
  const auto m = static_cast<std::int64_t>(x.size());
  const int k_eff = sampling.neighbor_pool_size.value_or(grouping.neighbor_count);
  Random rng(sampling.seed);
  const std::int64_t per_seed = std::max<std::int64_t>(1, combinations_count(k_eff, c));
  const std::int64_t min_seeds = std::max<std::int64_t>(1, (n_groups + per_seed - 1) / per_seed);
  const std::int64_t n_seeds = std::min(2 * min_seeds, m);
  std::vector<std::int64_t> seeds;
  if (sampling.sequential_sampling || n_seeds == m) {
    seeds.resize(static_cast<std::size_t>(n_seeds));
    std::iota(seeds.begin(), seeds.end(), 0);
  } else {
    seeds = rng.choose(m, n_seeds);
  }

  const NeighborIndex index(x, y);
  const std::int64_t limit = 2 * n_groups;  // the reference stops filling the pool here
  std::vector<std::int64_t> pool;
  std::int64_t pool_rows = 0;
  std::vector<std::int64_t> nearest(static_cast<std::size_t>(k_eff) + 1);
  for (std::int64_t s : seeds) {
    const std::size_t n = index.nearest(s, nearest.size(), nearest.data());
    const std::vector<std::int64_t> cand = group_candidates(s, nearest.data(), n, k_eff, c);
    if (!append_combinations(cand, c, limit, pool, pool_rows)) break;
  }
  if (pool_rows == 0) {
    // Unreachable after the checks above (M >= C and K_eff >= C give every seed a combination);
    // kept as an error rather than an assertion because it depends on the data.
    throw std::invalid_argument(
        "sample_groups: oversampling pool = 0 combinations; expected at least one (M = " + std::to_string(m) +
        ", C = " + std::to_string(c) + ")");
  }
  std::vector<std::int64_t> pick;
  if (n_groups > pool_rows) {
    pick.resize(static_cast<std::size_t>(n_groups));
    for (auto& p : pick)
      p = static_cast<std::int64_t>(rng.uniform_below(static_cast<std::uint64_t>(pool_rows)));
  } else {
    pick = rng.choose(pool_rows, n_groups);
  }
  SampledGroups out;
  out.groups.n_rows = n_groups;
  out.groups.group_size = c;
  out.groups.indices.reserve(static_cast<std::size_t>(n_groups) * static_cast<std::size_t>(c));
  for (std::int64_t p : pick) {
    const auto* row = pool.data() + p * c;
    out.groups.indices.insert(out.groups.indices.end(), row, row + c);
  }
  out.source_rows.assign(static_cast<std::size_t>(n_groups), -1);
  return out;
}

}  // namespace

SampledGroups sample_groups(const GroupTable& all, const std::vector<double>& x, const std::vector<double>& y,
                            const GroupingOptions& grouping, const SamplingOptions& sampling) {
  check_grouping_inputs("sample_groups", x, y, grouping);
  const int c = grouping.group_size();
  const auto m = static_cast<std::int64_t>(x.size());
  if (all.n_rows != m || all.group_size != c ||
      all.indices.size() != static_cast<std::size_t>(m) * static_cast<std::size_t>(c)) {
    throw std::invalid_argument("sample_groups: group table = [" + std::to_string(all.n_rows) + ", " +
                                std::to_string(all.group_size) + "] with " +
                                std::to_string(all.indices.size()) + " indices; expected [M, C] = [" +
                                std::to_string(m) + ", " + std::to_string(c) +
                                "] (the table form_groups makes for these coordinates and gridsize)");
  }
  if (sampling.n_groups && *sampling.n_groups < 1) {
    throw std::invalid_argument("sample_groups: n_groups = " + std::to_string(*sampling.n_groups) +
                                "; expected n_groups >= 1 (or unset for every group)");
  }
  if (sampling.enable_oversampling && sampling.neighbor_pool_size && *sampling.neighbor_pool_size < c) {
    throw std::invalid_argument(
        "sample_groups: neighbor_pool_size = " + std::to_string(*sampling.neighbor_pool_size) +
        "; expected neighbor_pool_size >= C = gridsize^2 = " + std::to_string(c));
  }
  std::int64_t n = sampling.n_groups.value_or(m);
  if (n > m) {
    if (c == 1) {
      n = m;  // the reference caps single-pattern requests at M
    } else if (!sampling.enable_oversampling) {
      throw std::invalid_argument(
          "sample_groups: n_groups = " + std::to_string(n) +
          "; expected n_groups <= M = " + std::to_string(m) +
          " scan points (one group per scan point with C = gridsize^2 = " + std::to_string(c) +
          "); set enable_oversampling to draw more groups by K choose C oversampling (OVERSAMPLING-001)");
    } else {
      return oversample(x, y, grouping, sampling, c, n);
    }
  }

  std::vector<std::int64_t> rows;
  if (sampling.sequential_sampling || n == m) {
    rows.resize(static_cast<std::size_t>(n));
    std::iota(rows.begin(), rows.end(), 0);
  } else {
    Random rng(sampling.seed);
    rows = rng.choose(m, n);
  }
  SampledGroups out;
  out.groups.n_rows = n;
  out.groups.group_size = c;
  out.groups.indices.reserve(static_cast<std::size_t>(n) * static_cast<std::size_t>(c));
  for (std::int64_t r : rows) {
    const std::int64_t* row = all.row(r);
    out.groups.indices.insert(out.groups.indices.end(), row, row + c);
  }
  out.source_rows = std::move(rows);
  return out;
}

}  // namespace ptychopinn::data
