#pragma once
// Detection: the far-field diffraction of each illuminated object patch, scaled so the mean total
// per pattern is nphotons, with Poisson counting noise, stored as amplitude sqrt(counts) per the data
// contract (docs/conventions.md: amplitude, DC at the centre).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

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
// All M patterns are held in memory; simulate_dataset (simulate_dataset.h) streams them instead,
// with the pieces below. Both give the same patterns for the same inputs.
SimulatedPatterns simulate_patterns(const torch::Tensor& object, const torch::Tensor& probe,
                                    const ScanPositions& positions, const DetectorOptions& options);

// The pieces of simulate_patterns, for simulating M patterns a block at a time.

// The exit waves ψ_i = P ⊙ O(window at position i) for i in [begin, end) (bilinear windows, zeros
// outside the object): [end − begin, N, N] complex64. Same argument checks as simulate_patterns;
// throws std::out_of_range unless 0 <= begin <= end <= M.
torch::Tensor exit_waves(const torch::Tensor& object, const torch::Tensor& probe,
                         const ScanPositions& positions, int64_t begin, int64_t end);

// Σ|ψ_k|² of each exit wave of psi ([m, N, N] complex64), accumulated in float64 in a fixed order
// (so block-wise sums equal whole ones): m values.
std::vector<double> exit_wave_energies(const torch::Tensor& psi);

// The photon scale s² that makes the mean total expected count nphotons: nphotons / mean_i Σ|ψ_i|²,
// from any exit waves' energies (the orthonormal FFT keeps Σ|ψ|² = Σ|F ψ|², Parseval).
// mean_energy > 0 and nphotons > 0 or std::invalid_argument.
double photon_scale(double nphotons, double mean_energy);

// Detected amplitudes of exit waves psi ([m, N, N] complex64) at photon_scale s²: with noise,
// sqrt(Poisson(s² |F ψ|²)), pattern k drawing from its own generator seeded with
// data::Random::derive(seed, first_index + k), so a pattern's noise does not depend on how the M
// patterns were split into blocks; without noise, sqrt(s² |F ψ|²). Returns [m, N, N] float32.
torch::Tensor detect_amplitudes(const torch::Tensor& psi, double photon_scale, const DetectorOptions& options,
                                int64_t first_index);

}  // namespace ptychopinn::simulate
