#pragma once
// Synthetic test objects for simulation: the reference's `lines`, `grf`, `points` and `diagonals`
// generators, each a seeded, reproducible amplitude map, plus the optional `set_phi` phase. Every
// draw comes from ptychopinn::data::Random (mt19937_64 with fully specified integer/real draws),
// never from global RNG state, so a seed gives bit-identical objects.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::simulate {

enum class ObjectKind { kLines, kGrf, kPoints, kDiagonals };

// "lines", "grf", "points", "diagonals".
std::string to_string(ObjectKind kind);
// Inverse of to_string; throws std::invalid_argument listing the valid spellings.
ObjectKind parse_object_kind(const std::string& text);

struct ObjectOptions {
  // Phase φ = π·tanh((A − max A / 2) / (3·mean A)) when true (reference `dummy_phi`);
  // zero phase otherwise.
  bool set_phi = false;
  // Exponent p of the GRF power spectrum P(k) = k^(−p). 0.4 is the reference's
  // `PowerBox(..., pk=lambda k: k**-0.4)`: a shallow spectrum, i.e. rough, texture-like objects.
  double grf_power = 0.4;
};

// A [size, size] complex64 object (rows = y, columns = x): amplitude from the generator of `kind`
// (objects.cpp describes each), phase per options.set_phi. The amplitude is the generator's own
// scale, NOT normalised by the per-dataset patch maxima: that normalisation (Y_I / mean of
// per-patch maxima) belongs to the grid simulation, and the reference's full object YY_full is
// likewise unnormalised.
// Ranges: lines, points, diagonals ≥ 0; grf in [0, 1] (normalised before filtering, as the reference).
// size must be in [64, 4096]; grf_power must be finite and in [0, 4]. Throws std::invalid_argument
// naming the field otherwise. Cost: the lines generator filters a (2·size)² canvas with σ up to 10.
torch::Tensor make_object(ObjectKind kind, int64_t size, uint64_t seed, const ObjectOptions& options = {});

// The reference's `dummy_phi` phase for an amplitude map: π·tanh((A − max A / 2) / (3·mean A)), per
// map (the reference pools max and mean over its batch of objects). A map with mean 0 gets zero
// phase. amplitude: [H, W] float32; returns [H, W] float32.
torch::Tensor set_phi_phase(const torch::Tensor& amplitude);

// The amplitude alone: [size, size] float32, same generators and checks as make_object.
torch::Tensor make_object_amplitude(ObjectKind kind, int64_t size, uint64_t seed,
                                    const ObjectOptions& options = {});

// A raw zero-mean Gaussian random field with power spectrum P(k) ∝ k^(−power) (k = 0 removed):
// [size, size] float64, periodic. Real white noise (Box-Muller from Random::uniform01) is filtered
// in Fourier space by sqrt(P(k)). This is the `grf` generator's field before normalisation,
// resampling and smoothing; exposed so the spectrum can be checked. size ≥ 4, power finite.
torch::Tensor gaussian_random_field(int64_t size, double power, uint64_t seed);

}  // namespace ptychopinn::simulate
