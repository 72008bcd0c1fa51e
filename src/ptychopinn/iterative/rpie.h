#pragma once
// rPIE: Maiden, Johnson & Li, "Further improvements to the ptychographical iterative engine",
// Optica 4, 736-745 (2017), with mixed-state modes (Thibault & Menzel 2013) and a mini-batch form.
//
// For each pattern j (visited in a seeded random order), with ψ_k = P_k · O_j and the modulus
// projection ψ'_k (fourier_constraint.h, gaussian), the paper's eqs. for the object and probe:
//   O_j ← O_j + Σ_k conj(P_k) (ψ'_k − ψ_k) / ((1 − α) Σ_k |P_k|² + α max Σ_k |P_k|²)
//   P_k ← P_k + s · conj(O_j) (ψ'_k − ψ_k) / ((1 − β) |O_j|² + β max |O_j|²)
// both from the values before the update (as the paper's ePIE and rPIE). α = 1 = β and s = 1 is
// ePIE with unit steps. Departures, and why:
//  * s (rpie_probe_step) scales the probe step: in an independent NumPy rPIE a full probe step
//    diverged after about 100 iterations on the measured Siemens star at N = 128; s = 0.1 was stable.
//  * The object update is applied through the adjoint of the bilinear window (patch_operator.h), and
//    its denominator is the bilinearly spread Σ_k |P_k|² on the canvas: at integer positions exactly
//    the paper's formula, and consistent with sub-pixel windows otherwise.
//  * Mini-batch (B > 1 patterns per update): numerators and denominators are summed over the batch
//    before dividing (the object on the canvas, the probe over the patterns), so B = 1 is the paper's
//    sequential rPIE and a larger B is the same rule applied to the batch's joint illumination.
#include "ptychopinn/iterative/far_field.h"
#include "ptychopinn/iterative/reconstruction_state.h"

namespace ptychopinn::iterative {

struct RpieParameters {
  double alpha = 0.1;       // object regularisation, (0, 1]
  double beta = 1.0;        // probe regularisation, (0, 1]
  double probe_step = 0.1;  // s, (0, 1]
};

// Updates state.object (and state.probe when refine.probe) from one batch.
BatchOutcome rpie_update(ReconstructionState& state, const Batch& batch, const FarField& far_field,
                         const RpieParameters& parameters, const Refine& refine);

}  // namespace ptychopinn::iterative
