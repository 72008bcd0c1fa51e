#pragma once
// Detection: the far-field diffraction of each illuminated object patch, scaled so the mean total
// per pattern is nphotons, with Poisson counting noise, stored as amplitude sqrt(counts) per the data
// contract (DESIGN.md decision 4; model spec §1.4, §7.3).
#include <cstdint>

#include <torch/torch.h>

#include "ptychopinn/simulate/scans.h"

namespace ptychopinn::simulate {

struct DetectorOptions {
  // Mean total photon count per pattern (the reference's nphotons).
  double nphotons = 1e9;
  // false: the noise-free amplitude sqrt(expected counts) (`--noise none`).
  bool poisson_noise = true;
  // Seed of the counting noise; the same seed gives identical counts.
  std::uint64_t seed = 42;
};

struct SimulatedPatterns {
  torch::Tensor amplitude;  // [M, N, N] float32, sqrt(counts), DC at the centre
  double photon_scale = 0;  // s^2: expected counts = s^2 |F(psi)|^2 (orthonormal FFT)
};

// object: [H, W] complex64; probe: [N, N] complex64 (normalised by the caller); positions: M scan
// points (actual positions, object pixels, each patch's pixel (N/2, N/2) on its position). Patches
// outside the object read zeros. Throws std::invalid_argument for bad shapes or dtypes, no
// positions, nphotons <= 0, or an object/probe that diffracts nothing.
SimulatedPatterns simulate_patterns(const torch::Tensor& object, const torch::Tensor& probe,
                                    const ScanPositions& positions, const DetectorOptions& options);

}  // namespace ptychopinn::simulate
