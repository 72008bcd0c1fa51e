#include "ptychopinn/config/model_config.h"

#include <gtest/gtest.h>

#include <set>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

TEST(ModelConfig, DefaultsAreTheReferenceDataclassDefaults) {
  const ModelConfig m;
  EXPECT_EQ(m.N, 64);
  EXPECT_EQ(m.gridsize, 1);
  EXPECT_EQ(m.n_filters_scale, 2);
  EXPECT_EQ(m.model_type, ModelType::kPinn);
  EXPECT_EQ(m.architecture, Architecture::kCnn);
  EXPECT_EQ(m.fno_modes, 12);
  EXPECT_EQ(m.fno_width, 32);
  EXPECT_EQ(m.fno_blocks, 4);
  EXPECT_EQ(m.fno_cnn_blocks, 2);
  EXPECT_EQ(m.learned_input_channels, 1);
  EXPECT_FALSE(m.max_hidden_channels);
  EXPECT_FALSE(m.resnet_width);
  EXPECT_EQ(m.fno_input_transform, FnoInputTransform::kNone);
  EXPECT_EQ(m.generator_output_mode, GeneratorOutputMode::kRealImag);
  EXPECT_EQ(m.amp_activation, AmpActivation::kSigmoid);
  EXPECT_TRUE(m.object_big);
  EXPECT_TRUE(m.probe_big);
  EXPECT_FALSE(m.probe_mask);
  EXPECT_EQ(m.probe_mask_sigma, 1.0);
  EXPECT_FALSE(m.probe_mask_diameter);
  EXPECT_TRUE(m.pad_object);
  EXPECT_EQ(m.probe_scale, 4.0);
  EXPECT_EQ(m.gaussian_smoothing_sigma, 0.0);
  EXPECT_EQ(m.offset, 4);
  EXPECT_EQ(m.max_position_jitter, 10);
  EXPECT_NO_THROW(m.validate());
}

TEST(ModelConfig, CanvasSizeIsTheLegacyPaddedSize) {
  ModelConfig m;
  EXPECT_EQ(canvas_size(m), 74);
  m.gridsize = 2;
  EXPECT_EQ(canvas_size(m), 78);
  m.N = 128;
  EXPECT_EQ(canvas_size(m), 142);
  m.gridsize = 1;
  EXPECT_EQ(canvas_size(m), 138);
  m.offset = 6;
  m.gridsize = 3;
  m.max_position_jitter = 0;
  EXPECT_EQ(canvas_size(m), 128 + 2 * 6);
}

TEST(ModelConfig, GroupSizeIsGridsizeSquared) {
  ModelConfig m;
  m.gridsize = 3;
  EXPECT_EQ(group_size(m), 9);
}

TEST(ModelConfig, ValidateAcceptsOnlyTheThreePatternSizes) {
  for (int n : {64, 128, 256}) {
    ModelConfig m;
    m.N = n;
    EXPECT_NO_THROW(m.validate());
  }
  ModelConfig m;
  m.N = 100;
  EXPECT_TRUE(
      throws_config_error([&] { m.validate(); }, {"ModelConfig: N = 100; expected one of 64, 128, 256"}));
}

TEST(ModelConfig, ValidateRejectsReferenceArchitecturesNotYetSupportedByName) {
  for (Architecture a :
       {Architecture::kFfno, Architecture::kFno, Architecture::kFnoVanilla, Architecture::kNeuralopUno}) {
    ModelConfig m;
    m.architecture = a;
    EXPECT_TRUE(throws_config_error([&] { m.validate(); }, {"architecture = " + to_string(a),
                                                            "'" + to_string(a) + "'", "not yet supported"}));
  }
}

TEST(ModelConfig, ValidateRejectsOutOfRangeValues) {
  auto expect = [](auto mutate, const std::string& fragment) {
    ModelConfig m;
    mutate(m);
    EXPECT_TRUE(throws_config_error([&] { m.validate(); }, {fragment}));
  };
  expect([](ModelConfig& m) { m.gridsize = 0; }, "gridsize = 0; expected >= 1");
  expect([](ModelConfig& m) { m.probe_scale = 0; }, "probe_scale = 0.0; expected > 0");
  expect([](ModelConfig& m) { m.probe_scale = -1; }, "probe_scale = -1.0; expected > 0");
  expect([](ModelConfig& m) { m.gaussian_smoothing_sigma = -0.5; },
         "gaussian_smoothing_sigma = -0.5; expected >= 0");
  expect([](ModelConfig& m) { m.n_filters_scale = 0; }, "n_filters_scale = 0; expected >= 1");
  expect([](ModelConfig& m) { m.probe_mask_diameter = 0.0; }, "probe_mask_diameter = 0.0");
  expect([](ModelConfig& m) { m.offset = -1; }, "offset = -1; expected >= 0");
  expect([](ModelConfig& m) { m.max_position_jitter = -1; }, "max_position_jitter = -1");
}

TEST(ModelConfig, FieldTableListsEveryFieldOnceWithTheReferenceLegacyKeys) {
  const auto& fields = model_fields();
  EXPECT_EQ(fields.size(), 26u);
  std::set<std::string> keys;
  for (const auto& f : fields) {
    EXPECT_TRUE(keys.insert(f.key).second) << f.key;
    if (f.key == "object_big")
      EXPECT_EQ(f.legacy_key, "object.big");
    else if (f.key == "probe_big")
      EXPECT_EQ(f.legacy_key, "probe.big");
    else if (f.key == "probe_mask")
      EXPECT_EQ(f.legacy_key, "probe.mask");
    else if (f.key == "merge_denominator")
      EXPECT_EQ(f.legacy_key, "");  // ours; the reference has no such key
    else
      EXPECT_EQ(f.legacy_key, f.key);
  }
}

TEST(ModelConfig, EqualitySeesEveryField) { testing::expect_equality_sees_every_field(model_fields()); }

}  // namespace
}  // namespace ptychopinn::config
