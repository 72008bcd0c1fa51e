#include "ptychopinn/config/settings.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

Setting plain(const std::string& key, const std::string& value, const std::string& origin = "run.yaml:1") {
  return {key, RawValue::plain(value), origin};
}

TEST(Settings, ModelKeysMayBeBareOrQualified) {
  TrainingConfig c;
  Origins origins;
  apply_settings(c, {plain("N", "128"), plain("model.gridsize", "2"), plain("runtime.seed", "7")}, false,
                 origins);
  EXPECT_EQ(c.model.N, 128);
  EXPECT_EQ(c.model.gridsize, 2);
  EXPECT_EQ(c.runtime.seed, 7);
  EXPECT_EQ(origins.at("gridsize"), "run.yaml:1");
}

TEST(Settings, ALaterSettingWinsAndItsOriginIsRecorded) {
  TrainingConfig c;
  Origins origins;
  apply_settings(c, {plain("nepochs", "10", "a.yaml:1"), plain("nepochs", "20", "--set")}, false, origins);
  EXPECT_EQ(c.nepochs, 20);
  EXPECT_EQ(origins.at("nepochs"), "--set");
}

TEST(ModelConfigFromSettings, ValidatesTheModelAloneSoGridsize3NeedsNoNeighbourCount) {
  const ModelConfig m =
      model_config_from_settings({plain("gridsize", "3"), plain("model.N", "128")}, "ModelConfig");
  EXPECT_EQ(m.gridsize, 3);
  EXPECT_EQ(m.N, 128);
  // The same model in a training config meets the cross-field rule there.
  TrainingConfig t;
  t.model = m;
  EXPECT_TRUE(throws_config_error([&] { t.validate(); }, {"neighbor_count = 4"}));
  t.neighbor_count = 9;
  EXPECT_NO_THROW(t.validate());
}

TEST(ModelConfigFromSettings, RefusesKeysOfOtherConfigsAndBadValues) {
  EXPECT_TRUE(throws_config_error([] { model_config_from_settings({plain("nepochs", "3")}, "ModelConfig"); },
                                  {"unknown ModelConfig key 'nepochs'"}));
  EXPECT_TRUE(throws_config_error([] { model_config_from_settings({plain("gridsiz", "3")}, "ModelConfig"); },
                                  {"did you mean 'gridsize'?"}));
  EXPECT_TRUE(throws_config_error([] { model_config_from_settings({plain("N", "100")}, "ModelConfig"); },
                                  {"N = 100"}));
}

TEST(Settings, AnUnknownKeyIsAnErrorWithDidYouMean) {
  TrainingConfig c;
  Origins origins;
  EXPECT_TRUE(throws_config_error([&] { apply_settings(c, {plain("nepoch", "10")}, true, origins); },
                                  {"run.yaml:1: unknown key 'nepoch'; did you mean 'nepochs'?"}));
}

TEST(Settings, AnUnknownKeyInTheModelMappingSuggestsAModelField) {
  TrainingConfig c;
  Origins origins;
  EXPECT_TRUE(
      throws_config_error([&] { apply_settings(c, {plain("model.grid_size", "2")}, true, origins); },
                          {"unknown key 'grid_size' in the model mapping", "did you mean 'gridsize'?"}));
}

TEST(Settings, KeysOfTheOtherConfigAreSkippedOnlyWhenAllowed) {
  InferenceConfig c;
  Origins origins;
  EXPECT_NO_THROW(apply_settings(c, {plain("nepochs", "10")}, true, origins));
  EXPECT_TRUE(
      throws_config_error([&] { apply_settings(c, {plain("nepochs", "10", "--set")}, false, origins); },
                          {"--set: key 'nepochs' belongs to TrainingConfig, not to InferenceConfig"}));
  TrainingConfig t;
  EXPECT_NO_THROW(apply_settings(t, {plain("model_path", "m"), plain("debug", "true")}, true, origins));
}

TEST(Settings, TheProfileKeyIsLeftToTheLoader) {
  TrainingConfig c;
  Origins origins;
  EXPECT_NO_THROW(apply_settings(c, {plain("profile", "paper-2023")}, false, origins));
  EXPECT_EQ(c, TrainingConfig{});
}

TEST(Settings, AWrongTypeNamesTheOriginTheKeyAndTheExpectedType) {
  TrainingConfig c;
  Origins origins;
  EXPECT_TRUE(
      throws_config_error([&] { apply_settings(c, {plain("nepochs", "ten", "run.yaml:4")}, false, origins); },
                          {"run.yaml:4: nepochs = ten; expected an integer"}));
  EXPECT_TRUE(throws_config_error(
      [&] { apply_settings(c, {plain("amp_activation", "tanh", "--set")}, false, origins); },
      {"--set: amp_activation = 'tanh'; expected one of sigmoid"}));
}

TEST(Settings, NImagesIsCopiedIntoNGroupsWithADeprecationWarning) {
  TrainingConfig c;
  Origins origins;
  apply_settings(c, {plain("n_images", "100")}, false, origins);
  std::vector<std::string> warnings;
  finish_config(c, origins, &warnings);
  EXPECT_EQ(c.n_groups, 100);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("n_images is deprecated; use n_groups"), std::string::npos);
  EXPECT_NE(warnings[0].find("run.yaml:1"), std::string::npos);
}

TEST(Settings, AnExplicitNGroupsWinsOverNImages) {
  TrainingConfig c;
  Origins origins;
  apply_settings(c, {plain("n_images", "100"), plain("n_groups", "300")}, false, origins);
  std::vector<std::string> warnings;
  finish_config(c, origins, &warnings);
  EXPECT_EQ(c.n_groups, 300);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("ignored"), std::string::npos);
}

TEST(Settings, NImagesMigratesForInferenceToo) {
  InferenceConfig c;
  Origins origins;
  apply_settings(c, {plain("n_images", "32")}, false, origins);
  std::vector<std::string> warnings;
  finish_config(c, origins, &warnings);
  EXPECT_EQ(c.n_groups, 32);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(Settings, ANullTrainingNGroupsBecomes512) {
  TrainingConfig c;
  Origins origins;
  apply_settings(c, {plain("n_groups", "null")}, false, origins);
  finish_config(c, origins, nullptr);
  EXPECT_EQ(c.n_groups, 512);
}

TEST(Settings, AnOutOfRangeValueIsReportedAtItsOrigin) {
  TrainingConfig c;
  Origins origins;
  apply_settings(c, {plain("nepochs", "0", "run.yaml:3")}, false, origins);
  EXPECT_TRUE(throws_config_error([&] { finish_config(c, origins, nullptr); },
                                  {"run.yaml:3: nepochs = 0; expected >= 1"}));
  InferenceConfig i;
  apply_settings(i, {plain("N", "100", "--set")}, false, origins);
  EXPECT_TRUE(throws_config_error([&] { finish_config(i, origins, nullptr); },
                                  {"--set: N = 100; expected one of 64, 128, 256"}));
}

TEST(Settings, AnOutOfRangeDefaultKeepsTheConfigName) {
  TrainingConfig c;
  c.nepochs = 0;
  EXPECT_TRUE(
      throws_config_error([&] { finish_config(c, Origins{}, nullptr); }, {"TrainingConfig: nepochs = 0"}));
}

}  // namespace
}  // namespace ptychopinn::config
