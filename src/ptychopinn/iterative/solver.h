#pragma once
// The iterative reconstruction engine: rPIE / ePIE and LSQML on the forward model the PINN uses,
// with probe (and incoherent-mode) refinement and position correction. One call, options in,
// state out; an observer sees every iteration and can stop the run, and a cancel hook is polled
// between batches.
//
// Conventions (docs/iterative.md):
//  * Forward model: A = |fftshift(FFT2_ortho(ψ))| as physics::far_field_amplitude, summed
//    incoherently over probe modes: A = sqrt(Σ_k |F(P_k · O_j)|²); O_j is the N x N bilinear window
//    of the object whose pixel (N/2, N/2) sits on position j (data/patch_extraction.h, the simulator's
//    geometry; patch_operator.h).
//  * Object grid: the problem's grid (a dataset's objectGuess grid: origin 0), else covering_grid;
//    the result's object lies on it pixel for pixel, registered by x_origin_px/y_origin_px.
//  * Probe scale: the starting probe is rescaled (a real factor) so that the predicted mean pattern
//    energy over the valid pixels, with the starting object, equals the data's (files store √counts
//    but their probe's scale is arbitrary). While the probe is refined, every iteration ends by
//    restoring that probe power: P ← cP, O ← O/c leaves every P·O, and so every prediction,
//    unchanged, and stops the object/probe scale drifting apart (it otherwise drifts without bound).
//  * Fourier error of an iteration: Σ_valid (|Fψ| − A)² / Σ_valid A² over every pattern, |Fψ| the
//    model amplitude just before that pattern's update.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ptychopinn/infer/stitch.h"
#include "ptychopinn/iterative/iterative_options.h"
#include "ptychopinn/iterative/iterative_problem.h"

namespace ptychopinn::iterative {

struct IterationReport {
  int64_t iteration = 0;                // 0-based
  int64_t iterations = 0;               // the run's total
  double fourier_error = 0.0;           // see above
  double seconds = 0.0;                 // wall time of this iteration
  std::vector<double> mode_powers;      // ‖P_k‖² / Σ_j ‖P_j‖², strongest first
  double position_rms_change_px = 0.0;  // RMS distance of the positions from their start
  bool probe_refined = false;           // whether the probe was refined in this iteration
  bool positions_refined = false;       // likewise the positions
};

enum class IterationAction { kContinue, kStop };

enum class Termination { kCompleted, kStopped, kCancelled };
// "completed", "stopped" (by the observer), "cancelled" (between batches)
std::string to_string(Termination t);

struct IterationCallbacks {
  // Called after every complete iteration (progress bars, logs, convergence files); kStop ends
  // the run after it. Optional.
  std::function<IterationAction(const IterationReport&)> on_iteration;
  // Polled before every batch; true ends the run at once with the state so far (Ctrl-C, a cancel
  // button). The partial iteration gets no report. Optional.
  std::function<bool()> cancel_requested;
};

struct IterativeResult {
  torch::Tensor object;        // [height, width] complex64 on the host, on `grid`
  infer::StitchGrid grid;      // x_origin/y_origin = x_origin_px/y_origin_px of pixel [0, 0]
  torch::Tensor illumination;  // [height, width] float32: Σ_j Σ_k |P_k|² spread over the windows with
                               // the final probe and positions (0 = never illuminated)
  torch::Tensor probe;         // [K, N, N] complex64 on the host, orthogonal modes, strongest first
  torch::Tensor positions_px;  // [M, 2] float64 [x, y] in object pixels (refined when asked)
  std::vector<IterationReport> history;
  Termination termination = Termination::kCompleted;
  double probe_scale = 1.0;  // the factor applied to the given probe at the start
};

// Runs the reconstruction. Validates the options and the problem first (std::invalid_argument
// naming the field, see validate_problem). Threads: the caller's at::set_num_threads.
IterativeResult reconstruct(const IterativeProblem& problem, const IterativeOptions& options,
                            const IterationCallbacks& callbacks = {});

// The Fourier error of the problem's start, with no update: the probe scaled to the data as
// reconstruct scales it, the given object (flat when absent), the given positions. What a start is
// worth before the solver moves (a network's reconstruction against a flat object, say).
double starting_fourier_error(const IterativeProblem& problem, const IterativeOptions& options);

}  // namespace ptychopinn::iterative
