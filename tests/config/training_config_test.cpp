#include "ptychopinn/config/training_config.h"

#include <gtest/gtest.h>

#include <set>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

TEST(TrainingConfig, DefaultNGroupsIs512) { EXPECT_EQ(TrainingConfig{}.n_groups, 512); }

TEST(TrainingConfig, DefaultsAreTheReferenceDataclassPlusTheTrainingRecipe) {
  const TrainingConfig t;
  EXPECT_FALSE(t.train_data_file);
  EXPECT_FALSE(t.test_data_file);
  EXPECT_EQ(t.batch_size, 16);
  EXPECT_EQ(t.nepochs, 50);
  EXPECT_EQ(t.mae_weight, 0.0);
  EXPECT_EQ(t.nll_weight, 1.0);
  EXPECT_EQ(t.realspace_mae_weight, 0.0);
  EXPECT_EQ(t.realspace_weight, 0.0);
  EXPECT_EQ(t.nphotons, 1e9);
  EXPECT_FALSE(t.n_images);
  EXPECT_FALSE(t.n_subsample);
  EXPECT_FALSE(t.subsample_seed);
  EXPECT_EQ(t.neighbor_count, 4);
  EXPECT_FALSE(t.enable_oversampling);
  EXPECT_FALSE(t.neighbor_pool_size);
  EXPECT_TRUE(t.positions_provided);
  EXPECT_FALSE(t.probe_trainable);
  EXPECT_TRUE(t.intensity_scale_trainable);
  EXPECT_EQ(t.output_dir, "training_outputs");
  EXPECT_FALSE(t.sequential_sampling);
  EXPECT_EQ(t.backend, Backend::kLibtorch);
  EXPECT_EQ(t.torch_loss_mode, TorchLossMode::kPoisson);
  EXPECT_FALSE(t.gradient_clip_val);
  EXPECT_EQ(t.gradient_clip_algorithm, GradientClipAlgorithm::kNorm);
  EXPECT_EQ(t.optimizer, Optimizer::kAdam);
  EXPECT_EQ(t.momentum, 0.9);
  EXPECT_EQ(t.weight_decay, 0.0);
  EXPECT_EQ(t.adam_beta1, 0.9);
  EXPECT_EQ(t.adam_beta2, 0.999);
  EXPECT_EQ(t.lr_warmup_epochs, 0);
  EXPECT_EQ(t.lr_min_ratio, 0.1);
  EXPECT_EQ(t.plateau_factor, 0.5);
  EXPECT_EQ(t.plateau_patience, 2);
  EXPECT_EQ(t.plateau_threshold, 0.0);
  // The TF reference's recipe: Keras epsilon, the TF callbacks, Keras validation split.
  EXPECT_EQ(t.scheduler, Scheduler::kReduceLROnPlateau);
  EXPECT_EQ(t.plateau_min_lr, 1e-4);
  EXPECT_EQ(t.learning_rate, 1e-3);
  EXPECT_EQ(t.adam_epsilon, 1e-7);
  EXPECT_EQ(t.validation_fraction, 0.05);
  EXPECT_EQ(t.early_stop_patience, 3);
  EXPECT_NO_THROW(t.validate());
}

TEST(TrainingConfig, ValidateRejectsOutOfRangeValuesNamingFieldAndConstraint) {
  auto expect = [](auto mutate, const std::string& fragment) {
    TrainingConfig t;
    mutate(t);
    EXPECT_TRUE(throws_config_error([&] { t.validate(); }, {fragment})) << fragment;
  };
  expect([](TrainingConfig& t) { t.batch_size = 0; }, "TrainingConfig: batch_size = 0; expected >= 1");
  expect([](TrainingConfig& t) { t.nepochs = 0; }, "nepochs = 0; expected >= 1");
  expect([](TrainingConfig& t) { t.mae_weight = -0.1; }, "mae_weight = -0.1; expected >= 0");
  expect([](TrainingConfig& t) { t.nphotons = 0; }, "nphotons = 0.0; expected > 0");
  expect([](TrainingConfig& t) { t.validation_fraction = 1.0; },
         "validation_fraction = 1.0; expected in [0, 1)");
  expect([](TrainingConfig& t) { t.learning_rate = 0; }, "learning_rate = 0.0; expected > 0");
  expect([](TrainingConfig& t) { t.adam_epsilon = 0; }, "adam_epsilon = 0.0; expected > 0");
  expect([](TrainingConfig& t) { t.probe_refinement_iterations = -1; },
         "probe_refinement_iterations = -1; expected >= 0 or null (auto)");
  expect([](TrainingConfig& t) { t.overlap_warmup_epochs = -1; },
         "overlap_warmup_epochs = -1; expected >= 0 or null (auto)");
  expect([](TrainingConfig& t) { t.runtime.threads = -2; }, "threads = -2");
  expect([](TrainingConfig& t) { t.model.N = 32; }, "N = 32");
  expect([](TrainingConfig& t) { t.gradient_clip_val = 0.0; }, "gradient_clip_val = 0.0");
  expect([](TrainingConfig& t) { t.plateau_factor = 1.0; }, "plateau_factor = 1.0");
  expect([](TrainingConfig& t) { t.output_dir = ""; }, "output_dir = ''");
  expect([](TrainingConfig& t) { t.early_stop_patience = -1; }, "early_stop_patience = -1");
}

