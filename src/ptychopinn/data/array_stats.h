#pragma once
// Summary statistics of an array's values, as `ptychopinn inspect` and the dataset contract check
// report them. One pass over the data; works on memory-mapped arrays without copying them.
#include <cstdint>

#include "ptychopinn/io/npy.h"

namespace ptychopinn::data {

struct ArrayStats {
  bool numeric = false;     // false for unicode arrays (nothing else is filled in)
  bool of_modulus = false;  // complex arrays: statistics of |z|
  std::int64_t count = 0;   // elements examined (all of them)
  std::int64_t nan_count = 0;
  std::int64_t inf_count = 0;
  std::int64_t negative_count = 0;  // finite values < 0 (real arrays)
  std::int64_t zero_count = 0;
  double min = 0.0;  // over finite values; 0 when there are none
  double max = 0.0;
  double mean = 0.0;
  bool all_integral = true;  // every finite value is a whole number
};

// Statistics of every element of `array` (bool counts as 0/1). release_behind: the array lies in a
// file mapping whose pages the scan hands back as it goes (io::release_pages), so that scanning the
// patterns of a dataset larger than memory does not leave them all resident.
ArrayStats compute_stats(const io::NpyArray& array, bool release_behind = false);

}  // namespace ptychopinn::data
