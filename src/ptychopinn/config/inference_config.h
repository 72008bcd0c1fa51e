#pragma once
// InferenceConfig: everything an inference run needs.
//
// Field names, types and defaults are the Python PtychoPINN's `InferenceConfig`, plus batch_size
// (groups per forward pass) and the run-time settings. Differences from the reference: model_path
// and test_data_file are optional here (null by default) because library callers such as the
// ptychodus plug-in pass the model and data in memory; the infer command requires both. backend is
// libtorch.
//
// Every field is a row of inference_fields(); the model's rows appear there with group "model",
// the runtime's with group "runtime".
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/model_config.h"
#include "ptychopinn/config/runtime_config.h"

namespace ptychopinn::config {

struct InferenceConfig {
  // The network and forward model; normally replaced by the one stored in the model archive.
  ModelConfig model;
  // The trained model: a folder holding wts.h5.zip, or the archive itself. Default null.
  std::optional<std::string> model_path;
  // Data to reconstruct, an NPZ file (legacy `test_data_file_path`). Default null.
  std::optional<std::string> test_data_file;
  // Groups to reconstruct; null (default) = every group.
  std::optional<int> n_groups;
  // Deprecated spelling of n_groups: copied into it when n_groups is not given (with a
  // deprecation warning). Default null.
  std::optional<int> n_images;
  // Scan points randomly kept before grouping; null (default) = all.
  std::optional<int> n_subsample;
  // Seed of that subsampling; null (default) = derived from runtime.seed.
  std::optional<int> subsample_seed;
  // K, the nearest neighbours a group is drawn from. Default 4, raised to gridsize^2 when that is
  // larger and K was not set (finish_config); >= gridsize^2 when gridsize > 1.
  int neighbor_count = 4;
  // Allow more groups than scan points (K choose C). Default false.
  bool enable_oversampling = false;
  // Neighbour pool for oversampling; null (default) = neighbor_count; >= gridsize^2 when set.
  std::optional<int> neighbor_pool_size;
  // Write diagnostic outputs (per-group predictions, intermediate images). Default false.
  bool debug = false;
  // Folder for the reconstruction and images (legacy `output_prefix`). Default inference_outputs.
  std::string output_dir = "inference_outputs";
  // Implementation: libtorch (default; "pytorch" is an alias; "tensorflow" is refused).
  Backend backend = Backend::kLibtorch;
  // Groups per forward pass. Default 16; affects speed and memory only, never the result. Not a
  // legacy key (the legacy `batch_size` is the training batch). On CPU, larger batches are slower:
  // their activations outgrow the caches (bench/pinn_bench: 265 GFLOP/s at 16 groups of 64 x 64,
  // 74 at 64 groups, two threads).
  int batch_size = 16;
  // Device, threads, seed (flat YAML keys).
  RuntimeConfig runtime;

  // Throws ConfigError ("InferenceConfig: <field> = <value>; expected ...") for the first value
  // out of range, including the model's and runtime's and the grouping checks of TrainingConfig.
  void validate() const;

  bool operator==(const InferenceConfig& other) const;
  bool operator!=(const InferenceConfig& other) const { return !(*this == other); }
};

// The field table of InferenceConfig: the model's rows (group "model"), then the inference rows,
// then the runtime rows (group "runtime").
const std::vector<Field<InferenceConfig>>& inference_fields();

}  // namespace ptychopinn::config
