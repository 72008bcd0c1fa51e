#pragma once
// Stage 1 of grouping (group-then-sample, docs/data-pipeline.md): for every scan point, its group
// of C = gridsize² members, formed as the reference's `_generate_groups_efficiently` forms one: the
// K nearest *other* points by a KD-tree, C of them drawn without replacement, in random order.
// Stage 2 (group_cache.h) caches the table next to the dataset; stage 3 (group_sampling.h) samples
// n_groups rows from it.
//
// Coordinates throughout are scan positions in object pixels, float64: x = column, y = row
// (docs/conventions.md). Distances are Euclidean in (x, y).
#include <cstdint>
#include <memory>
#include <vector>

namespace ptychopinn::data {

// A table of groups: n_rows rows of group_size scan-point indices each, row-major, int64.
// Row r is indices[r * group_size .. (r + 1) * group_size). Members are in random order: the
// channel a member lands in has no spatial meaning (as in the reference).
struct GroupTable {
  std::int64_t n_rows = 0;
  int group_size = 1;                 // C = gridsize²
  std::vector<std::int64_t> indices;  // [n_rows, group_size] int64, each in [0, M)

  // Pointer to the group_size members of row r (no bounds check beyond PTYCHOPINN_DCHECK).
  const std::int64_t* row(std::int64_t r) const;
};

struct GroupingOptions {
  // Groups are gridsize × gridsize patterns: C = gridsize² members. 1 = single-pattern training
  // (every scan point is its own group, no neighbour search). Must be >= 1.
  int gridsize = 1;
  // K, the number of nearest other points a group's members are drawn from (the reference's
  // `neighbor_count`, default 4 in the TF reference). Must be >= C; K == C makes a group exactly
  // the C nearest other points, randomly permuted.
  int neighbor_count = 4;
  // Seed of the member draw. Point i draws from its own stream StreamRandom(seed, i),
  // so the table does not depend on evaluation order or on how rows are split between threads.
  std::uint64_t seed = 42;
  // Worker threads for stage 1; 0 = std::thread::hardware_concurrency(). The table does not depend
  // on it (and it is not part of the cache key). Small scans use one thread whatever it says.
  int n_threads = 0;

  // C = gridsize². Throws std::invalid_argument when gridsize < 1 or C overflows int.
  int group_size() const;
  // Throws std::invalid_argument, naming the field, for gridsize < 1, neighbor_count < 1, or
  // neighbor_count < C ("neighbor_count K = 3; expected K >= C = gridsize^2 = 4").
  void validate() const;
};

// Exact k-nearest-neighbour queries over a set of 2-d points (a nanoflann KD-tree, built once).
// Results are sorted by (distance, index): ties are broken by the lower index, so the answer does
// not depend on the tree's layout or nanoflann's version. The points are copied; the index owns
// them. Move-only; const methods are safe to call from several threads at once.
class NeighborIndex {
 public:
  // x, y: [M] float64 each, M >= 1 and < 2^32, every value finite. Throws std::invalid_argument
  // naming the first offending value otherwise (or when the lengths differ).
  NeighborIndex(const std::vector<double>& x, const std::vector<double>& y);
  ~NeighborIndex();
  NeighborIndex(NeighborIndex&&) noexcept;
  NeighborIndex& operator=(NeighborIndex&&) noexcept;
  NeighborIndex(const NeighborIndex&) = delete;
  NeighborIndex& operator=(const NeighborIndex&) = delete;

  std::int64_t size() const;
  // The point of rank `rank` (0 <= rank < M) in an order that keeps spatial neighbours together
  // (the tree's leaf order). A loop of queries that visits points in this order reads memory
  // almost sequentially, several times faster on large scans than scan order.
  std::int64_t locality_order(std::int64_t rank) const;
  // The min(k, M) points nearest to scan point `point` (itself included, normally first), sorted
  // by (distance, index), written to out[0 .. returned count). out must hold k entries.
  // Throws std::out_of_range for point outside [0, M).
  std::size_t nearest(std::int64_t point, std::size_t k, std::int64_t* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The candidates a group is drawn from, as the reference builds them: `nearest` holds
// the min(K + 1, M) nearest points of `point` (NeighborIndex::nearest with k = K + 1). When there
// are more than K of them the first (normally the point itself; with duplicate coordinates it is
// dropped by position, as the reference does) is dropped and the next K kept; otherwise all are
// kept, the point included. If fewer than C remain, the point itself is put in front.
// Returns the candidates in distance order.
std::vector<std::int64_t> group_candidates(std::int64_t point, const std::int64_t* nearest,
                                           std::size_t n_nearest, int neighbor_count, int group_size);

// The checks form_groups makes before any work: valid options, x and y of equal length, every
// coordinate finite, at least C points. `where` starts the messages. Throws std::invalid_argument.
void check_grouping_inputs(const char* where, const std::vector<double>& x, const std::vector<double>& y,
                           const GroupingOptions& options);

// Stage 1: the group of every scan point. x, y: [M] float64 scan positions (object pixels).
// Returns a GroupTable of [M, C] int64 whose row i is the group of point i: C members drawn from
// group_candidates() of point i without replacement (with replacement only when fewer than C
// candidates exist), in random order, from the stream StreamRandom(options.seed, i).
// gridsize 1: row i = {i} and no tree is built. Builds the KD-tree once and queries it per point
// (in locality order, on options.n_threads threads): O(M log M); see bench/grouping_bench.cpp.
// Throws std::invalid_argument for invalid options (GroupingOptions::validate), x and y of
// different lengths, a non-finite coordinate, or fewer than C scan points.
GroupTable form_groups(const std::vector<double>& x, const std::vector<double>& y,
                       const GroupingOptions& options);

}  // namespace ptychopinn::data
