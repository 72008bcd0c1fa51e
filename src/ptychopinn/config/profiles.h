#pragma once
// Named profiles: the base layer of settings under every YAML file and command-line override
// (docs/configuration.md). They reproduce the reference's effective settings.
//
// Every profile carries the training recipe of the TF reference, which our trainer follows:
// Adam (lr 1e-3, epsilon 1e-7), ReduceLROnPlateau on the validation loss (factor 0.5, patience 2,
// min lr 1e-4), early stopping on the training loss (patience 3), 5 % of the groups held out for
// validation, max_position_jitter 10 (and the default batch size, 16). On top of that:
//
//   knob                                  modern (default)  paper-2023     grid-lines
//   N / gridsize / offset                 64 / 1 / 4        64 / 2 / 4     64 / 1 / 4
//   object_big / probe_big                true / true       true / false   false / true
//   probe_mask / pad_object               false / true      true / true    false / true
//   probe_scale                           4                 10             4
//   amp_activation / n_filters_scale      sigmoid / 2       sigmoid / 2    sigmoid / 2
//   nll_weight / mae_weight / realspace   1 / 0 / 0         1 / 0 / 0      0 / 1 / 0
//   nphotons                              1e9               1e9            1e9
//   intensity_scale_trainable             true              true           true
//   nepochs                               50                60             60
//
// modern equals the in-class defaults of ModelConfig / TrainingConfig / InferenceConfig, so
// `TrainingConfig{} == make_training_config(Profile::kModern)`.
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/model_config.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {

// The profile's settings, as text values with origin "profile <name>", keyed by training field
// names (inference skips the training-only ones). This is the table above, the one source of the
// profiles' values.
std::vector<Setting> profile_settings(Profile profile);

// The in-class defaults with the profile's settings applied (not validated; every profile is
// valid as is).
ModelConfig make_model_config(Profile profile);
TrainingConfig make_training_config(Profile profile);
InferenceConfig make_inference_config(Profile profile);

}  // namespace ptychopinn::config