TEST(TrainingConfig, APinnNeedsANonZeroLossWeight) {
  TrainingConfig t;
  t.nll_weight = 0;
  EXPECT_TRUE(throws_config_error([&] { t.validate(); },
                                  {"nll_weight = 0.0; expected > 0", "all loss weights are 0"}));
  t.mae_weight = 1;  // the grid-lines recipe
  EXPECT_NO_THROW(t.validate());
}

TEST(TrainingConfig, RealspaceMaeWeightNeedsARealspaceWeight) {
  TrainingConfig t;
  t.realspace_mae_weight = 0.05;
  EXPECT_TRUE(throws_config_error([&] { t.validate(); },
                                  {"realspace_weight = 0.0; expected > 0 when realspace_mae_weight > 0"}));
  t.realspace_weight = 0.1;
  EXPECT_NO_THROW(t.validate());
}

TEST(TrainingConfig, NeighborCountMustHoldAGroup) {
  TrainingConfig t;
  t.model.gridsize = 2;
  t.neighbor_count = 3;
  EXPECT_TRUE(
      throws_config_error([&] { t.validate(); }, {"neighbor_count = 3; expected >= C = gridsize^2 = 4"}));
}

TEST(TrainingConfig, FieldTableHasModelRowsThenTrainingRowsThenRuntimeRows) {
  const auto& fields = training_fields();
  EXPECT_EQ(fields.front().key, "N");
  EXPECT_EQ(fields.front().group, "model");
  EXPECT_EQ(fields.back().group, "runtime");
  std::set<std::string> keys;
  for (const auto& f : fields) EXPECT_TRUE(keys.insert(f.key).second) << "duplicate " << f.key;
  EXPECT_EQ(fields.size(), model_fields().size() + 47 + runtime_fields().size());
}

TEST(TrainingConfig, LegacyKeysFollowTheReferenceKeyMappings) {
  const std::map<std::string, std::string> mapped = {
      {"probe_trainable", "probe.trainable"},
      {"intensity_scale_trainable", "intensity_scale.trainable"},
      {"positions_provided", "positions.provided"},
      {"output_dir", "output_prefix"},
      {"train_data_file", "train_data_file_path"},
      {"test_data_file", "test_data_file_path"},
  };
  const std::set<std::string> not_legacy = {"learning_rate",
                                            "adam_epsilon",
                                            "validation_fraction",
                                            "early_stop_patience",
                                            "device",
                                            "threads",
                                            "seed",
                                            "probe_learning_rate",
                                            "probe_release_epoch",
                                            "probe_file",
                                            "overlap_warmup_epochs",
                                            "probe_refinement_iterations"};
  for (const auto& f : training_fields()) {
    if (f.group == "model") continue;
    if (mapped.count(f.key)) {
      EXPECT_EQ(f.legacy_key, mapped.at(f.key));
    } else if (not_legacy.count(f.key)) {
      EXPECT_EQ(f.legacy_key, "") << f.key;
    } else {
      EXPECT_EQ(f.legacy_key, f.key);
    }
  }
}

TEST(TrainingConfig, EqualitySeesEveryField) { testing::expect_equality_sees_every_field(training_fields()); }

}  // namespace
}  // namespace ptychopinn::config
