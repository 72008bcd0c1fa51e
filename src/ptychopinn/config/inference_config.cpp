#include "ptychopinn/config/inference_config.h"

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/grouping_checks.h"

namespace ptychopinn::config {
namespace {

constexpr const char* kInferenceWhere = "InferenceConfig";

std::vector<Field<InferenceConfig>> inference_own_fields() {
  using I = InferenceConfig;
  return {
      make_field("model_path", &I::model_path, "model_path",
                 "Trained model: a folder holding wts.h5.zip, or the archive (null = none given)."),
      make_field("test_data_file", &I::test_data_file, "test_data_file_path",
                 "Data to reconstruct, an NPZ file (null = none given)."),
      make_field("n_groups", &I::n_groups, "n_groups", "Groups to reconstruct (null = all)."),
      make_field("n_images", &I::n_images, "n_images",
                 "Deprecated: copied into n_groups when n_groups is not given."),
      make_field("n_subsample", &I::n_subsample, "n_subsample",
                 "Scan points randomly kept before grouping (null = all)."),
      make_field("subsample_seed", &I::subsample_seed, "subsample_seed",
                 "Seed of the subsampling (null = derived from seed)."),
      make_field("neighbor_count", &I::neighbor_count, "neighbor_count",
                 "K nearest neighbours a group is drawn from (4, or gridsize^2 when larger; >= gridsize^2)."),
      make_field("enable_oversampling", &I::enable_oversampling, "enable_oversampling",
                 "Allow more groups than points by K-choose-C draws (false)."),
      make_field("neighbor_pool_size", &I::neighbor_pool_size, "neighbor_pool_size",
                 "Neighbour pool for oversampling (null = neighbor_count; >= gridsize^2)."),
      make_field("debug", &I::debug, "debug", "Write diagnostic outputs (false)."),
      make_field("output_dir", &I::output_dir, "output_prefix",
                 "Folder for the reconstruction and images (inference_outputs)."),
      make_field("backend", &I::backend, "backend",
                 "libtorch (default; pytorch is an alias; tensorflow is refused)."),
      make_field("batch_size", &I::batch_size, "", "Groups per forward pass (16); speed and memory only."),
  };
}

}  // namespace

const std::vector<Field<InferenceConfig>>& inference_fields() {
  static const std::vector<Field<InferenceConfig>> fields = [] {
    std::vector<Field<InferenceConfig>> all = lift_fields(model_fields(), &InferenceConfig::model, "model");
    for (auto& f : inference_own_fields()) all.push_back(std::move(f));
    for (auto& f : lift_fields(runtime_fields(), &InferenceConfig::runtime, "runtime")) {
      all.push_back(std::move(f));
    }
    return all;
  }();
  return fields;
}

void InferenceConfig::validate() const {
  model.validate();
  runtime.validate();
  validate_grouping(kInferenceWhere, model,
                    {n_groups, n_images, n_subsample, subsample_seed, neighbor_count, neighbor_pool_size});
  require(!output_dir.empty(), kInferenceWhere, "output_dir", "''", "a non-empty path");
  require(batch_size >= 1, kInferenceWhere, "batch_size", std::to_string(batch_size), ">= 1");
}

bool InferenceConfig::operator==(const InferenceConfig& other) const {
  return fields_equal(inference_fields(), *this, other);
}

}  // namespace ptychopinn::config
