#include "ptychopinn/config/yaml_io.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config_test_util.h"
#include "ptychopinn/config/profiles.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

TrainingConfig train_from(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  return training_config_from_yaml(text, "run.yaml", warnings);
}

TEST(YamlIo, SettingsComeInFileOrderWithFileAndLineOrigins) {
  const auto s = parse_yaml_settings("nepochs: 5\nmodel:\n  N: 128\nbatch_size: 4\n", "run.yaml");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].key, "nepochs");
  EXPECT_EQ(s[0].origin, "run.yaml:1");
  EXPECT_EQ(s[1].key, "batch_size");
  EXPECT_EQ(s[2].key, "model.N");  // the nested mapping comes last, so it wins
  EXPECT_EQ(s[2].origin, "run.yaml:3");
}

TEST(YamlIo, TheNestedModelMappingWinsOverFlatModelKeys) {
  const TrainingConfig c = train_from("model:\n  N: 128\nN: 256\ngridsize: 2\n");
  EXPECT_EQ(c.model.N, 128);
  EXPECT_EQ(c.model.gridsize, 2);
}

TEST(YamlIo, ScientificNotationIsANumber) {
  for (const char* v : {"1e6", "1E6", "1e+6", "1.0e6", "1.0e+6"}) {
    EXPECT_EQ(train_from(std::string("nphotons: ") + v + "\n").nphotons, 1e6) << v;
  }
}

TEST(YamlIo, BooleansParseAsBooleans) {
  EXPECT_FALSE(train_from("object_big: no\n").model.object_big);
  EXPECT_TRUE(train_from("probe_mask: on\n").model.probe_mask);
  EXPECT_FALSE(train_from("probe_big: \"False\"\n").model.probe_big);
  EXPECT_FALSE(train_from("probe_big: 'false'\n").model.probe_big);
  EXPECT_TRUE(throws_config_error([] { train_from("probe_big: 0\n"); },
                                  {"run.yaml:1: probe_big = 0; expected a boolean"}));
}

TEST(YamlIo, AWrongTypeNamesTheFileLineKeyAndExpectedType) {
  EXPECT_TRUE(throws_config_error([] { train_from("batch_size: 8\nnepochs: ten\n"); },
                                  {"run.yaml:2: nepochs = ten; expected an integer"}));
  EXPECT_TRUE(
      throws_config_error([] { train_from("nepochs: 1.5\n"); }, {"nepochs = 1.5; expected an integer"}));
  // Quoted text is read by the field's type, as "False" is for booleans.
  EXPECT_EQ(train_from("nepochs: \"10\"\n").nepochs, 10);
}

TEST(YamlIo, AListWhereAScalarIsNeededIsAnError) {
  EXPECT_TRUE(throws_config_error([] { train_from("nepochs: [1, 2]\n"); },
                                  {"run.yaml:1: nepochs = [1, 2]; expected an integer"}));
  EXPECT_TRUE(throws_config_error([] { train_from("output_dir: {a: 1}\n"); },
                                  {"output_dir = {a: 1}; expected a path"}));
}

TEST(YamlIo, NullClearsOptionalFieldsAndIsRejectedElsewhere) {
  EXPECT_FALSE(train_from("test_data_file: null\n").test_data_file);
  EXPECT_FALSE(train_from("gradient_clip_val: ~\n").gradient_clip_val);
  EXPECT_FALSE(train_from("n_subsample:\n").n_subsample);
  EXPECT_FALSE(train_from("n_subsample: None\n").n_subsample);
  EXPECT_TRUE(
      throws_config_error([] { train_from("nepochs: null\n"); }, {"nepochs = null; expected an integer"}));
}

TEST(YamlIo, AnUnknownKeyNamesTheFileAndSuggestsTheField) {
  EXPECT_TRUE(throws_config_error([] { train_from("nepoch: 10\n"); },
                                  {"run.yaml:1: unknown key 'nepoch'; did you mean 'nepochs'?"}));
}

