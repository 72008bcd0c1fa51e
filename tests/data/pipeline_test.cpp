#include "ptychopinn/data/pipeline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "ptychopinn/config/profiles.h"
#include "support/run_command.h"
#include "support/tiny_dataset.h"

namespace ptychopinn::data {
namespace {

using testing::TempDir;
using testing::TinyDatasetOptions;
using testing::write_tiny_dataset;

TEST(Pipeline, GroupsSamplesAndBatchesADatasetThroughTheCache) {
  TempDir dir;
  const std::string path = dir.file("scan.npz");
  TinyDatasetOptions o;
  o.n_images = 25;
  write_tiny_dataset(path, o);
  config::TrainingConfig c = config::make_training_config(config::Profile::kPaper2023);  // gridsize 2
  c.n_groups = 10;
  const PipelineOptions options = pipeline_options(c);
  EXPECT_EQ(options.grouping.gridsize, 2);
  EXPECT_EQ(options.sampling.n_groups, 10);

  const PreparedData first = prepare_data(path, options);
  EXPECT_EQ(first.cache_status, GroupCacheStatus::kCreated);
  EXPECT_TRUE(std::filesystem::exists(dir.file("scan.g2k4.groups_cache.npz")));
  EXPECT_EQ(first.groups->size(), 10);
  EXPECT_EQ(first.groups->group_size(), 4);
  const Batch b = first.groups->batch({0, 1, 2});
  EXPECT_EQ(b.patterns.sizes(), (std::vector<std::int64_t>{3, 4, 8, 8}));

  const PreparedData second = prepare_data(path, options);
  EXPECT_EQ(second.cache_status, GroupCacheStatus::kReused);
  EXPECT_EQ(second.groups->groups().indices, first.groups->groups().indices);  // same seed, same groups
}

TEST(Pipeline, MetadataNphotonsFillsInOnlyWhenTheUserDidNotSetIt) {
  TempDir dir;
  const std::string path = dir.file("scan.npz");
  write_tiny_dataset(path);  // _metadata nphotons = 1e9, N = 8
  config::ConfigSources sources;
  config::Origins origins;
  config::TrainingConfig c = config::resolve_training_config(sources, nullptr, &origins);
  c.nphotons = 4e6;  // as if a profile had said so: not the user's choice
  PipelineOptions o = pipeline_options(c, &origins);
  o.cache.enabled = false;
  EXPECT_TRUE(o.nphotons_from_metadata);
  PreparedData p = prepare_data(path, o);
  EXPECT_DOUBLE_EQ(p.groups->intensity_scale(), std::sqrt(1e9) / 4);
  sources.overrides.push_back(config::parse_override("nphotons=1e6"));
  c = config::resolve_training_config(sources, nullptr, &origins);
  o = pipeline_options(c, &origins);
  o.cache.enabled = false;
  EXPECT_FALSE(o.nphotons_from_metadata);
  p = prepare_data(path, o);
  EXPECT_DOUBLE_EQ(p.groups->intensity_scale(), 1000.0 / 4);
}

TEST(Pipeline, InferenceUsesEveryGroupInScanOrder) {
  TempDir dir;
  const std::string path = dir.file("scan.npz");
  write_tiny_dataset(path);
  config::InferenceConfig c;
  PipelineOptions options = pipeline_options(c);
  options.cache.enabled = false;
  const PreparedData p = prepare_data(path, options);
  EXPECT_EQ(p.groups->size(), 9);
  for (std::int64_t i = 0; i < 9; ++i) EXPECT_EQ(p.groups->groups().indices[i], i);
  EXPECT_FALSE(std::filesystem::exists(dir.file("scan.g1k4.groups_cache.npz")));
}

TEST(Pipeline, TooFewPointsForTheGroupSizeIsAnError) {
  TempDir dir;
  const std::string path = dir.file("tiny.npz");
  TinyDatasetOptions o;
  o.n_images = 3;
  write_tiny_dataset(path, o);
  config::TrainingConfig c = config::make_training_config(config::Profile::kPaper2023);
  EXPECT_THROW(prepare_data(path, pipeline_options(c)), std::invalid_argument);
}

// The default n_groups (512) on a 25-point scan at gridsize 2: capped, with a message; the same
// number asked for by the user is refused, as the sampler refuses any request beyond the scan.
TEST(Pipeline, TheDefaultNGroupsIsCappedAtTheScanOnlyWhenTheUserDidNotChooseIt) {
  TempDir dir;
  const std::string path = dir.file("scan.npz");
  TinyDatasetOptions o;
  o.n_images = 25;
  write_tiny_dataset(path, o);
  config::ConfigSources sources;
  sources.overrides.push_back(config::parse_override("gridsize=2"));
  config::Origins origins;
  config::TrainingConfig c = config::resolve_training_config(sources, nullptr, &origins);
  ASSERT_GT(c.n_groups.value_or(0), 25);
  PipelineOptions options = pipeline_options(c, &origins);
  options.cache.enabled = false;
  EXPECT_TRUE(options.cap_default_n_groups);
  const PreparedData p = prepare_data(path, options);
  EXPECT_EQ(p.groups->size(), 25);
  bool said = false;
  for (const auto& m : p.messages)
    said = said || m.find("capped at the scan's 25 points") != std::string::npos;
  EXPECT_TRUE(said);

  sources.overrides.push_back(config::parse_override("n_groups=" + std::to_string(*c.n_groups)));
  c = config::resolve_training_config(sources, nullptr, &origins);
  options = pipeline_options(c, &origins);
  options.cache.enabled = false;
  EXPECT_FALSE(options.cap_default_n_groups);
  EXPECT_THROW(prepare_data(path, options), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::data
