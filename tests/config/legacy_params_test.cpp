#include "ptychopinn/config/legacy_params.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config_test_util.h"
#include "ptychopinn/config/profiles.h"

namespace ptychopinn::config {
namespace {

using nlohmann::json;
using testing::throws_config_error;

const std::string kFixture = std::string(PTYCHOPINN_SHARED_DIR) + "/fixtures/legacy_params_baseline.json";

json load_fixture() {
  std::ifstream in(kFixture);
  return json::parse(in);
}

TEST(LegacyParams, TheGoldenFixtureRoundTripsKeyByKeyWithItsJsonTypes) {
  if (!std::filesystem::exists(kFixture)) GTEST_SKIP() << kFixture << " is absent";
  const json fixture = load_fixture();
  const TrainingConfig train = training_config_from_legacy_params(fixture);
  const InferenceConfig infer = inference_config_from_legacy_params(fixture);
  json out = json::object();
  update_legacy_dict(out, train);  // train first, then inference, as the reference built the fixture
  update_legacy_dict(out, infer);
  for (const auto& [key, value] : fixture.items()) {
    ASSERT_TRUE(out.contains(key)) << key;
    // dump() compares value and type: 500000000.0 is not 500000000, 2.0 is not 2.
    EXPECT_EQ(out[key].dump(), value.dump()) << key;
  }
}

TEST(LegacyParams, TheGoldenFixtureFillsTheTypedFields) {
  if (!std::filesystem::exists(kFixture)) GTEST_SKIP() << kFixture << " is absent";
  const json fixture = load_fixture();
  const TrainingConfig t = training_config_from_legacy_params(fixture);
  EXPECT_EQ(t.model.N, 128);
  EXPECT_EQ(t.model.gridsize, 3);
  EXPECT_FALSE(t.model.object_big);
  EXPECT_TRUE(t.model.probe_mask);
  EXPECT_EQ(t.model.amp_activation, AmpActivation::kSwish);
  EXPECT_EQ(t.model.probe_scale, 2.0);
  EXPECT_TRUE(t.intensity_scale_trainable);
  EXPECT_TRUE(t.probe_trainable);
  EXPECT_FALSE(t.positions_provided);
  EXPECT_EQ(t.nphotons, 5e8);
  EXPECT_EQ(t.nll_weight, 0.7);
  EXPECT_EQ(t.mae_weight, 0.3);
  EXPECT_EQ(t.n_groups, 512);
  EXPECT_EQ(t.n_subsample, 1024);
  EXPECT_EQ(t.subsample_seed, 99);
  EXPECT_EQ(t.neighbor_count, 6);
  EXPECT_TRUE(t.sequential_sampling);
  EXPECT_EQ(t.nepochs, 100);
  EXPECT_EQ(t.train_data_file, "/canonical/baseline/train_data.npz");
  EXPECT_EQ(t.output_dir, "/canonical/baseline/inference_outputs");
  const InferenceConfig i = inference_config_from_legacy_params(fixture);
  EXPECT_EQ(i.model_path, "/canonical/baseline/model_directory");
  EXPECT_EQ(i.test_data_file, "/canonical/baseline/inference_data.npz");
  EXPECT_TRUE(i.debug);
  EXPECT_EQ(i.batch_size, InferenceConfig{}.batch_size);  // legacy batch_size is the training one
}

TEST(LegacyParams, UsesTheReferenceDottedAndRenamedKeys) {
  const json d = to_legacy_params(TrainingConfig{});
  for (const char* key : {"object.big", "probe.big", "probe.mask", "probe.trainable",
                          "intensity_scale.trainable", "positions.provided", "output_prefix", "nepochs", "N",
                          "gridsize", "offset", "max_position_jitter", "n_groups", "backend", "scheduler"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
  for (const char* key :
       {"object_big", "output_dir", "epochs", "learning_rate", "adam_epsilon", "validation_fraction",
        "early_stop_patience", "device", "threads", "seed", "model"}) {
    EXPECT_FALSE(d.contains(key)) << key;
  }
  EXPECT_EQ(d["backend"], "libtorch");
  EXPECT_EQ(d["output_prefix"], "training_outputs");
  EXPECT_EQ(d["n_groups"], 512);
}

TEST(LegacyParams, NullsAreNeverWrittenAndNeverErase) {
  json d = {{"n_subsample", 7}, {"n_images", 3}, {"bigN", 74}};
  TrainingConfig c;  // n_subsample, n_images, gradient_clip_val, data files: null
  update_legacy_dict(d, c);
  EXPECT_EQ(d["n_subsample"], 7);
  EXPECT_EQ(d["n_images"], 3);
  EXPECT_EQ(d["bigN"], 74);  // keys the config does not have are left alone
  EXPECT_FALSE(d.contains("gradient_clip_val"));
  EXPECT_FALSE(d.contains("train_data_file_path"));
  EXPECT_FALSE(to_legacy_params(InferenceConfig{}).contains("model_path"));
}

TEST(LegacyParams, InferenceAddsModelPathAndDebug) {
  InferenceConfig c;
  c.model_path = "m";
  const json d = to_legacy_params(c);
  EXPECT_EQ(d["model_path"], "m");
  EXPECT_EQ(d["debug"], false);
  EXPECT_EQ(d["output_prefix"], "inference_outputs");
  EXPECT_FALSE(d.contains("batch_size"));
}

TEST(LegacyParams, ValuesKeepTheirJsonTypes) {
  TrainingConfig c;
  c.train_data_file = "/data/train.npz";
  const json d = to_legacy_params(c);
  EXPECT_EQ(d["probe_scale"].dump(), "4.0");
  EXPECT_EQ(d["nphotons"].dump(), "1000000000.0");
  EXPECT_EQ(d["N"].dump(), "64");
  EXPECT_EQ(d["object.big"].dump(), "true");
  EXPECT_EQ(d["train_data_file_path"].dump(), "\"/data/train.npz\"");
}

TEST(LegacyParams, ConfigsRoundTripThroughTheDictionary) {
  for (Profile p : EnumInfo<Profile>::kValues) {
    const TrainingConfig t = make_training_config(p);
    EXPECT_EQ(training_config_from_legacy_params(to_legacy_params(t)), t) << to_string(p);
    const InferenceConfig i = make_inference_config(p);
    EXPECT_EQ(inference_config_from_legacy_params(to_legacy_params(i)), i) << to_string(p);
  }
  // Non-legacy fields (learning_rate, runtime, ...) fall back to their defaults.
  TrainingConfig t = testing::training_config_with_every_optional_set();
  TrainingConfig back = training_config_from_legacy_params(to_legacy_params(t));
  t.learning_rate = back.learning_rate;
  t.adam_epsilon = back.adam_epsilon;
  t.validation_fraction = back.validation_fraction;
  t.early_stop_patience = back.early_stop_patience;
  t.runtime = back.runtime;
  EXPECT_EQ(back, t);
}

TEST(LegacyParams, KeysOfTheOtherConfigAndDerivedKeysAreIgnored) {
  const json d = {{"model_path", "m"},
                  {"debug", true},
                  {"bigN", 74},
                  {"padded_size", 78},
                  {"intensity_scale", 123.4},
                  {"probe", json::array({1, 2})},
                  {"timestamp", "2024"},
                  {"npseed", 42},
                  {"data_source", "lines"}};
  EXPECT_EQ(training_config_from_legacy_params(d), TrainingConfig{});
  const json t = {{"nepochs", 3}, {"batch_size", 8}, {"nphotons", 1e6}};
  EXPECT_EQ(inference_config_from_legacy_params(t), InferenceConfig{});
}

TEST(LegacyParams, AnUnknownKeyIsAnErrorWithDidYouMean) {
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_legacy_params({{"nepoch", 3}});
      },
      {"legacy params: unknown key 'nepoch'; did you mean 'nepochs'?"}));
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_legacy_params({{"object_big", true}});
      },
      {"unknown key 'object_big'; did you mean 'object.big'?"}));
}

