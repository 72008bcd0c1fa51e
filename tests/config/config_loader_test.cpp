#include "ptychopinn/config/config_loader.h"

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;
using testing::write_temp_file;

ConfigSources sources(std::vector<std::string> files = {}, std::vector<std::string> assignments = {},
                      std::optional<Profile> profile = std::nullopt) {
  ConfigSources s;
  s.profile = profile;
  s.yaml_files = std::move(files);
  for (const auto& a : assignments) s.overrides.push_back(parse_override(a));
  return s;
}

TEST(ConfigLoader, ParseOverrideSplitsAtTheFirstEquals) {
  const Setting s = parse_override("output_dir=a=b", "--set");
  EXPECT_EQ(s.key, "output_dir");
  EXPECT_EQ(s.value.text, "a=b");
  EXPECT_EQ(s.origin, "--set");
  EXPECT_TRUE(throws_config_error([] { parse_override("nepochs"); },
                                  {"--set: 'nepochs' is not an assignment; expected key=value"}));
  EXPECT_THROW(parse_override("=5"), ConfigError);
}

TEST(ConfigLoader, OriginsSayWhichValuesTheUserChose) {
  ConfigSources sources;
  sources.profile = Profile::kPaper2023;
  sources.overrides.push_back(parse_override("nphotons=1e6"));
  Origins origins;
  resolve_training_config(sources, nullptr, &origins);
  EXPECT_TRUE(set_by_user(origins, "nphotons"));
  EXPECT_FALSE(set_by_user(origins, "gridsize"));    // from the profile
  EXPECT_FALSE(set_by_user(origins, "batch_size"));  // a default
  EXPECT_EQ(origins.at("nphotons"), "--set");
}

TEST(ConfigLoader, NoSourcesGiveTheModernProfile) {
  EXPECT_EQ(resolve_training_config(sources()), TrainingConfig{});
  EXPECT_EQ(resolve_inference_config(sources()), InferenceConfig{});
}

TEST(ConfigLoader, PrecedenceIsCliOverYamlOverProfileOverDefaults) {
  const std::string yaml = write_temp_file("run.yaml", "nepochs: 30\nbatch_size: 8\n");
  // defaults: 50; profile paper-2023: 60; YAML: 30; --set: 5
  EXPECT_EQ(resolve_training_config(sources()).nepochs, 50);
  EXPECT_EQ(resolve_training_config(sources({}, {}, Profile::kPaper2023)).nepochs, 60);
  EXPECT_EQ(resolve_training_config(sources({yaml}, {}, Profile::kPaper2023)).nepochs, 30);
  const TrainingConfig all = resolve_training_config(sources({yaml}, {"nepochs=5"}, Profile::kPaper2023));
  EXPECT_EQ(all.nepochs, 5);
  EXPECT_EQ(all.batch_size, 8);             // from YAML
  EXPECT_EQ(all.model.gridsize, 2);         // from the profile
  EXPECT_EQ(all.model.n_filters_scale, 2);  // default
}

TEST(ConfigLoader, LaterFilesAndLaterOverridesWin) {
  const std::string a = write_temp_file("a.yaml", "nepochs: 30\nbatch_size: 8\n");
  const std::string b = write_temp_file("b.yaml", "nepochs: 40\n");
  const TrainingConfig c = resolve_training_config(sources({a, b}, {"nepochs=7", "nepochs=9"}));
  EXPECT_EQ(c.nepochs, 9);
  EXPECT_EQ(c.batch_size, 8);
  EXPECT_EQ(resolve_training_config(sources({a, b})).nepochs, 40);
}

TEST(ConfigLoader, AProfileKeyInYamlPicksTheBaseProfile) {
  const std::string yaml = write_temp_file("run.yaml", "profile: grid-lines\nnepochs: 7\n");
  const TrainingConfig c = resolve_training_config(sources({yaml}));
  EXPECT_FALSE(c.model.object_big);  // grid-lines
  EXPECT_EQ(c.nepochs, 7);           // the file's own value over the profile's
  EXPECT_EQ(resolve_profile(sources({yaml})), Profile::kGridLines);
}

