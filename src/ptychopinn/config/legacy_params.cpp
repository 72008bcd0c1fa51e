#include "ptychopinn/config/legacy_params.h"

#include <algorithm>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/field_table.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::config {
namespace {

constexpr const char* kLegacyWhere = "legacy params";

template <class Config>
void update_impl(nlohmann::json& dict, const Config& config, const std::vector<Field<Config>>& fields) {
  if (dict.is_null()) dict = nlohmann::json::object();
  if (!dict.is_object()) {
    throw ConfigError(
        kLegacyWhere, "",
        std::string("the legacy params dictionary is a JSON ") + dict.type_name() + "; expected an object");
  }
  for (const auto& f : fields) {
    if (f.legacy_key.empty()) continue;
    const FieldValue v = f.get(config);
    if (std::holds_alternative<std::monostate>(v)) continue;  // None never erases
    dict[f.legacy_key] = value_to_json(v);
  }
}

std::vector<std::string> all_legacy_keys() {
  std::vector<std::string> keys;
  for (const auto& f : training_fields()) {
    if (!f.legacy_key.empty()) keys.push_back(f.legacy_key);
  }
  for (const auto& f : inference_fields()) {
    if (!f.legacy_key.empty() && std::find(keys.begin(), keys.end(), f.legacy_key) == keys.end()) {
      keys.push_back(f.legacy_key);
    }
  }
  return keys;
}

template <class Config, class Other>
Config from_legacy_impl(const nlohmann::json& dict, const std::vector<Field<Config>>& fields,
                        const std::vector<Field<Other>>& other, std::vector<std::string>* warnings) {
  if (!dict.is_object()) {
    throw ConfigError(
        kLegacyWhere, "",
        std::string("the legacy params dictionary is a JSON ") + dict.type_name() + "; expected an object");
  }
  Config config;
  bool n_groups_given = false;
  for (const auto& [key, value] : dict.items()) {
    if (const auto* f = find_legacy_field(fields, key)) {
      if (value.is_null()) continue;
      try {
        // Parsed under the dictionary's key, so that messages name "object.big", not object_big.
        f->set(config, parse_raw_value(raw_from_json(value), f->type, f->optional, f->choices, key));
      } catch (const ConfigError& e) {
        throw e.with_where(kLegacyWhere);
      }
      if (f->key == "n_groups") n_groups_given = true;
      continue;
    }
    if (find_legacy_field(other, key) != nullptr) continue;
    const auto& ignored = ignored_legacy_keys();
    if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
    throw ConfigError(kLegacyWhere, key, "unknown key " + quoted(key) + did_you_mean(key, all_legacy_keys()));
  }
  if (config.n_images) {
    std::string message = std::string(kLegacyWhere) + ": n_images is deprecated; use n_groups";
    if (!n_groups_given) {
      config.n_groups = config.n_images;
      message += " (n_groups = " + std::to_string(*config.n_images) + " taken from n_images)";
    }
    if (warnings != nullptr) warnings->push_back(message);
  }
  return config;
}

}  // namespace

void update_legacy_dict(nlohmann::json& dict, const TrainingConfig& config) {
  update_impl(dict, config, training_fields());
}

void update_legacy_dict(nlohmann::json& dict, const InferenceConfig& config) {
  update_impl(dict, config, inference_fields());
}

nlohmann::json to_legacy_params(const TrainingConfig& config) {
  nlohmann::json dict = nlohmann::json::object();
  update_legacy_dict(dict, config);
  return dict;
}

nlohmann::json to_legacy_params(const InferenceConfig& config) {
  nlohmann::json dict = nlohmann::json::object();
  update_legacy_dict(dict, config);
  return dict;
}

TrainingConfig training_config_from_legacy_params(const nlohmann::json& dict,
                                                  std::vector<std::string>* warnings) {
  return from_legacy_impl(dict, training_fields(), inference_fields(), warnings);
}

InferenceConfig inference_config_from_legacy_params(const nlohmann::json& dict,
                                                    std::vector<std::string>* warnings) {
  return from_legacy_impl(dict, inference_fields(), training_fields(), warnings);
}

const std::vector<std::string>& ignored_legacy_keys() {
  // The reference's DEFAULT_CFG keys that are not dataclass fields, the derived sizes params() adds, and
  // the keys written at run time (intensity_scale, probe, timestamp) or by the Torch bundle.
  static const std::vector<std::string> keys = {
      "bigN",
      "padding_size",
      "padded_size",
      "intensity_scale",
      "probe",
      "timestamp",
      "_version",
      "outer_offset_train",
      "outer_offset_test",
      "big_gridsize",
      "sim_jitter_scale",
      "default_probe_scale",
      "tv_weight",
      "nimgs_train",
      "nimgs_test",
      "data_source",
      "set_phi",
      "label",
      "size",
      "h5_path",
      "npseed",
      "use_xla_translate",
  };
  return keys;
}

}  // namespace ptychopinn::config
