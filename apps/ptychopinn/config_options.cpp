#include "config_options.h"

#include "ptychopinn/config/enums.h"

namespace ptychopinn::cli {

void add_config_source_options(CLI::App& app, config::ConfigSources& sources) {
  app.add_option_function<std::string>(
         "--profile", [&sources](const std::string& v) { sources.profile = config::parse_profile(v); },
         "named parameter profile: modern (default), paper-2023, grid-lines")
      ->type_name("NAME");
  app.add_option("--config", sources.yaml_files,
                 "YAML config file with the reference's keys (flat, or with a nested model: mapping); "
                 "may be given more than once, later files win")
      ->type_name("FILE");
  app.add_option_function<std::string>(
         "--set",
         [&sources](const std::string& v) {
           sources.overrides.push_back(config::parse_override(v, "--set"));
         },
         "set any field, e.g. --set nepochs=10 or --set model.N=128 (repeatable; applied in order)")
      ->type_name("KEY=VALUE")
      ->trigger_on_parse()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace ptychopinn::cli
