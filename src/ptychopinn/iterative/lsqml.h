#pragma once
// LSQML: Odstrčil, Menzel & Guizar-Sicairos, "Iterative least-squares solver for generalized
// maximum-likelihood ptychography", Opt. Express 26, 3108-3123 (2018). Equation numbers below are
// the paper's.
//
// For a batch of patterns j with exit waves ψ_jk = P_k · O_j:
//  1. Far-field step (eqs. 12-17): the exit-wave update χ_jk = ψ'_jk − ψ_jk for the Gaussian or
//     Poisson likelihood (fourier_constraint.h).
//  2. Update directions (eq. 24): ΔO_j = Σ_k conj(P_k) χ_jk,  ΔP_jk = conj(O_j) χ_jk.
//  3. Preconditioned global directions (eq. 25):
//       ΔÔ = Σ_j ΔO_j / (Σ_j Σ_k |P_k|² + δ_O)   on the object canvas,
//       ΔP̂_k = Σ_j ΔP_jk / (Σ_j |O_j|² + δ_P),
//     with δ = lsqml_damping × the maximum of the sum it damps.
//  4. Optimal step lengths per pattern (eq. 22): the real (α_O, α_P) minimising
//       ‖χ_j − α_O ΔÔ_j P − α_P O_j ΔP̂‖²   (summed over modes),
//     ΔÔ_j being ΔÔ's window at j: a 2 x 2 system per pattern, with lsqml_step_regularisation × the
//     batch mean of each diagonal term added to it, negative steps set to 0. Without probe refinement
//     the one-variable case (eq. 23).
//  5. Update (eq. 27): O ← O + mean_j(α_O,j) ΔÔ,  P ← P + mean_j(α_P,j) ΔP̂.
// Departures, and why:
//  * Step 5 uses the batch mean of the per-pattern steps (as PtychoShelves and pty-chi do) rather
//    than eq. 27's illumination-weighted per-pixel mean: one scatter fewer per batch, and the same
//    result where the batch's steps agree, which they nearly do.
//  * The regularisation of step 4 is relative to the batch's own diagonal (pty-chi's lambda_lsq),
//    so it does not depend on the data's scale.
//  * Patches are bilinear windows of the object (patch_operator.h); ΔÔ is spread and read back
//    through the same windows.
// Batches are drawn at random each iteration (pty-chi's "random" batching); the paper groups
// non-overlapping positions, which matters for its parallel GPU update and not for the result.
#include "ptychopinn/iterative/far_field.h"
#include "ptychopinn/iterative/iterative_options.h"
#include "ptychopinn/iterative/reconstruction_state.h"

namespace ptychopinn::iterative {

struct LsqmlParameters {
  NoiseModel noise_model = NoiseModel::kGaussian;
  double damping = 0.1;              // δ relative to the maximum of the preconditioner
  double step_regularisation = 0.1;  // relative Tikhonov weight of the step system
};

// Updates state.object (and state.probe when refine.probe) from one batch. Position steps, when
// asked, are measured against the updated patches O_j + α_O ΔÔ_j (the shift the remaining χ implies).
BatchOutcome lsqml_update(ReconstructionState& state, const Batch& batch, const FarField& far_field,
                          const LsqmlParameters& parameters, const Refine& refine);

}  // namespace ptychopinn::iterative
