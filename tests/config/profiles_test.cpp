#include "ptychopinn/config/profiles.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

TEST(Profiles, ModernIsTheInClassDefaults) {
  EXPECT_EQ(make_training_config(Profile::kModern), TrainingConfig{});
  EXPECT_EQ(make_inference_config(Profile::kModern), InferenceConfig{});
  EXPECT_EQ(make_model_config(Profile::kModern), ModelConfig{});
}

TEST(Profiles, Paper2023IsThePapersSettings) {
  const TrainingConfig t = make_training_config(Profile::kPaper2023);
  EXPECT_EQ(t.model.N, 64);
  EXPECT_EQ(t.model.gridsize, 2);
  EXPECT_EQ(t.model.offset, 4);
  EXPECT_TRUE(t.model.object_big);
  EXPECT_FALSE(t.model.probe_big);
  EXPECT_TRUE(t.model.probe_mask);
  EXPECT_TRUE(t.model.pad_object);
  EXPECT_EQ(t.model.probe_scale, 10.0);
  EXPECT_EQ(t.model.amp_activation, AmpActivation::kSigmoid);
  EXPECT_EQ(t.nll_weight, 1.0);
  EXPECT_EQ(t.mae_weight, 0.0);
  EXPECT_EQ(t.nepochs, 60);
  EXPECT_EQ(t.batch_size, 16);
  EXPECT_TRUE(t.intensity_scale_trainable);
  EXPECT_EQ(canvas_size(t.model), 78);
}

TEST(Profiles, GridLinesIsTheGridLinesWorkflowsSettings) {
  const TrainingConfig t = make_training_config(Profile::kGridLines);
  EXPECT_FALSE(t.model.object_big);
  EXPECT_TRUE(t.model.probe_big);
  EXPECT_FALSE(t.model.probe_mask);
  EXPECT_EQ(t.model.probe_scale, 4.0);
  EXPECT_EQ(t.model.gridsize, 1);
  EXPECT_EQ(t.nll_weight, 0.0);
  EXPECT_EQ(t.mae_weight, 1.0);
  EXPECT_EQ(t.nepochs, 60);
}

TEST(Profiles, EveryProfileCarriesTheReferenceTrainingRecipe) {
  for (Profile p : EnumInfo<Profile>::kValues) {
    const TrainingConfig t = make_training_config(p);
    EXPECT_EQ(t.optimizer, Optimizer::kAdam) << to_string(p);
    EXPECT_EQ(t.learning_rate, 1e-3);
    EXPECT_EQ(t.adam_epsilon, 1e-7);
    EXPECT_EQ(t.scheduler, Scheduler::kReduceLROnPlateau);
    EXPECT_EQ(t.plateau_factor, 0.5);
    EXPECT_EQ(t.plateau_patience, 2);
    EXPECT_EQ(t.plateau_min_lr, 1e-4);
    EXPECT_EQ(t.early_stop_patience, 3);
    EXPECT_EQ(t.validation_fraction, 0.05);
    EXPECT_EQ(t.model.max_position_jitter, 10);
  }
}

TEST(Profiles, EveryProfileIsValid) {
  for (Profile p : EnumInfo<Profile>::kValues) {
    EXPECT_NO_THROW(make_training_config(p).validate()) << to_string(p);
    EXPECT_NO_THROW(make_inference_config(p).validate()) << to_string(p);
  }
}

TEST(Profiles, InferenceTakesTheModelPartOfAProfile) {
  EXPECT_EQ(make_inference_config(Profile::kPaper2023).model,
            make_training_config(Profile::kPaper2023).model);
}

TEST(Profiles, SettingsNameTheProfileAsTheirOrigin) {
  for (const Setting& s : profile_settings(Profile::kGridLines)) {
    EXPECT_EQ(s.origin, "profile grid-lines");
    EXPECT_NE(find_field(training_fields(), s.key), nullptr) << s.key;
  }
}

}  // namespace
}  // namespace ptychopinn::config
