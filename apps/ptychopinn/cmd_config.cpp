// `ptychopinn config train|infer`: the effective configuration after profile, YAML files, --set
// and explicit flags, printed as YAML, JSON, or the reference's legacy params dictionary.
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "config_options.h"
#include "ptychopinn/config/json_io.h"
#include "ptychopinn/config/legacy_params.h"
#include "ptychopinn/config/yaml_io.h"
#include "ptychopinn/io/atomic_file.h"

namespace ptychopinn::cli {
namespace {

template <class Config>
std::string render(const Config& c, const std::string& format) {
  if (format == "json") return config::to_json(c).dump(2) + "\n";
  if (format == "legacy") return config::to_legacy_params(c).dump(2) + "\n";
  return config::to_yaml(c);
}

}  // namespace

int run_config(const std::vector<std::string>& args) {
  CLI::App app{
      "Prints the effective configuration of a training or inference run: the profile, then the\n"
      "YAML files, then --set and the --<field> flags in command-line order (later wins).\n"
      "Unknown keys, wrong types and out-of-range values are errors naming the key.",
      "config"};
  app.require_subcommand(1, 1);
  std::string format = "yaml", output;
  config::ConfigSources train_sources, infer_sources;
  auto common = [&](CLI::App* sub) {
    sub->add_option("--format", format, "yaml (default), json, or legacy (the reference's params.cfg keys)")
        ->check(CLI::IsMember({"yaml", "json", "legacy"}));
    sub->add_option("-o,--output", output, "write to FILE (atomically) instead of stdout")->type_name("FILE");
  };
  CLI::App* train = app.add_subcommand("train", "the configuration of `ptychopinn train`");
  common(train);
  add_config_source_options(*train, train_sources);
  add_field_options(*train, config::training_fields(), train_sources);
  CLI::App* infer = app.add_subcommand("infer", "the configuration of `ptychopinn infer`");
  common(infer);
  add_config_source_options(*infer, infer_sources);
  add_field_options(*infer, config::inference_fields(), infer_sources);
  if (auto rc = parse_args(app, args)) return *rc;

  std::vector<std::string> warnings;
  std::string text;
  if (train->parsed()) {
    text = render(config::resolve_training_config(train_sources, &warnings), format);
  } else {
    text = render(config::resolve_inference_config(infer_sources, &warnings), format);
  }
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (output.empty()) {
    std::cout << text;
  } else {
    io::write_file_atomic(output, text);
    std::cerr << "wrote " << output << "\n";
  }
  return 0;
}

}  // namespace ptychopinn::cli
