#include "ptychopinn/config/config_loader.h"

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/profiles.h"
#include "ptychopinn/config/settings.h"
#include "ptychopinn/config/yaml_io.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::config {
namespace {

// The profile named by the last "profile" setting in settings, if any.
std::optional<Profile> last_profile(const std::vector<Setting>& settings) {
  std::optional<Profile> found;
  for (const Setting& s : settings) {
    if (s.key != "profile") continue;
    if (s.value.kind != RawValue::Kind::kText && s.value.kind != RawValue::Kind::kQuotedText) {
      throw_bad_value(s.origin, "profile", display(s.value),
                      "one of " + join(enum_spellings<Profile>(), ", "));
    }
    try {
      found = parse_profile(s.value.text);
    } catch (const ConfigError& e) {
      throw e.with_where(s.origin);
    }
  }
  return found;
}

Profile select_profile(const ConfigSources& sources, const std::vector<std::vector<Setting>>& files) {
  if (sources.profile) return *sources.profile;
  if (auto p = last_profile(sources.overrides)) return *p;
  std::optional<Profile> from_files;
  for (const auto& file : files) {
    if (auto p = last_profile(file)) from_files = p;
  }
  return from_files.value_or(Profile::kModern);
}

template <class Config>
Config resolve(const ConfigSources& sources, std::vector<std::string>* warnings, Origins* origins_out) {
  std::vector<std::vector<Setting>> files;
  for (const auto& path : sources.yaml_files) files.push_back(read_yaml_settings(path));
  const Profile profile = select_profile(sources, files);

  Config config;
  Origins origins;
  apply_settings(config, profile_settings(profile), /*ignore_other_config_keys=*/true, origins);
  for (const auto& file : files) {
    apply_settings(config, file, /*ignore_other_config_keys=*/true, origins);
  }
  apply_settings(config, sources.overrides, /*ignore_other_config_keys=*/false, origins);
  finish_config(config, origins, warnings);
  if (origins_out) *origins_out = std::move(origins);
  return config;
}

}  // namespace

Setting parse_override(const std::string& assignment, const std::string& origin) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError(origin, "",
                      quoted(assignment) +
                          " is not an assignment; expected key=value, e.g. "
                          "nepochs=60 or model.N=128");
  }
  return make_override(assignment.substr(0, eq), assignment.substr(eq + 1), origin);
}

Setting make_override(const std::string& key, const std::string& value, const std::string& origin) {
  return {key, RawValue::plain(value), origin};
}

Profile resolve_profile(const ConfigSources& sources) {
  std::vector<std::vector<Setting>> files;
  for (const auto& path : sources.yaml_files) files.push_back(read_yaml_settings(path));
  return select_profile(sources, files);
}

TrainingConfig resolve_training_config(const ConfigSources& sources, std::vector<std::string>* warnings,
                                       Origins* origins) {
  return resolve<TrainingConfig>(sources, warnings, origins);
}

InferenceConfig resolve_inference_config(const ConfigSources& sources, std::vector<std::string>* warnings,
                                         Origins* origins) {
  return resolve<InferenceConfig>(sources, warnings, origins);
}

}  // namespace ptychopinn::config
