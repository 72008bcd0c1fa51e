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

std::vector<std::int64_t> Random::permutation(std::int64_t n) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  shuffle(v);
  return v;
}

}  // namespace ptychopinn::data
