#pragma once
// The effective config as JSON (nlohmann::json), e.g. for the model archive and `--json` output.
//
// Layout as the YAML form (yaml_io.h): {"model": {<ModelConfig fields>}, <other fields flat>}.
// Numbers keep their JSON type: int fields are JSON integers, float fields JSON floats (2.0, not 2).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {

// Every field, the model's under "model"; null for unset optional fields.
nlohmann::json to_json(const TrainingConfig& config);
nlohmann::json to_json(const InferenceConfig& config);

// The settings of a JSON object: its keys, then those of its "model" object as "model.<key>";
// origin `name`. Throws ConfigError when j, or j["model"], is not an object.
std::vector<Setting> json_settings(const nlohmann::json& j, const std::string& name);

// A config from JSON alone (fields absent keep their in-class defaults; keys of the other config
// are ignored; unknown keys and wrong types are ConfigErrors naming `name`), migrated and
// validated as settings.h finish_config. to_json followed by this gives an equal config.
TrainingConfig training_config_from_json(const nlohmann::json& j, const std::string& name = "JSON",
                                         std::vector<std::string>* warnings = nullptr);
InferenceConfig inference_config_from_json(const nlohmann::json& j, const std::string& name = "JSON",
                                           std::vector<std::string>* warnings = nullptr);

}  // namespace ptychopinn::config
