#pragma once
// YAML configuration files (yaml-cpp): reading them into settings, and writing the effective
// config.
//
// A file is a mapping of the Python PtychoPINN's field names, flat (`N: 128`, `nepochs: 60`) or
// with the model's fields in a nested `model:` mapping; within one file the nested mapping wins
// over flat model keys, as in the reference. Run-time keys (device, threads, seed) are flat. A
// `profile:` key may name the base profile (config_loader.h says which one wins).
//
// Unlike PyYAML, 1e6 is a number; booleans accept true/false/yes/no/on/off; duplicate keys in one
// mapping are an error. Values are parsed by the field table (field_table.h).
#include <string>
#include <vector>

#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {

// The settings of a YAML file, in file order: flat keys first, then the entries of the nested
// `model:` mapping as "model.<key>". Each setting's origin is "<path>:<line>".
// Throws ptychopinn::IoError when the file cannot be read or is not valid YAML, and ConfigError
// when its top level is not a mapping, a key is duplicated, or `model:` is not a mapping.
std::vector<Setting> read_yaml_settings(const std::string& path);

// The same for YAML text; `name` stands for the path in origins and messages.
std::vector<Setting> parse_yaml_settings(const std::string& text, const std::string& name);

// The effective config as YAML: every field, the model's in a nested `model:` mapping, the rest
// flat, in field-table order; null for unset optional fields; paths double-quoted; floats in a
// form every YAML reader takes for a float (1.0e+09). Reading it back (config_loader.h, or the
// functions below) gives an equal config.
std::string to_yaml(const TrainingConfig& config);
std::string to_yaml(const InferenceConfig& config);

// A config from YAML text alone (no profile layer: fields the text does not set keep their
// in-class defaults), migrated and validated as settings.h finish_config. Keys of the other
// config are ignored. Deprecation warnings are appended to *warnings when given.
TrainingConfig training_config_from_yaml(const std::string& text, const std::string& name,
                                         std::vector<std::string>* warnings = nullptr);
InferenceConfig inference_config_from_yaml(const std::string& text, const std::string& name,
                                           std::vector<std::string>* warnings = nullptr);

}  // namespace ptychopinn::config
