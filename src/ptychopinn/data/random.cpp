#include "ptychopinn/data/random.h"

#include <numeric>
#include <stdexcept>
#include <string>

namespace ptychopinn::data {

std::uint64_t Random::derive(std::uint64_t seed, std::uint64_t stream) {
  // SplitMix64 of a combination of both; the constants are SplitMix64's.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t Random::uniform_below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("Random::uniform_below: n = 0; expected n > 0");
  // Lemire, "Fast random integer generation in an interval" (2019).
  unsigned __int128 m = static_cast<unsigned __int128>(engine_()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(engine_()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::vector<std::int64_t> Random::permutation(std::int64_t n) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  shuffle(v);
  return v;
}

std::vector<std::int64_t> Random::choose(std::int64_t n, std::int64_t k) {
  if (k < 0 || k > n) {
    throw std::invalid_argument("Random::choose: k = " + std::to_string(k) + "; expected 0 <= k <= n = " +
                                std::to_string(n));
  }
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  for (std::int64_t i = 0; i < k; ++i) {
    const auto j = i + static_cast<std::int64_t>(uniform_below(static_cast<std::uint64_t>(n - i)));
    std::swap(v[i], v[j]);
  }
  v.resize(static_cast<std::size_t>(k));
  return v;
}

}  // namespace ptychopinn::data