TEST(YamlIo, DuplicateKeysAreAnError) {
  EXPECT_TRUE(throws_config_error([] { train_from("nepochs: 10\nbatch_size: 4\nnepochs: 20\n"); },
                                  {"run.yaml:3: duplicate key 'nepochs'"}));
  EXPECT_TRUE(throws_config_error([] { train_from("model:\n  N: 64\n  N: 128\n"); },
                                  {"run.yaml:3: duplicate key 'N'"}));
}

TEST(YamlIo, TheModelKeyMustHoldAMapping) {
  EXPECT_TRUE(
      throws_config_error([] { train_from("model: 64\n"); }, {"run.yaml:1: model = 64; expected a mapping"}));
  EXPECT_EQ(train_from("model:\n"), TrainingConfig{});
}

TEST(YamlIo, TheTopLevelMustBeAMapping) {
  EXPECT_TRUE(
      throws_config_error([] { train_from("- 1\n- 2\n"); }, {"run.yaml: the document is a sequence"}));
  EXPECT_EQ(train_from(""), TrainingConfig{});
  EXPECT_EQ(train_from("# only a comment\n"), TrainingConfig{});
}

TEST(YamlIo, InvalidYamlAndMissingFilesAreIoErrors) {
  EXPECT_THROW(train_from("a: [1, 2\n"), IoError);
  EXPECT_THROW(read_yaml_settings("/nonexistent/run.yaml"), IoError);
}

TEST(YamlIo, TheTensorflowBackendIsRefused) {
  EXPECT_TRUE(throws_config_error([] { train_from("backend: tensorflow\n"); },
                                  {"run.yaml:1: backend = 'tensorflow'", "LibTorch"}));
}

TEST(YamlIo, WrittenYamlNestsTheModelAndQuotesPaths) {
  TrainingConfig c;
  c.train_data_file = "123";
  const std::string text = to_yaml(c);
  const YAML::Node root = YAML::Load(text);
  EXPECT_EQ(root["model"]["N"].as<int>(), 64);
  EXPECT_FALSE(root["N"].IsDefined());
  EXPECT_EQ(root["train_data_file"].Tag(), "!");  // quoted: stays a string for any reader
  EXPECT_TRUE(root["test_data_file"].IsNull());
  EXPECT_EQ(root["nphotons"].Scalar(), "1.0e+09");
  EXPECT_EQ(root["device"].Scalar(), "auto");
  EXPECT_EQ(train_from(text), c);
}

TEST(YamlIo, EveryProfileRoundTripsThroughYaml) {
  for (Profile p : EnumInfo<Profile>::kValues) {
    const TrainingConfig t = make_training_config(p);
    EXPECT_EQ(train_from(to_yaml(t)), t) << to_string(p);
    const InferenceConfig i = make_inference_config(p);
    EXPECT_EQ(inference_config_from_yaml(to_yaml(i), "infer.yaml"), i) << to_string(p);
  }
}

TEST(YamlIo, AConfigWithEveryOptionalSetRoundTripsThroughYaml) {
  const TrainingConfig t = testing::training_config_with_every_optional_set();
  ASSERT_NO_THROW(t.validate());
  EXPECT_EQ(train_from(to_yaml(t)), t);
  const InferenceConfig i = testing::inference_config_with_every_optional_set();
  ASSERT_NO_THROW(i.validate());
  EXPECT_EQ(inference_config_from_yaml(to_yaml(i), "infer.yaml"), i);
}

TEST(YamlIo, TheExampleFilesLoad) {
  const std::string dir = std::string(PTYCHOPINN_SOURCE_DIR) + "/tests/data/config/";
  const auto train = read_yaml_settings(dir + "train_paper_gridsize2.yaml");
  EXPECT_EQ(train.front().key, "profile");
  EXPECT_EQ(train.front().origin, dir + "train_paper_gridsize2.yaml:2");
  const auto infer = read_yaml_settings(dir + "infer_example.yaml");
  EXPECT_EQ(infer.back().key, "model.gridsize");
}

}  // namespace
}  // namespace ptychopinn::config
