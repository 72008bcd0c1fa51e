#include "ptychopinn/config/profiles.h"

#include <string>
#include <utility>

#include "ptychopinn/config/settings.h"

namespace ptychopinn::config {
namespace {

using Pairs = std::vector<std::pair<const char*, const char*>>;

// The training recipe of the TF reference, shared by every profile. (Its batch
// size, 16, is the in-class default and not repeated here: the key `batch_size` also names the
// inference batch, which a profile must not change.)
const Pairs& recipe() {
  static const Pairs pairs = {
      {"optimizer", "adam"},
      {"learning_rate", "1e-3"},
      {"adam_epsilon", "1e-7"},
      {"adam_beta1", "0.9"},
      {"adam_beta2", "0.999"},
      {"scheduler", "ReduceLROnPlateau"},
      {"plateau_factor", "0.5"},
      {"plateau_patience", "2"},
      {"plateau_min_lr", "1e-4"},
      {"early_stop_patience", "3"},
      {"validation_fraction", "0.05"},
      {"max_position_jitter", "10"},
      {"amp_activation", "sigmoid"},
      {"n_filters_scale", "2"},
      {"nphotons", "1e9"},
      {"intensity_scale_trainable", "true"},
  };
  return pairs;
}

const Pairs& specific(Profile profile) {
  static const Pairs modern = {
      {"N", "64"},           {"gridsize", "1"},       {"offset", "4"},           {"object_big", "true"},
      {"probe_big", "true"}, {"probe_mask", "false"}, {"pad_object", "true"},    {"probe_scale", "4"},
      {"nll_weight", "1"},   {"mae_weight", "0"},     {"realspace_weight", "0"}, {"nepochs", "50"},
  };
  static const Pairs paper_2023 = {
      {"N", "64"},
      {"gridsize", "2"},
      {"offset", "4"},
      {"object_big", "true"},
      {"probe_big", "false"},
      {"probe_mask", "true"},
      {"pad_object", "true"},
      {"probe_scale", "10"},
      {"nll_weight", "1"},
      {"mae_weight", "0"},
      {"realspace_weight", "0"},
      {"nepochs", "60"},
  };
  static const Pairs grid_lines = {
      {"N", "64"},           {"gridsize", "1"},       {"offset", "4"},           {"object_big", "false"},
      {"probe_big", "true"}, {"probe_mask", "false"}, {"pad_object", "true"},    {"probe_scale", "4"},
      {"nll_weight", "0"},   {"mae_weight", "1"},     {"realspace_weight", "0"}, {"nepochs", "60"},
  };
  switch (profile) {
    case Profile::kPaper2023:
      return paper_2023;
    case Profile::kGridLines:
      return grid_lines;
    case Profile::kModern:
      break;
  }
  return modern;
}

}  // namespace

std::vector<Setting> profile_settings(Profile profile) {
  const std::string origin = "profile " + to_string(profile);
  std::vector<Setting> out;
  for (const Pairs* pairs : {&recipe(), &specific(profile)}) {
    for (const auto& [key, value] : *pairs) out.push_back({key, RawValue::plain(value), origin});
  }
  return out;
}

TrainingConfig make_training_config(Profile profile) {
  TrainingConfig config;
  Origins origins;
  apply_settings(config, profile_settings(profile), /*ignore_other_config_keys=*/true, origins);
  return config;
}

InferenceConfig make_inference_config(Profile profile) {
  InferenceConfig config;
  Origins origins;
  apply_settings(config, profile_settings(profile), /*ignore_other_config_keys=*/true, origins);
  return config;
}

ModelConfig make_model_config(Profile profile) { return make_training_config(profile).model; }

}  // namespace ptychopinn::config
