#pragma once
// Small synthetic ptychography problems for the iterative engine's tests, made with the
// simulator's own operators (data::extract_patch and physics::far_field_amplitude), not with the
// engine's: a reconstruction that matches the truth is then on the simulator's conventions.
#include <torch/torch.h>

#include <cstdint>

#include "ptychopinn/iterative/iterative_problem.h"

namespace ptychopinn::iterative::testing {

struct SyntheticOptions {
  int64_t n = 32;            // pattern size
  int64_t object_size = 80;  // square object, the problem's grid (origin 0)
  int64_t step_px = 4;       // raster step of the scan
  double jitter_px = 0.3;    // uniform sub-pixel jitter of each position (±)
  uint64_t seed = 3;
};

struct Synthetic {
  IterativeProblem problem;  // grid = the object's; probe = the true probe (first mode)
  torch::Tensor object;      // [S, S] complex64, the truth
  torch::Tensor probe;       // [K, N, N] complex64, the truth
};

// A smooth random object (amplitude 0.5..1, phase ±1 rad) and a soft, curved-phase probe.
torch::Tensor synthetic_object(int64_t size, uint64_t seed);
torch::Tensor synthetic_probe(int64_t n, double sigma_px = 5.0, double curvature = 0.02);

// Noise-free amplitudes of `probe` ([N, N] or [K, N, N], modes summed incoherently) on `object`.
Synthetic make_synthetic(const SyntheticOptions& options, const torch::Tensor& probe);
Synthetic make_synthetic(const SyntheticOptions& options = {});

// Pearson correlation of two real tensors over `mask` (bool, same shape).
double pearson(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& mask);

// Amplitude and phase Pearson r of `estimate` against `truth` inside `mask`, after removing the
// global phase offset (the estimate's phase relative to the truth's is centred).
struct ObjectMatch {
  double amplitude_r = 0.0;
  double phase_r = 0.0;
};
ObjectMatch compare_objects(const torch::Tensor& estimate, const torch::Tensor& truth,
                            const torch::Tensor& mask);

// |<a, b>| / (‖a‖ ‖b‖) of two complex tensors.
double normalised_overlap(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace ptychopinn::iterative::testing
