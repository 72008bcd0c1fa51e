#include "ptychopinn/data/array_stats.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>

#include "ptychopinn/io/mapped_file.h"

namespace ptychopinn::data {
namespace {

class Accumulator {
 public:
  void add(double v) {
    ++stats_.count;
    if (std::isnan(v)) {
      ++stats_.nan_count;
      return;
    }
    if (std::isinf(v)) {
      ++stats_.inf_count;
      return;
    }
    if (v < 0) ++stats_.negative_count;
    if (v == 0) ++stats_.zero_count;
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    sum_ += v;
    ++finite_;
    if (stats_.all_integral && v != std::floor(v)) stats_.all_integral = false;
  }
  ArrayStats finish() {
    stats_.numeric = true;
    if (finite_ > 0) {
      stats_.min = min_;
      stats_.max = max_;
      stats_.mean = sum_ / static_cast<double>(finite_);
    }
    return stats_;
  }
  ArrayStats& stats() { return stats_; }

 private:
  ArrayStats stats_;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  long double sum_ = 0;
  std::int64_t finite_ = 0;
};

// Element i of a's bytes. Members of NumPy-written stored archives are memory-mapped at whatever
// offset the zip put them, often not aligned to the element size: read through memcpy (one
// unaligned load) rather than copying the whole array to align it.
template <class T>
T element(const io::NpyArray& a, std::int64_t i) {
  T v;
  std::memcpy(&v, static_cast<const char*>(a.data()) + static_cast<std::size_t>(i) * sizeof(T), sizeof(T));
  return v;
}

// Calls visit(i) for every element in order; with release_behind, hands back the pages behind it.
template <class Visit>
void scan(const io::NpyArray& a, bool release_behind, std::size_t element_bytes, Visit visit) {
  constexpr std::int64_t kChunk = std::int64_t{1} << 20;
  const auto* base = static_cast<const char*>(a.data());
  std::size_t released = 0;
  for (std::int64_t start = 0, n = a.numel(); start < n; start += kChunk) {
    const std::int64_t end = std::min(n, start + kChunk);
    for (std::int64_t i = start; i < end; ++i) visit(i);
    if (release_behind) {
      const std::size_t done = static_cast<std::size_t>(end) * element_bytes;
      io::release_pages(base + released, done - released);
      released = done;
    }
  }
}

template <class T>
ArrayStats real_stats(const io::NpyArray& a, bool release_behind) {
  Accumulator acc;
  scan(a, release_behind, sizeof(T), [&](std::int64_t i) { acc.add(static_cast<double>(element<T>(a, i))); });
  return acc.finish();
}

template <class T>
ArrayStats complex_stats(const io::NpyArray& a, bool release_behind) {
  Accumulator acc;
  acc.stats().of_modulus = true;
  scan(a, release_behind, sizeof(std::complex<T>),
       [&](std::int64_t i) { acc.add(static_cast<double>(std::abs(element<std::complex<T>>(a, i)))); });
  return acc.finish();
}

}  // namespace

ArrayStats compute_stats(const io::NpyArray& a, bool release_behind) {
  release_behind = release_behind && a.is_mapped();
  using io::DType;
  switch (a.dtype()) {
    case DType::kBool:
      return real_stats<bool>(a, release_behind);
    case DType::kInt8:
      return real_stats<std::int8_t>(a, release_behind);
    case DType::kInt16:
      return real_stats<std::int16_t>(a, release_behind);
    case DType::kInt32:
      return real_stats<std::int32_t>(a, release_behind);
    case DType::kInt64:
      return real_stats<std::int64_t>(a, release_behind);
    case DType::kUInt8:
      return real_stats<std::uint8_t>(a, release_behind);
    case DType::kUInt16:
      return real_stats<std::uint16_t>(a, release_behind);
    case DType::kUInt32:
      return real_stats<std::uint32_t>(a, release_behind);
    case DType::kUInt64:
      return real_stats<std::uint64_t>(a, release_behind);
    case DType::kFloat32:
      return real_stats<float>(a, release_behind);
    case DType::kFloat64:
      return real_stats<double>(a, release_behind);
    case DType::kComplex64:
      return complex_stats<float>(a, release_behind);
    case DType::kComplex128:
      return complex_stats<double>(a, release_behind);
    case DType::kUnicode:
      break;
  }
  return ArrayStats{};
}

}  // namespace ptychopinn::data
