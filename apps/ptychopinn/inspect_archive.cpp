#include "inspect_archive.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "ptychopinn/bundle/archive_summary.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::cli {
namespace {

// "key value, key value" for the config keys worth a glance; the full config is in --json.
std::string pick(const nlohmann::json& object, const std::vector<const char*>& keys) {
  std::vector<std::string> parts;
  for (const char* k : keys) {
    if (object.contains(k)) parts.push_back(std::string(k) + " " + object[k].dump());
  }
  return join(parts, ", ");
}

void print_summary_text(const nlohmann::json& s) {
  const auto& m = s["manifest"];
  const auto& c = s["config"];
  std::cout << s["file"].get<std::string>() << ": ptychopinn model archive, format " << m["format_version"]
            << ", backend " << m["backend"].get<std::string>() << "\n"
            << "  written by ptychopinn " << m["software_version"].get<std::string>() << " at "
            << m["created_utc"].get<std::string>() << "\n"
            << "  model: " << m["model_type"].get<std::string>() << ", architecture "
            << m["architecture"].get<std::string>() << ", merge denominator "
            << m["merge_denominator"].get<std::string>() << "\n"
            << "    "
            << pick(c["model"], {"N", "gridsize", "n_filters_scale", "object_big", "probe_big",
                                 "amp_activation", "pad_object"})
            << "\n"
            << "  trainable parameters: " << s["trainable_parameters"] << "\n"
            << "  intensity scale: " << s["intensity_scale"] << "\n"
            << "  probe: " << format_shape(s["probe"]["shape"].get<std::vector<int64_t>>()) << " "
            << s["probe"]["dtype"].get<std::string>() << "\n"
            << "  weights: " << s["weights"]["tensors"] << " tensors, " << s["weights"]["elements"]
            << " values\n"
            << "  training: "
            << pick(c, {"nepochs", "batch_size", "n_groups", "nphotons", "learning_rate", "nll_weight",
                        "mae_weight"})
            << "\n"
            << "  history.csv: " << s["history_rows"] << " row(s)\n";
  for (const auto& [name, size] : s["extra_members"].items()) {
    std::cout << "  extra member: " << name << " (" << size << " bytes)\n";
  }
}

}  // namespace

int inspect_archive(const std::string& path, bool json) {
  const std::string file = bundle::resolve_archive_path(path).string();
  const nlohmann::json summary = bundle::summarize_archive(bundle::load_archive(file), file);
  if (json) {
    std::cout << summary.dump(2) << "\n";
  } else {
    print_summary_text(summary);
  }
  return 0;
}

}  // namespace ptychopinn::cli
