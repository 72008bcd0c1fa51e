#include "ptychopinn/data/array_stats.h"

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>

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

template <class T>
ArrayStats real_stats(const io::NpyArray& a) {
  Accumulator acc;
  for (std::int64_t i = 0, n = a.numel(); i < n; ++i) acc.add(static_cast<double>(element<T>(a, i)));
  return acc.finish();
}

template <class T>
ArrayStats complex_stats(const io::NpyArray& a) {
  Accumulator acc;
  acc.stats().of_modulus = true;
  for (std::int64_t i = 0, n = a.numel(); i < n; ++i) {
    acc.add(static_cast<double>(std::abs(element<std::complex<T>>(a, i))));
  }
  return acc.finish();
}

}  // namespace

ArrayStats compute_stats(const io::NpyArray& a) {
  using io::DType;
  switch (a.dtype()) {
    case DType::kBool:
      return real_stats<bool>(a);
    case DType::kInt8:
      return real_stats<std::int8_t>(a);
    case DType::kInt16:
      return real_stats<std::int16_t>(a);
    case DType::kInt32:
      return real_stats<std::int32_t>(a);
    case DType::kInt64:
      return real_stats<std::int64_t>(a);
    case DType::kUInt8:
      return real_stats<std::uint8_t>(a);
    case DType::kUInt16:
      return real_stats<std::uint16_t>(a);
    case DType::kUInt32:
      return real_stats<std::uint32_t>(a);
    case DType::kUInt64:
      return real_stats<std::uint64_t>(a);
    case DType::kFloat32:
      return real_stats<float>(a);
    case DType::kFloat64:
      return real_stats<double>(a);
    case DType::kComplex64:
      return complex_stats<float>(a);
    case DType::kComplex128:
      return complex_stats<double>(a);
    case DType::kUnicode:
      break;
  }
  return ArrayStats{};
}

}  // namespace ptychopinn::data