TEST(LegacyParams, AWrongTypeNamesTheLegacyKey) {
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_legacy_params({{"object.big", "maybe"}});
      },
      {"legacy params: object.big = 'maybe'; expected a boolean"}));
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_legacy_params({{"N", 128.0}});
      },
      {"legacy params: N = 128.0; expected an integer"}));
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_legacy_params({{"backend", "tensorflow"}});
      },
      {"legacy params: backend = 'tensorflow'"}));
}

TEST(LegacyParams, NImagesAloneBecomesNGroupsWithAWarning) {
  std::vector<std::string> warnings;
  const TrainingConfig t = training_config_from_legacy_params({{"n_images", 100}}, &warnings);
  EXPECT_EQ(t.n_groups, 100);
  EXPECT_EQ(warnings.size(), 1u);
  const TrainingConfig both = training_config_from_legacy_params({{"n_images", 100}, {"n_groups", 300}});
  EXPECT_EQ(both.n_groups, 300);
}

TEST(LegacyParams, NullValuesInTheDictionaryAreSkipped) {
  const TrainingConfig t = training_config_from_legacy_params({{"n_subsample", nullptr}, {"N", 128}});
  EXPECT_FALSE(t.n_subsample);
  EXPECT_EQ(t.model.N, 128);
}

TEST(LegacyParams, TheDictionaryMustBeAnObject) {
  json d = json::array();
  EXPECT_THROW(update_legacy_dict(d, TrainingConfig{}), ConfigError);
  EXPECT_THROW(training_config_from_legacy_params(json(3)), ConfigError);
  json null_dict;
  update_legacy_dict(null_dict, TrainingConfig{});
  EXPECT_TRUE(null_dict.is_object());
}

}  // namespace
}  // namespace ptychopinn::config