TEST(ConfigLoader, TheProfileFlagBeatsAProfileOverrideWhichBeatsYaml) {
  const std::string yaml = write_temp_file("run.yaml", "profile: grid-lines\n");
  EXPECT_EQ(resolve_profile(sources({yaml}, {"profile=paper-2023"})), Profile::kPaper2023);
  EXPECT_EQ(resolve_profile(sources({yaml}, {"profile=paper-2023"}, Profile::kModern)), Profile::kModern);
  const std::string later = write_temp_file("later.yaml", "profile: paper-2023\n");
  const std::string none = write_temp_file("none.yaml", "nepochs: 3\n");
  EXPECT_EQ(resolve_profile(sources({yaml, later, none})), Profile::kPaper2023);
}

TEST(ConfigLoader, ABadProfileNameIsReportedWhereItWasWritten) {
  const std::string yaml = write_temp_file("run.yaml", "nepochs: 3\nprofile: paper2023\n");
  EXPECT_TRUE(throws_config_error([&] { resolve_training_config(sources({yaml})); },
                                  {yaml + ":2: profile = 'paper2023'", "did you mean 'paper-2023'?"}));
}

TEST(ConfigLoader, AnyFieldCanBeSetIncludingQualifiedModelKeys) {
  const TrainingConfig c = resolve_training_config(
      sources({}, {"model.N=128", "gridsize=2", "nphotons=1e6", "probe_big=no", "gradient_clip_val=0.5",
                   "scheduler=Exponential", "device=cpu", "runtime.threads=2", "output_dir=out dir"}));
  EXPECT_EQ(c.model.N, 128);
  EXPECT_EQ(c.model.gridsize, 2);
  EXPECT_EQ(c.nphotons, 1e6);
  EXPECT_FALSE(c.model.probe_big);
  EXPECT_EQ(c.gradient_clip_val, 0.5);
  EXPECT_EQ(c.scheduler, Scheduler::kExponential);
  EXPECT_EQ(c.runtime.device, Device::kCpu);
  EXPECT_EQ(c.runtime.threads, 2);
  EXPECT_EQ(c.output_dir, "out dir");
  EXPECT_FALSE(resolve_training_config(sources({}, {"gradient_clip_val=0.5", "gradient_clip_val=none"}))
                   .gradient_clip_val);
}

TEST(ConfigLoader, BadOverridesNameTheFlagTheKeyAndTheExpectation) {
  EXPECT_TRUE(throws_config_error([] { resolve_training_config(sources({}, {"nepochs=ten"})); },
                                  {"--set: nepochs = ten; expected an integer"}));
  ConfigSources s;
  s.overrides.push_back(make_override("nepochs", "1.5", "--nepochs"));
  EXPECT_TRUE(throws_config_error([&] { resolve_training_config(s); },
                                  {"--nepochs: nepochs = 1.5; expected an integer"}));
  EXPECT_TRUE(throws_config_error([] { resolve_training_config(sources({}, {"nepoch=3"})); },
                                  {"--set: unknown key 'nepoch'; did you mean 'nepochs'?"}));
}

