#pragma once
// Stage 3 of grouping (group-then-sample, docs/data-pipeline.md): the n_groups groups a run trains
// or infers on, sampled from the stage-1 table (grouping.h, usually through the cache of
// group_cache.h), and, on request, the reference's "K choose C" oversampling for more groups than
// scan points.
#include <cstdint>
#include <optional>
#include <vector>

#include "ptychopinn/data/grouping.h"

namespace ptychopinn::data {

struct SamplingOptions {
  // How many groups to return (the reference's n_groups / nsamples). nullopt = every row of the
  // table, in natural order. Must be >= 1 when given.
  std::optional<std::int64_t> n_groups;
  // Take the first n_groups rows (scan order) instead of a seeded random choice. Deterministic
  // for any seed. (The reference also fixed its neighbour draw to seed 0 here; in group-then-sample
  // the groups themselves come from the table, whose seed is GroupingOptions::seed.)
  bool sequential_sampling = false;
  // Allow n_groups > M for C > 1 by drawing C-member combinations of each seed point's neighbour
  // pool ("K choose C", as the reference does). Without it such a request is an error.
  bool enable_oversampling = false;
  // The neighbour pool K_eff of oversampling; nullopt = GroupingOptions::neighbor_count. Must be
  // >= C when given with enable_oversampling. Unused otherwise (as in the reference).
  std::optional<int> neighbor_pool_size;
  // Seed of the row choice and of oversampling (honoured even with sequential_sampling there, as
  // the reference does).
  std::uint64_t seed = 42;
};

struct SampledGroups {
  GroupTable groups;  // [n, C] int64 indices into the scan points
  // [n] int64: the stage-1 row (= seed scan point) each group was taken from, or -1 for a group
  // made by oversampling.
  std::vector<std::int64_t> source_rows;
};

// Samples groups from `all`, the [M, C] table of form_groups(x, y, grouping).
//  * n_groups nullopt, or n_groups == M without sequential_sampling: all M rows in natural order
//    (the reference keeps natural order when it would choose every point).
//  * n_groups < M: sequential_sampling → rows 0 .. n_groups - 1; else the rows
//    Random(seed).choose(M, n_groups), in that (random) order.
//  * n_groups > M, C == 1: capped at M rows, natural order, no error (the reference's behaviour).
//  * n_groups > M, C > 1: std::invalid_argument naming enable_oversampling unless it is set; then
//    exactly n_groups oversampled rows (source_rows all -1): with K_eff = neighbor_pool_size ??
//    neighbor_count, per = comb(K_eff, C), n_seeds = min(2 * max(1, ceil(n_groups / per)), M) seed
//    points (the first n_seeds with sequential_sampling, else Random(seed).choose(M, n_seeds) when
//    n_seeds < M, else all in order), a pool of the C-combinations of each seed point's candidates
//    (group_candidates() with K_eff, combinations in lexicographic order of distance rank) filled
//    until it holds 2 * n_groups, and n_groups picks from the pool (Random(seed).choose, or
//    uniform with replacement when the pool is smaller than n_groups).
// x, y: [M] float64 scan positions (only read when oversampling, to build the KD-tree).
// Throws std::invalid_argument for n_groups < 1, a table that does not match x, y and grouping
// (n_rows != M or group_size != gridsize²), invalid grouping options or coordinates, n_groups > M
// with C > 1 and no enable_oversampling, or neighbor_pool_size < C with enable_oversampling.
SampledGroups sample_groups(const GroupTable& all, const std::vector<double>& x, const std::vector<double>& y,
                            const GroupingOptions& grouping, const SamplingOptions& sampling);

}  // namespace ptychopinn::data
