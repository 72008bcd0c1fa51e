#include "ptychopinn/config/inference_config.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

TEST(InferenceConfig, DefaultsAreTheReferenceDataclassDefaults) {
  const InferenceConfig c;
  EXPECT_FALSE(c.model_path);
  EXPECT_FALSE(c.test_data_file);
  EXPECT_FALSE(c.n_groups);  // null = every group
  EXPECT_FALSE(c.n_images);
  EXPECT_EQ(c.neighbor_count, 4);
  EXPECT_FALSE(c.debug);
  EXPECT_EQ(c.output_dir, "inference_outputs");
  EXPECT_EQ(c.backend, Backend::kLibtorch);
  EXPECT_EQ(c.batch_size, 16);
  EXPECT_NO_THROW(c.validate());
}

TEST(InferenceConfig, ValidateRejectsOutOfRangeValues) {
  InferenceConfig c;
  c.batch_size = 0;
  EXPECT_TRUE(throws_config_error([&] { c.validate(); }, {"InferenceConfig: batch_size = 0; expected >= 1"}));
  c = InferenceConfig{};
  c.model.gridsize = 3;
  c.neighbor_count = 6;
  EXPECT_TRUE(
      throws_config_error([&] { c.validate(); }, {"neighbor_count = 6; expected >= C = gridsize^2 = 9"}));
  c = InferenceConfig{};
  c.model.architecture = Architecture::kFno;
  EXPECT_TRUE(throws_config_error([&] { c.validate(); }, {"not yet supported"}));
}

TEST(InferenceConfig, LegacyKeysAreTheReferencesAndBatchSizeIsNotOne) {
  const auto& f = inference_fields();
  EXPECT_EQ(find_field(f, "model_path")->legacy_key, "model_path");
  EXPECT_EQ(find_field(f, "test_data_file")->legacy_key, "test_data_file_path");
  EXPECT_EQ(find_field(f, "output_dir")->legacy_key, "output_prefix");
  EXPECT_EQ(find_field(f, "debug")->legacy_key, "debug");
  EXPECT_EQ(find_field(f, "batch_size")->legacy_key, "");
  EXPECT_EQ(find_field(f, "object_big")->legacy_key, "object.big");
}

TEST(InferenceConfig, EqualitySeesEveryField) {
  testing::expect_equality_sees_every_field(inference_fields());
}

}  // namespace
}  // namespace ptychopinn::config
