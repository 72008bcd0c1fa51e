#include "ptychopinn/config/settings.h"

#include <algorithm>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::config {
namespace {

constexpr int kDefaultTrainingGroups = 512;

const char* config_name(const TrainingConfig*) { return "TrainingConfig"; }
const char* config_name(const InferenceConfig*) { return "InferenceConfig"; }
const std::vector<Field<TrainingConfig>>& fields_of(const TrainingConfig*) { return training_fields(); }
const std::vector<Field<InferenceConfig>>& fields_of(const InferenceConfig*) { return inference_fields(); }
// The fields of the *other* config.
const std::vector<Field<InferenceConfig>>& other_fields(const TrainingConfig*) { return inference_fields(); }
const std::vector<Field<TrainingConfig>>& other_fields(const InferenceConfig*) { return training_fields(); }
const char* other_name(const TrainingConfig*) { return "InferenceConfig"; }
const char* other_name(const InferenceConfig*) { return "TrainingConfig"; }

[[noreturn]] void throw_unknown_key(const Setting& s) {
  const std::string prefix = "model.";
  if (s.key.compare(0, prefix.size(), prefix) == 0) {
    const std::string bare = s.key.substr(prefix.size());
    throw ConfigError(s.origin, s.key,
                      "unknown key " + quoted(bare) + " in the model mapping (expected a " +
                          "ModelConfig field)" + did_you_mean(bare, field_keys(model_fields())));
  }
  throw ConfigError(s.origin, s.key,
                    "unknown key " + quoted(s.key) + did_you_mean(s.key, known_config_keys()));
}

template <class Config>
void apply_impl(Config& config, const std::vector<Setting>& settings, bool ignore_other, Origins& origins) {
  const auto& fields = fields_of(&config);
  for (const Setting& s : settings) {
    if (s.key == "profile") continue;
    if (const auto* f = find_field(fields, s.key)) {
      try {
        f->set_from_raw(config, s.value);
      } catch (const ConfigError& e) {
        throw e.with_where(s.origin);
      }
      origins[f->key] = s.origin;
      continue;
    }
    if (find_field(other_fields(&config), s.key) != nullptr) {
      if (ignore_other) continue;
      throw ConfigError(
          s.origin, s.key,
          "key " + quoted(s.key) + " belongs to " + other_name(&config) + ", not to " + config_name(&config));
    }
    throw_unknown_key(s);
  }
}

template <class Config>
void migrate_n_images(Config& config, const Origins& origins, std::vector<std::string>* warnings) {
  if (!config.n_images) return;
  const bool n_groups_given = origins.count("n_groups") > 0 && config.n_groups.has_value();
  const auto at = origins.find("n_images");
  const std::string where = at != origins.end() ? at->second + ": " : std::string();
  std::string message = where +
                        "n_images is deprecated; use n_groups (the number of groups, "
                        "whatever the gridsize)";
  if (n_groups_given) {
    message += "; n_images is ignored because n_groups is set";
  } else {
    config.n_groups = config.n_images;
    message += "; n_groups = " + std::to_string(*config.n_images) + " taken from n_images";
  }
  if (warnings != nullptr) warnings->push_back(message);
}

// Grouping draws a group's C = gridsize^2 members from its K nearest neighbours, so the default
// K = 4 cannot serve gridsize 3 and up: a K nobody set becomes C there, the smallest that works
// (a K the user set is kept, and validation names it when it is too small).
template <class Config>
void raise_default_neighbor_count(Config& config, const Origins& origins) {
  const int c = config.model.gridsize * config.model.gridsize;
  if (!set_by_user(origins, "neighbor_count") && config.model.gridsize > 1 && config.neighbor_count < c) {
    config.neighbor_count = c;
  }
}

template <class Config>
void validate_attributed(const Config& config, const Origins& origins) {
  try {
    config.validate();
  } catch (const ConfigError& e) {
    const auto at = origins.find(e.key());
    if (at == origins.end()) throw;
    throw e.with_where(at->second);
  }
}

}  // namespace

bool set_by_user(const Origins& origins, const std::string& key) {
  const auto it = origins.find(key);
  return it != origins.end() && it->second.rfind("profile ", 0) != 0;
}

void apply_settings(TrainingConfig& config, const std::vector<Setting>& settings,
                    bool ignore_other_config_keys, Origins& origins) {
  apply_impl(config, settings, ignore_other_config_keys, origins);
}

void apply_settings(InferenceConfig& config, const std::vector<Setting>& settings,
                    bool ignore_other_config_keys, Origins& origins) {
  apply_impl(config, settings, ignore_other_config_keys, origins);
}

void finish_config(TrainingConfig& config, const Origins& origins, std::vector<std::string>* warnings) {
  migrate_n_images(config, origins, warnings);
  if (!config.n_groups) config.n_groups = kDefaultTrainingGroups;
  raise_default_neighbor_count(config, origins);
  validate_attributed(config, origins);
}

void finish_config(InferenceConfig& config, const Origins& origins, std::vector<std::string>* warnings) {
  migrate_n_images(config, origins, warnings);
  raise_default_neighbor_count(config, origins);
  validate_attributed(config, origins);
}

const std::vector<std::string>& known_config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = field_keys(training_fields());
    for (const auto& key : field_keys(inference_fields())) {
      if (std::find(k.begin(), k.end(), key) == k.end()) k.push_back(key);
    }
    k.push_back("profile");
    k.push_back("model");
    return k;
  }();
  return keys;
}

ModelConfig model_config_from_settings(const std::vector<Setting>& settings, const std::string& where) {
  std::vector<Setting> model_settings;
  for (const auto& setting : settings) {
    if (setting.key == "profile") continue;
    const std::string bare = setting.key.rfind("model.", 0) == 0 ? setting.key.substr(6) : setting.key;
    if (find_field(model_fields(), bare) == nullptr) {
      throw ConfigError(
          where, bare,
          "unknown ModelConfig key " + quoted(bare) + did_you_mean(bare, field_keys(model_fields())));
    }
    model_settings.push_back({"model." + bare, setting.value, setting.origin});
  }
  TrainingConfig holder;
  Origins origins;
  apply_settings(holder, model_settings, /*ignore_other_config_keys=*/false, origins);
  holder.model.validate();
  return holder.model;
}

}  // namespace ptychopinn::config
