#pragma once
// The legacy params dictionary: the Python PtychoPINN's flat `params.cfg`, as a JSON object, and
// back (docs/configuration.md, The legacy params dictionary).
//
// Pure functions of the typed configs; there is no process-wide dictionary. Keys are the field
// names, with the reference's KEY_MAPPINGS:
//   object_big -> object.big        probe_big -> probe.big      probe_mask -> probe.mask
//   probe_trainable -> probe.trainable   intensity_scale_trainable -> intensity_scale.trainable
//   positions_provided -> positions.provided   output_dir -> output_prefix
//   train_data_file -> train_data_file_path    test_data_file -> test_data_file_path
// Each field's legacy key is in its field-table row (Field::legacy_key).
//
// What is in the dictionary: every field of the reference's ModelConfig, TrainingConfig and
// InferenceConfig, plus `offset` and `max_position_jitter` (genuine legacy keys our ModelConfig
// also has). What is not: our additions that the reference never wrote there (learning_rate,
// adam_epsilon, validation_fraction, early_stop_patience, the inference batch_size) and the
// run-time settings (device, threads, seed). `backend` is written as "libtorch".
// Values keep their JSON type: int fields are integers, float fields floats (nphotons 5e8 is
// 500000000.0), booleans booleans, enums and paths strings.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {

// The reference's update_legacy_dict: writes every legacy key of the config whose value is not
// null into dict (a JSON object; a null json becomes an object). Nulls never erase an existing
// key; keys the config does not have are left alone.
void update_legacy_dict(nlohmann::json& dict, const TrainingConfig& config);
void update_legacy_dict(nlohmann::json& dict, const InferenceConfig& config);

// update_legacy_dict into an empty object.
nlohmann::json to_legacy_params(const TrainingConfig& config);
nlohmann::json to_legacy_params(const InferenceConfig& config);

// A config from a legacy dictionary: the in-class defaults, overridden by every legacy key of the
// config present in dict (null values are skipped, as they never erase). Keys of the other config
// (e.g. model_path, debug for training; batch_size, nepochs for inference) are ignored; derived
// and run-time legacy keys (bigN, padded_size, intensity_scale, probe, timestamp, npseed, ...; see
// ignored_legacy_keys()) are ignored; any other key is a ConfigError with a "did you mean".
// A deprecated n_images is migrated to n_groups (warning appended to *warnings when given).
// The result is NOT validated: legacy dictionaries may hold combinations the reference never
// checked (e.g. the golden fixture's gridsize 3 with neighbor_count 6); call validate() before use.
TrainingConfig training_config_from_legacy_params(const nlohmann::json& dict,
                                                  std::vector<std::string>* warnings = nullptr);
InferenceConfig inference_config_from_legacy_params(const nlohmann::json& dict,
                                                    std::vector<std::string>* warnings = nullptr);

// Keys of the reference's params.cfg that are not config fields (simulation settings, derived
// sizes, values written at run time) and that the readers above tolerate and ignore.
const std::vector<std::string>& ignored_legacy_keys();

}  // namespace ptychopinn::config
