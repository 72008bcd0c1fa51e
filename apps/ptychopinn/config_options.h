#pragma once
// The configuration options every command that runs with a config shares: --profile, --config,
// --set, and one --<key> flag per field of the config's field table (generated, so the flags and
// the YAML keys never drift apart). Explicit flags and --set are kept in command-line order and
// override the YAML files, which override the profile (config_loader.h).
#include <CLI/CLI.hpp>
#include <vector>

#include "ptychopinn/config/config_loader.h"
#include "ptychopinn/config/field_table.h"

namespace ptychopinn::cli {

// Adds --profile, --config and --set to app, filling sources.
void add_config_source_options(CLI::App& app, config::ConfigSources& sources);

// Adds a --<key> option per field (group "configuration fields"). A boolean flag given without a
// value means true.
template <class Config>
void add_field_options(CLI::App& app, const std::vector<config::Field<Config>>& fields,
                       config::ConfigSources& sources) {
  for (const auto& f : fields) {
    const std::string flag = "--" + f.key;
    // Model fields accept the qualified spelling too: --model.N is the same as --N.
    std::string names = flag;
    if (!f.group.empty()) names += ",--" + f.group + "." + f.key;
    if (f.key == "probe_file") names += ",--probe";  // the short spelling users reach for
    // The reference spells flags with underscores; hyphens are accepted too (--train-data-file).
    if (f.key.find('_') != std::string::npos) {
      std::string hyphenated = f.key;
      for (auto& ch : hyphenated) ch = ch == '_' ? '-' : ch;
      names += ",--" + hyphenated;
    }
    auto* opt = app.add_option_function<std::string>(
        names,
        [&sources, key = f.key, flag](const std::string& v) {
          sources.overrides.push_back(config::make_override(key, v, flag));
        },
        f.doc);
    opt->group("configuration fields")
        ->trigger_on_parse()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    if (f.type == config::FieldType::kBool) opt->expected(0, 1)->default_str("true");
    opt->type_name(f.type_name());
  }
}

}  // namespace ptychopinn::cli
