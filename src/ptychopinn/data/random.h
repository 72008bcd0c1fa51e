#pragma once
// A seeded, portable random source for the data pipeline (subsampling, grouping, shuffling).
// std::uniform_int_distribution and friends are implementation-defined, so the same seed could
// give different groups on another standard library; this class fixes every step: the engine is
// std::mt19937_64 (fully specified by the standard) and integers are drawn by Lemire's unbiased
// multiply-and-reject method. Same seed, same sequence, on every platform.
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ptychopinn::data {

// Lemire's unbiased multiply-and-reject draw of an integer in [0, n) from a 64-bit engine.
template <class Engine>
std::uint64_t uniform_below(Engine& engine, std::uint64_t n);

// k distinct integers of [0, n), in random order: the first k steps of a Fisher-Yates shuffle.
template <class Engine>
std::vector<std::int64_t> choose(Engine& engine, std::int64_t n, std::int64_t k);

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // An independent stream for a (seed, stream) pair, e.g. the neighbour draw of scan point i:
  // Random(Random::derive(seed, i)). SplitMix64 mixing, so nearby streams are unrelated.
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next_u64() { return engine_(); }
  std::uint64_t operator()() { return engine_(); }

  // Uniform integer in [0, n); n must be > 0.
  std::uint64_t uniform_below(std::uint64_t n) { return data::uniform_below(*this, n); }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // A uniformly random permutation of 0..n-1 (Fisher-Yates).
  std::vector<std::int64_t> permutation(std::int64_t n);

  // k distinct integers of [0, n), in random order (the first k of a partial Fisher-Yates
  // shuffle); k <= n.
  std::vector<std::int64_t> choose(std::int64_t n, std::int64_t k) { return data::choose(*this, n, k); }

  // Shuffles v in place (Fisher-Yates).
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_below(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

// A cheap random stream for the many short per-item draws (one stream per scan point when grouping
// a million points): SplitMix64 (Steele, Lea and Flood 2014), whose whole state is one word, so a
// stream costs nothing to start, where an mt19937_64 spends microseconds seeding 312 words.
// StreamRandom(seed, i) and StreamRandom(seed, j) are independent for i != j.
class StreamRandom {
 public:
  StreamRandom(std::uint64_t seed, std::uint64_t stream) : state_(Random::derive(seed, stream)) {}
  std::uint64_t operator()() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t uniform_below(std::uint64_t n) { return data::uniform_below(*this, n); }

 private:
  std::uint64_t state_;
};

template <class Engine>
std::uint64_t uniform_below(Engine& engine, std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("uniform_below: n = 0; expected n > 0");
  // Lemire, "Fast random integer generation in an interval" (2019).
  unsigned __int128 m = static_cast<unsigned __int128>(engine()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(engine()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

template <class Engine>
std::vector<std::int64_t> choose(Engine& engine, std::int64_t n, std::int64_t k) {
  if (k < 0 || k > n) {
    throw std::invalid_argument("choose: k = " + std::to_string(k) +
                                "; expected 0 <= k <= n = " + std::to_string(n));
  }
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
  for (std::int64_t i = 0; i < k; ++i) {
    const auto j = i + static_cast<std::int64_t>(uniform_below(engine, static_cast<std::uint64_t>(n - i)));
    std::swap(v[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(j)]);
  }
  v.resize(static_cast<std::size_t>(k));
  return v;
}

}  // namespace ptychopinn::data
