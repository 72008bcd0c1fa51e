#pragma once
// The starting probe of a training run, refined by the iterative engine before the network sees it.
//
// The network's physics holds the probe fixed (or moves it slowly, with probe_trainable), so a probe
// that is not the one the patterns were measured with caps what the network can learn: on the APS
// Siemens star (tike's scan, whose probe is an approximate guess; overlap 0.65 with the probe LSQML
// refines) the PINN's amplitude correlated with LSQML's at r 0.10 with the scan's probe and at 0.79
// with the refined one, same settings (docs/measured-data.md). A few dozen LSQML iterations from a
// flat object refine the probe in seconds, so a training run does that first unless the dataset's
// probe is known to be the one that made its patterns.
#include <cstdint>

#include "ptychopinn/config/training_config.h"
#include "ptychopinn/data/dataset.h"

namespace ptychopinn::workflow {

// Iterations when probe_refinement_iterations is null (auto) and the probe is not known to be exact.
constexpr int kDefaultProbeRefinementIterations = 50;
// At most this many patterns, those nearest the scan's centre (a contiguous, overlapping region),
// take part: the probe is the same in every view, and the cost must not grow with the scan.
constexpr int64_t kProbeRefinementPatterns = 2048;

// How many iterations a training run refines its starting probe: the configuration's count when
// set, else (auto) 0 when the probe comes from probe_file (the user chose it) or the dataset's
// _metadata has a `simulation` section (`ptychopinn simulate` made the patterns with this very
// probe), and kDefaultProbeRefinementIterations otherwise.
int probe_refinement_iterations(const config::TrainingConfig& config, const data::Dataset& dataset);

struct ProbeRefinement {
  torch::Tensor probe;  // [N, N] complex64 on the host: the refined probe's strongest mode
  int64_t iterations = 0;
  int64_t patterns = 0;        // how many patterns took part
  double fourier_error = 0.0;  // the solver's Fourier error after the last iteration
  double overlap = 0.0;        // |<start, refined>| / (|start| |refined|), in [0, 1]
  double seconds = 0.0;
};

// Runs LSQML (probe refined from the first iteration, flat object, one probe mode, the dataset's
// positions and bad pixels) on the up to max_patterns patterns of the dataset nearest the scan's
// median position, starting from probe ([N, N] complex, any scale), on device with the caller's
// threads. Throws what the iterative engine throws for data it cannot use (naming the dataset and
// field).
ProbeRefinement refine_probe(const data::Dataset& dataset, const torch::Tensor& probe, int64_t iterations,
                             const torch::Device& device, int64_t max_patterns = kProbeRefinementPatterns);

}  // namespace ptychopinn::workflow
