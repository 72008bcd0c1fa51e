#include "ptychopinn/config/json_io.h"

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "ptychopinn/config/profiles.h"

namespace ptychopinn::config {
namespace {

using nlohmann::json;
using testing::throws_config_error;

TEST(JsonIo, TheModelIsNestedAndTheRestFlat) {
  const json j = to_json(TrainingConfig{});
  EXPECT_EQ(j["model"]["N"], 64);
  EXPECT_FALSE(j.contains("N"));
  EXPECT_EQ(j["nepochs"], 50);
  EXPECT_EQ(j["device"], "auto");
  EXPECT_EQ(j["scheduler"], "ReduceLROnPlateau");
  EXPECT_TRUE(j["n_images"].is_null());
  EXPECT_EQ(j.size(), 1 + training_fields().size() - model_fields().size());
}

TEST(JsonIo, FloatFieldsStayFloatsAndIntFieldsInts) {
  const json j = to_json(TrainingConfig{});
  EXPECT_EQ(j["model"]["probe_scale"].dump(), "4.0");
  EXPECT_TRUE(j["nphotons"].is_number_float());
  EXPECT_TRUE(j["batch_size"].is_number_integer());
  EXPECT_TRUE(j["model"]["probe_big"].is_boolean());
}

TEST(JsonIo, EveryProfileRoundTrips) {
  for (Profile p : EnumInfo<Profile>::kValues) {
    const TrainingConfig t = make_training_config(p);
    EXPECT_EQ(training_config_from_json(to_json(t)), t) << to_string(p);
    const InferenceConfig i = make_inference_config(p);
    EXPECT_EQ(inference_config_from_json(to_json(i)), i) << to_string(p);
  }
}

TEST(JsonIo, AConfigWithEveryOptionalSetRoundTripsThroughText) {
  const TrainingConfig t = testing::training_config_with_every_optional_set();
  EXPECT_EQ(training_config_from_json(json::parse(to_json(t).dump())), t);
  const InferenceConfig i = testing::inference_config_with_every_optional_set();
  EXPECT_EQ(inference_config_from_json(json::parse(to_json(i).dump())), i);
}

TEST(JsonIo, AWrongTypeNamesTheDocumentAndTheKey) {
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_json({{"nepochs", 1.5}}, "config.json");
      },
      {"config.json: nepochs = 1.5; expected an integer"}));
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_json({{"model", {{"N", "big"}}}}, "config.json");
      },
      {"config.json: N = 'big'; expected an integer"}));
}

TEST(JsonIo, AnUnknownKeyIsAnErrorWithDidYouMean) {
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_json({{"batchsize", 4}});
      },
      {"unknown key 'batchsize'; did you mean 'batch_size'?"}));
}

TEST(JsonIo, TheDocumentMustBeAnObject) {
  EXPECT_TRUE(throws_config_error([] { training_config_from_json(json::array()); },
                                  {"JSON: the document is a JSON array"}));
  EXPECT_TRUE(throws_config_error(
      [] {
        training_config_from_json({{"model", 3}});
      },
      {"model = 3; expected an object"}));
}

}  // namespace
}  // namespace ptychopinn::config
