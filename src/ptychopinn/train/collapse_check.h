#pragma once
// The method's known failure: a network that outputs one flat object whatever the patterns (its
// predicted diffraction is then the probe's, and on a weak object it still scores a deceptively
// small loss). Measured on a fixed set of groups at the end of every epoch, from the object the
// network predicts and from how its predicted patterns follow the measured ones, not from the loss.
#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/model/pinn_model.h"

namespace ptychopinn::train {

struct CollapseMeasures {
  // Mean over the patches of std(|O|) / mean(|O|) over the pixels the probe lights (at least a
  // tenth of its peak intensity).
  double amplitude_spread = 0.0;
  // Mean over the patches of the standard deviation of the phase (radians) around its circular
  // mean over the same pixels.
  double phase_spread = 0.0;
  // Pearson r, over every pattern and detector pixel of the set, between the predicted and the
  // measured amplitudes after each is reduced by its mean over the set: how well the predictions
  // follow what differs from pattern to pattern. 0 when the predictions do not vary.
  double pattern_correlation = 0.0;
};

// Below both spreads, the object is flat; below the correlation, the predictions ignore the
// patterns. A collapse is a flat object whose predictions ignore the patterns.
inline constexpr double kFlatSpread = 0.01;
inline constexpr double kIgnoredPatternsCorrelation = 0.1;

// The measures of the model's current output on one batch (no gradients; the model's mode is kept).
CollapseMeasures measure_collapse(model::PinnModelImpl& model, const data::Batch& batch,
                                  double intensity_scale);

bool looks_collapsed(const CollapseMeasures& m);

// The second failure: an output that is not flat but does not follow the patterns either (a
// texture the network draws whatever it is shown). Early in a sound run the correlation is also
// near zero, for the first five epochs or so on a measured scan, so this one is judged only from
// epoch kIgnoredPatternsFromEpoch on, over the last kIgnoredPatternsEpochs epochs.
inline constexpr int kIgnoredPatternsFromEpoch = 10;
inline constexpr int kIgnoredPatternsEpochs = 3;

// `correlations` holds pattern_correlation of epochs 1, 2, ... in order: true when there are at
// least kIgnoredPatternsFromEpoch and the last kIgnoredPatternsEpochs are all below
// kIgnoredPatternsCorrelation.
bool ignores_patterns(const std::vector<double>& correlations);

// What happened (a flat object when looks_collapsed(m), else an output that ignores the patterns)
// and what to try, for the log and the console.
std::string collapse_warning(const CollapseMeasures& m, int epoch);

}  // namespace ptychopinn::train
