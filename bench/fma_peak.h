#pragma once
// The machine's measured single-precision FMA peak: independent chains of fused multiply-adds in
// registers (no memory traffic), on the widest vector unit the CPU reports, one chain set per
// thread. The ceiling that a convolution's GFLOP/s is compared against.
#include <string>

namespace ptychopinn::bench {

struct FmaPeak {
  double gflops = 0;  // FLOP/s / 1e9, an FMA counting 2
  int threads = 1;
  std::string isa;  // "avx512f", "avx2+fma" or "scalar"
};

// Runs `threads` threads for about `seconds`.
FmaPeak measure_fma_peak(int threads, double seconds);

}  // namespace ptychopinn::bench
