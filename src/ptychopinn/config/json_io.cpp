#include "ptychopinn/config/json_io.h"

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/settings.h"

namespace ptychopinn::config {
namespace {

template <class Config>
nlohmann::json to_json_impl(const Config& config, const std::vector<Field<Config>>& fields) {
  nlohmann::json j = nlohmann::json::object();
  j["model"] = nlohmann::json::object();
  for (const auto& f : fields) {
    nlohmann::json& target = f.group == "model" ? j["model"] : j;
    target[f.key] = value_to_json(f.get(config));
  }
  return j;
}

template <class Config>
Config from_json_impl(const nlohmann::json& j, const std::string& name, std::vector<std::string>* warnings) {
  Config config;
  Origins origins;
  apply_settings(config, json_settings(j, name), /*ignore_other_config_keys=*/true, origins);
  finish_config(config, origins, warnings);
  return config;
}

}  // namespace

std::vector<Setting> json_settings(const nlohmann::json& j, const std::string& name) {
  if (!j.is_object()) {
    throw ConfigError(
        name, "",
        "the document is a JSON " + std::string(j.type_name()) + "; expected an object of config keys");
  }
  std::vector<Setting> out;
  for (const auto& [key, value] : j.items()) {
    if (key == "model") continue;
    out.push_back({key, raw_from_json(value), name});
  }
  if (const auto model = j.find("model"); model != j.end() && !model->is_null()) {
    if (!model->is_object()) {
      throw ConfigError(name, "model",
                        "model = " + model->dump() + "; expected an object of ModelConfig fields");
    }
    for (const auto& [key, value] : model->items()) {
      out.push_back({"model." + key, raw_from_json(value), name});
    }
  }
  return out;
}

nlohmann::json to_json(const TrainingConfig& config) { return to_json_impl(config, training_fields()); }

nlohmann::json to_json(const InferenceConfig& config) { return to_json_impl(config, inference_fields()); }

TrainingConfig training_config_from_json(const nlohmann::json& j, const std::string& name,
                                         std::vector<std::string>* warnings) {
  return from_json_impl<TrainingConfig>(j, name, warnings);
}

InferenceConfig inference_config_from_json(const nlohmann::json& j, const std::string& name,
                                           std::vector<std::string>* warnings) {
  return from_json_impl<InferenceConfig>(j, name, warnings);
}

}  // namespace ptychopinn::config
