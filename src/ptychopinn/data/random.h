#pragma once
// A seeded, portable random source for the data pipeline (subsampling, grouping, shuffling).
// std::uniform_int_distribution and friends are implementation-defined, so the same seed could
// give different groups on another standard library; this class fixes every step: the engine is
// std::mt19937_64 (fully specified by the standard) and integers are drawn by Lemire's unbiased
// multiply-and-reject method. Same seed, same sequence, on every platform.
#include <cstdint>
#include <random>
#include <vector>

namespace ptychopinn::data {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // An independent stream for a (seed, stream) pair, e.g. the neighbour draw of scan point i:
  // Random(Random::derive(seed, i)). SplitMix64 mixing, so nearby streams are unrelated.
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next_u64() { return engine_(); }

  // Uniform integer in [0, n); n must be > 0.
  std::uint64_t uniform_below(std::uint64_t n);

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // A uniformly random permutation of 0..n-1 (Fisher-Yates).
  std::vector<std::int64_t> permutation(std::int64_t n);

  // k distinct integers of [0, n), in random order (the first k of a partial Fisher-Yates
  // shuffle); k <= n.
  std::vector<std::int64_t> choose(std::int64_t n, std::int64_t k);

  // Shuffles v in place (Fisher-Yates).
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_below(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace ptychopinn::data
