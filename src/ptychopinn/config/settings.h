#pragma once
// Applying key = value settings (field_table.h `Setting`) to a config, and finishing a config
// once every setting is in: the deprecated n_images, then validate() with each error attributed
// to where its value came from.
//
// Every source of configuration is reduced to settings first (profiles, YAML files, JSON,
// `--set`, CLI flags, the legacy params bridge), so that all of them parse, check and report alike.
#include <map>
#include <string>
#include <vector>

#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {

// For each field key (bare, "N" not "model.N"): the origin of its current value. Fields never set
// are absent (they hold their default).
using Origins = std::map<std::string, std::string>;

// Whether the user chose key's value (a YAML file, --set or a flag) rather than a profile or the
// defaults. Values a dataset can supply (nphotons from its _metadata) fill in only when this is
// false.
bool set_by_user(const Origins& origins, const std::string& key);

// Sets each setting in order (a later one wins) and records its origin. Keys:
//  * a field of this config, bare or qualified ("N", "model.N", "runtime.device");
//  * "profile": skipped (the loader reads it before applying anything);
//  * a field of the other config (e.g. `nepochs` for inference, `model_path` for training):
//    skipped when ignore_other_config_keys (so one YAML file can serve both commands), else an
//    error;
//  * anything else: ConfigError "<origin>: unknown key 'nepoch'; did you mean 'nepochs'?".
// A value that does not parse throws ConfigError "<origin>: <key> = <value>; expected <type>".
void apply_settings(TrainingConfig& config, const std::vector<Setting>& settings,
                    bool ignore_other_config_keys, Origins& origins);
void apply_settings(InferenceConfig& config, const std::vector<Setting>& settings,
                    bool ignore_other_config_keys, Origins& origins);

// Completes a config after its last setting:
//  1. n_images (deprecated): when set, a warning is appended to *warnings (if given), and when
//     n_groups was not given (absent from origins, or null) n_images is copied into n_groups;
//  2. TrainingConfig only: a null n_groups becomes 512 (the reference's __post_init__);
//  3. neighbor_count, unless set by the user (set_by_user), is raised to C = gridsize^2 when it is
//     below it (the default 4 at gridsize 3 and up);
//  4. validate(); a ConfigError is rethrown with the origin of the offending key in place of
//     "TrainingConfig" / "InferenceConfig" when that key was set by a setting.
void finish_config(TrainingConfig& config, const Origins& origins, std::vector<std::string>* warnings);
void finish_config(InferenceConfig& config, const Origins& origins, std::vector<std::string>* warnings);

// A model configuration on its own, from settings whose keys are ModelConfig fields (bare "N" or
// qualified "model.N"; "profile" is skipped); any other key is a ConfigError naming it and `where`.
// Validated by ModelConfig::validate alone: rules that tie the model to a run's other fields
// (neighbor_count >= gridsize^2) belong to the training and inference configurations that hold both.
ModelConfig model_config_from_settings(const std::vector<Setting>& settings, const std::string& where);

// The keys apply_settings recognises anywhere (training and inference fields, "profile",
// "model"): the candidates of "did you mean".
const std::vector<std::string>& known_config_keys();

}  // namespace ptychopinn::config