TEST(ConfigLoader, OutOfRangeValuesAreReportedAtTheirSource) {
  const std::string yaml = write_temp_file("run.yaml", "batch_size: 4\nnepochs: 0\n");
  EXPECT_TRUE(throws_config_error([&] { resolve_training_config(sources({yaml})); },
                                  {yaml + ":2: nepochs = 0; expected >= 1"}));
  EXPECT_TRUE(throws_config_error(
      [] {
        resolve_training_config(sources({}, {"gridsize=2", "neighbor_count=3"}));
      },
      {"--set: neighbor_count = 3; expected >= C = gridsize^2 = 4"}));
  // The default K = 4 cannot group nine members: unless the user set K, gridsize 3 raises it to 9.
  EXPECT_EQ(resolve_training_config(sources({}, {"gridsize=3"})).neighbor_count, 9);
  EXPECT_EQ(resolve_inference_config(sources({}, {"gridsize=3"})).neighbor_count, 9);
  EXPECT_EQ(resolve_training_config(sources({}, {"gridsize=3", "neighbor_count=12"})).neighbor_count, 12);
  EXPECT_EQ(resolve_training_config(sources({}, {"gridsize=2"})).neighbor_count, 4);
  EXPECT_TRUE(throws_config_error(
      [] {
        resolve_training_config(sources({}, {"gridsize=3", "neighbor_count=4"}));
      },
      {"--set: neighbor_count = 4; expected >= C = gridsize^2 = 9"}));
  EXPECT_TRUE(throws_config_error([] { resolve_training_config(sources({}, {"validation_fraction=1"})); },
                                  {"--set: validation_fraction = 1.0; expected in [0, 1)"}));
}

TEST(ConfigLoader, InferenceIgnoresTrainingKeysInYamlButNotAsOverrides) {
  const std::string yaml = write_temp_file("both.yaml", "nepochs: 30\nmodel_path: m\n");
  const InferenceConfig c = resolve_inference_config(sources({yaml}));
  EXPECT_EQ(c.model_path, "m");
  EXPECT_TRUE(throws_config_error([] { resolve_inference_config(sources({}, {"nepochs=3"})); },
                                  {"--set: key 'nepochs' belongs to TrainingConfig"}));
  EXPECT_EQ(resolve_training_config(sources({yaml})).nepochs, 30);
}

TEST(ConfigLoader, NImagesIsMigratedAndItsWarningCollectedNotPrinted) {
  const std::string yaml = write_temp_file("run.yaml", "n_images: 100\n");
  std::vector<std::string> warnings;
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  const TrainingConfig c = resolve_training_config(sources({yaml}), &warnings);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(c.n_groups, 100);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(yaml + ":1: n_images is deprecated"), std::string::npos);
}

TEST(ConfigLoader, PytorchIsAcceptedAndTensorflowRefused) {
  EXPECT_EQ(resolve_training_config(sources({}, {"backend=pytorch"})).backend, Backend::kLibtorch);
  EXPECT_TRUE(throws_config_error([] { resolve_training_config(sources({}, {"backend=tensorflow"})); },
                                  {"--set: backend = 'tensorflow'", "LibTorch implementation"}));
}

TEST(ConfigLoader, TheExampleFilesResolve) {
  const std::string dir = std::string(PTYCHOPINN_SOURCE_DIR) + "/tests/data/config/";
  const TrainingConfig t = resolve_training_config(sources({dir + "train_paper_gridsize2.yaml"}));
  EXPECT_EQ(t.model.N, 64);  // nested mapping over flat N: 128
  EXPECT_EQ(t.model.gridsize, 2);
  EXPECT_FALSE(t.model.probe_big);  // paper-2023
  EXPECT_EQ(t.model.amp_activation, AmpActivation::kSwish);
  EXPECT_EQ(t.nphotons, 1e6);
  EXPECT_EQ(t.nepochs, 30);
  EXPECT_TRUE(t.probe_trainable);
  EXPECT_EQ(t.train_data_file, "datasets/train.npz");
  EXPECT_EQ(t.runtime.device, Device::kCpu);
  std::vector<std::string> warnings;
  const InferenceConfig i = resolve_inference_config(sources({dir + "infer_example.yaml"}), &warnings);
  EXPECT_EQ(i.n_groups, 200);
  EXPECT_EQ(i.model_path, "runs/paper");
  EXPECT_EQ(i.model.gridsize, 2);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(ConfigLoader, AMissingFileIsAnIoError) {
  EXPECT_THROW(resolve_training_config(sources({"/nonexistent/run.yaml"})), IoError);
}

}  // namespace
}  // namespace ptychopinn::config
