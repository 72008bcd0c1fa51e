#pragma once
// What an iterative reconstruction does: the algorithm, its step parameters, probe, mode and
// position refinement, the device. A plain aggregate validated once at the boundary
// (IterativeOptions::validate), as the other configuration structs are.
//
// The algorithms (each header names its paper and states every departure from it):
//   rpie  — rPIE, Maiden, Johnson & Li, "Further improvements to the ptychographical iterative
//           engine", Optica 4, 736 (2017) (rpie.h); ePIE is its alpha = beta = 1 special case.
//   epie  — rPIE with alpha = beta = 1, whatever rpie_alpha and rpie_beta say.
//   lsqml — Odstrčil, Menzel & Guizar-Sicairos, "Iterative least-squares solver for generalized
//           maximum-likelihood ptychography", Opt. Express 26, 3108 (2018) (lsqml.h).
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace ptychopinn::iterative {

enum class Algorithm { kRpie, kEpie, kLsqml };
// "rpie", "epie", "lsqml"
std::string to_string(Algorithm a);
// Throws std::invalid_argument "algorithm = '<s>'; expected one of rpie, epie, lsqml" (with a
// "did you mean" for a near miss).
Algorithm parse_algorithm(const std::string& s);

// LSQML's likelihood of the measured counts (the paper's §2.1): Gaussian noise on the amplitudes
// (the modulus projection) or Poisson counts.
enum class NoiseModel { kGaussian, kPoisson };
// "gaussian", "poisson"
std::string to_string(NoiseModel m);
NoiseModel parse_noise_model(const std::string& s);

struct IterativeOptions {
  // The update rule. lsqml is what APS users run through ptychodus and pty-chi; rpie with
  // batch_size 1 is the classic sequential engine.
  Algorithm algorithm = Algorithm::kLsqml;
  // Passes over every pattern (>= 0; 0 returns the prepared start: scaled probe, flat object).
  int64_t iterations = 100;
  // Patterns per update (>= 0). 0 = the algorithm's default: 1 for rpie/epie (sequential, one
  // pattern per update, as the paper), kDefaultLsqmlBatch for lsqml. Larger batches are vectorised
  // (what makes the GPU and several CPU threads pay) but take fewer, averaged steps per iteration.
  int64_t batch_size = 0;
  // Seed of the random order in which patterns (or batches) are visited each iteration.
  uint64_t seed = 0;
  // Where the arrays live and the arithmetic runs (complex64 throughout).
  torch::Device device = torch::kCPU;

  // rPIE's object regularisation alpha in (0, 1]: the object step is conj(P) / ((1 - alpha) |P|²
  // + alpha max |P|²). Small alpha = bolder steps where the probe is weak; 1 = ePIE.
  double rpie_alpha = 0.1;
  // rPIE's probe regularisation beta in (0, 1], the same form with |O|² (1 = ePIE's probe step).
  double rpie_beta = 1.0;
  // Scale of rPIE's probe step (0, 1]. In an independent NumPy rPIE a full probe step diverged after
  // about 100 iterations on the measured Siemens star at N = 128; a tenth of it was stable and best.
  double rpie_probe_step = 0.1;

  // LSQML's noise model. poisson when the patterns are raw counts of a photon-counting detector
  // with few photons per pixel; gaussian (the default) is more robust to a mis-modelled background.
  NoiseModel noise_model = NoiseModel::kGaussian;
  // Damping of LSQML's preconditioners (the paper's delta in eq. 25), relative to their maximum:
  // the update directions divide by sum |P|² + damping * max sum |P|² (likewise |O|²). >= 0.
  double lsqml_damping = 0.1;
  // Tikhonov weight of LSQML's step-length system (eq. 22), relative to the batch mean of its
  // diagonal (pty-chi's lambda_lsq); keeps the steps finite where the directions vanish. >= 0.
  double lsqml_step_regularisation = 0.1;

  // Refine the probe (on by default), from iteration probe_refinement_start on (0-based). From the
  // first iteration by default: object-only iterations under a wrong probe let the object absorb the
  // probe's error where the probe is weak (where rPIE's small alpha makes the object step bold), and
  // sequential rPIE then stayed in a wrong probe on a synthetic test (overlap 0.37, against 0.9996
  // when refined from the start); on the Siemens star the start made no difference. Start later
  // only with a probe known to be good and an object start known to be poor.
  bool probe_refinement = true;
  int64_t probe_refinement_start = 0;
  // K incoherent probe modes (a mixed state, >= 1). When the given probe has fewer, the missing
  // modes start as the first mode times low-order Hermite polynomials, each with
  // kExtraModePowerFraction of the power; modes are orthogonalised every iteration.
  int64_t probe_modes = 1;

  // Refine the scan positions from iteration position_correction_start on, moving each position by
  // at most position_max_step_px per iteration (> 0). The mean correction is held at zero (a
  // common shift of every position is the object's translation gauge, not information).
  bool position_correction = false;
  int64_t position_correction_start = 10;
  double position_max_step_px = 0.5;

  // Throws std::invalid_argument "iterative: <field> = <value>; expected <constraint>".
  void validate() const;
};

// The batch size an options struct means (resolves batch_size 0).
int64_t effective_batch_size(const IterativeOptions& options);

constexpr int64_t kDefaultLsqmlBatch = 64;
constexpr double kExtraModePowerFraction = 0.05;

}  // namespace ptychopinn::iterative
