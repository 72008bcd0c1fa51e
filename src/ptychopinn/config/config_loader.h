#pragma once
// Resolving the effective config of a run from its layers (docs/configuration.md).
//
// Layers, lowest first; a later layer overrides an earlier one key by key:
//   1. the in-class defaults (= the modern profile);
//   2. the profile: ConfigSources::profile if set (the --profile flag), else the last `profile=`
//      override, else the `profile:` key of the last YAML file that has one, else modern;
//   3. the YAML files, in the order given; within a file, the nested `model:` mapping wins over
//      flat model keys;
//   4. the overrides, in the order given: `--set key=value` and the explicit `--<key>` flags,
//      which the CLI appends in command-line order.
// So: explicit CLI > YAML > profile > defaults. Then the deprecated n_images is migrated (its
// warning collected, not printed) and the config is validated; a bad value is reported with its
// origin: "<file>:<line>", "--set", "--nepochs", "profile paper-2023".
//
// Keys that belong to the other command's config (nepochs for inference, model_path for
// training) are ignored in YAML files, so one file can configure both, but are errors as
// overrides. Unknown keys are errors with a "did you mean".
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/settings.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {

struct ConfigSources {
  // The --profile flag; null = decided by the overrides or the YAML files (see above).
  std::optional<Profile> profile;
  // YAML config files, lowest precedence first.
  std::vector<std::string> yaml_files;
  // Overrides in command-line order, highest precedence last (make them with parse_override or
  // make_override).
  std::vector<Setting> overrides;
};

// "key=value" (from --set) as a setting; the key may be qualified ("model.N"); the value is
// everything after the first '=' and may be empty. Throws ConfigError when there is no '=' or
// the key is empty.
Setting parse_override(const std::string& assignment, const std::string& origin = "--set");

// key = value from an explicit flag, e.g. make_override("nepochs", "60", "--nepochs").
Setting make_override(const std::string& key, const std::string& value, const std::string& origin);

// The profile the sources select (rule 2 above). Reads the YAML files.
Profile resolve_profile(const ConfigSources& sources);

// The effective, validated config. Deprecation warnings are appended to *warnings when given, and
// where each field's value came from to *origins (settings.h). Throws ConfigError for bad keys and
// values, ptychopinn::IoError for unreadable or invalid YAML.
TrainingConfig resolve_training_config(const ConfigSources& sources,
                                       std::vector<std::string>* warnings = nullptr,
                                       Origins* origins = nullptr);
InferenceConfig resolve_inference_config(const ConfigSources& sources,
                                         std::vector<std::string>* warnings = nullptr,
                                         Origins* origins = nullptr);

}  // namespace ptychopinn::config
