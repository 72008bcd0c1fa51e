#pragma once
// Helpers shared by the config tests: temporary files, error expectations, sample configs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config::testing {

// Writes text to a fresh file named `name` in a per-process temporary folder, removed at exit;
// returns its path.
inline std::string write_temp_file(const std::string& name, const std::string& text) {
  struct Folder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ptychopinn_config_test_" + std::to_string(::getpid()));
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() {
      std::error_code ignored;  // best effort: a leftover temp folder is harmless
      std::filesystem::remove_all(path, ignored);
    }
  };
  static Folder folder;
  static std::atomic<int> counter{0};
  const auto dir = folder.path / std::to_string(counter++);
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

// Runs fn, expects a ConfigError, and checks that its message contains every fragment.
inline ::testing::AssertionResult throws_config_error(const std::function<void()>& fn,
                                                      std::initializer_list<std::string> fragments) {
  try {
    fn();
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    for (const auto& f : fragments) {
      if (what.find(f) == std::string::npos) {
        return ::testing::AssertionFailure() << "message \"" << what << "\" lacks \"" << f << "\"";
      }
    }
    return ::testing::AssertionSuccess() << what;
  }
  return ::testing::AssertionFailure() << "no ConfigError thrown";
}

// A valid training config in which every optional field is set and most fields differ from
// their defaults.
inline TrainingConfig training_config_with_every_optional_set() {
  TrainingConfig c;
  c.model.N = 128;
  c.model.gridsize = 2;
  c.model.n_filters_scale = 3;
  c.model.model_type = ModelType::kSupervised;
  c.model.max_hidden_channels = 256;
  c.model.resnet_width = 48;
  c.model.fno_input_transform = FnoInputTransform::kLog1p;
  c.model.generator_output_mode = GeneratorOutputMode::kAmpPhase;
  c.model.amp_activation = AmpActivation::kSwish;
  c.model.object_big = false;
  c.model.probe_big = false;
  c.model.probe_mask = true;
  c.model.probe_mask_sigma = 0.25;
  c.model.probe_mask_diameter = 33.5;
  c.model.pad_object = false;
  c.model.probe_scale = 10.0;
  c.model.gaussian_smoothing_sigma = 0.1;
  c.model.offset = 6;
  c.model.max_position_jitter = 12;
  c.train_data_file = "data/train with space.npz";
  c.test_data_file = "/abs/test.npz";
  c.batch_size = 8;
  c.nepochs = 7;
  c.mae_weight = 0.3;
  c.nll_weight = 0.7;
  c.realspace_mae_weight = 0.05;
  c.realspace_weight = 0.1;
  c.nphotons = 5e8;
  c.n_groups = 100;
  c.n_images = 90;
  c.n_subsample = 1024;
  c.subsample_seed = 99;
  c.neighbor_count = 7;
  c.enable_oversampling = true;
  c.neighbor_pool_size = 6;
  c.positions_provided = false;
  c.probe_trainable = true;
  c.intensity_scale_trainable = false;
  c.output_dir = "out/run 1";
  c.sequential_sampling = true;
  c.torch_loss_mode = TorchLossMode::kMae;
  c.torch_mae_pred_l2_match_target = true;
  c.gradient_clip_val = 1.0;
  c.gradient_clip_algorithm = GradientClipAlgorithm::kAgc;
  c.optimizer = Optimizer::kAdamW;
  c.momentum = 0.8;
  c.weight_decay = 1e-4;
  c.adam_beta1 = 0.85;
  c.adam_beta2 = 0.995;
  c.scheduler = Scheduler::kWarmupCosine;
  c.lr_warmup_epochs = 2;
  c.lr_min_ratio = 0.05;
  c.plateau_factor = 0.3;
  c.plateau_patience = 4;
  c.plateau_min_lr = 3e-6;
  c.plateau_threshold = 1e-3;
  c.learning_rate = 2e-4;
  c.adam_epsilon = 1e-8;
  c.validation_fraction = 0.1;
  c.early_stop_patience = 0;
  c.runtime.device = Device::kCuda;
  c.runtime.threads = 2;
  c.runtime.seed = 3;
  return c;
}

inline InferenceConfig inference_config_with_every_optional_set() {
  InferenceConfig c;
  c.model = training_config_with_every_optional_set().model;
  c.model_path = "models/run 1";
  c.test_data_file = "test.npz";
  c.n_groups = 64;
  c.n_images = 32;
  c.n_subsample = 500;
  c.subsample_seed = 5;
  c.neighbor_count = 6;
  c.enable_oversampling = true;
  c.neighbor_pool_size = 5;
  c.debug = true;
  c.output_dir = "inference out";
  c.batch_size = 7;
  c.runtime.device = Device::kCpu;
  c.runtime.threads = 1;
  c.runtime.seed = 0;
  return c;
}

}  // namespace ptychopinn::config::testing

namespace ptychopinn::config::testing {

// A value of f's type different from v (for checking that equality sees every field).
inline FieldValue different_value(const FieldValue& v, FieldType type,
                                  const std::vector<std::string>& choices) {
  if (std::holds_alternative<std::monostate>(v)) {
    switch (type) {
      case FieldType::kBool:
        return true;
      case FieldType::kInt:
        return std::int64_t{3};
      case FieldType::kFloat:
        return 3.5;
      case FieldType::kPath:
        return std::string("p");
      case FieldType::kEnum:
        return choices.front();
    }
  }
  if (auto p = std::get_if<bool>(&v)) return !*p;
  if (auto p = std::get_if<std::int64_t>(&v)) return *p + 1;
  if (auto p = std::get_if<double>(&v)) return *p + 0.5;
  const std::string& s = std::get<std::string>(v);
  if (type == FieldType::kEnum) {
    for (const auto& c : choices) {
      if (c != s) return c;
    }
    return s;  // a one-value enum cannot differ
  }
  return s + "x";
}

// Checks that changing any single row of `fields` makes a config compare unequal.
template <class Config>
void expect_equality_sees_every_field(const std::vector<Field<Config>>& fields) {
  for (const auto& f : fields) {
    Config a;
    Config b;
    EXPECT_TRUE(a == b);
    const FieldValue changed = different_value(f.get(b), f.type, f.choices);
    if (changed == f.get(b)) continue;
    f.set(b, changed);
    EXPECT_FALSE(a == b) << f.key;
    EXPECT_TRUE(a != b) << f.key;
  }
}

}  // namespace ptychopinn::config::testing

#include "ptychopinn/config/yaml_io.h"

namespace ptychopinn::config {
// Failure messages show configs as YAML (found by gtest through argument-dependent lookup).
inline void PrintTo(const TrainingConfig& c, std::ostream* os) { *os << "\n" << to_yaml(c); }
inline void PrintTo(const InferenceConfig& c, std::ostream* os) { *os << "\n" << to_yaml(c); }
}  // namespace ptychopinn::config
