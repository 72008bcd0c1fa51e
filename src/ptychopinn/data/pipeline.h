#pragma once
// The data pipeline end to end: load and validate a dataset, group its scan points (through the
// cache), sample the groups of the run, and hold them ready for batching. This is the one function
// the train and infer commands (and the Python module) call; the stages are in dataset.h,
// grouping.h, group_cache.h, group_sampling.h and grouped_data.h.
#include <memory>
#include <string>
#include <vector>

#include "ptychopinn/config/config_loader.h"
#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/config/training_config.h"
#include "ptychopinn/data/dataset.h"
#include "ptychopinn/data/group_cache.h"
#include "ptychopinn/data/group_sampling.h"
#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/data/grouping.h"

namespace ptychopinn::data {

struct PipelineOptions {
  DatasetOptions dataset;
  GroupingOptions grouping;
  GroupCacheOptions cache;
  SamplingOptions sampling;
  GroupedDataOptions grouped;
  // Take nphotons from the dataset's _metadata when it has one (grouped.nphotons is then only the
  // fallback). pipeline_options sets it when the user did not choose nphotons.
  bool nphotons_from_metadata = false;
  // A default n_groups (not the user's choice) larger than the scan is capped at its M points
  // rather than refused, at every gridsize: a small scan then trains on all of its groups.
  // pipeline_options sets it when the user did not choose n_groups (or n_images).
  bool cap_default_n_groups = false;
};

struct PreparedData {
  std::shared_ptr<const Dataset> dataset;
  std::shared_ptr<const GroupedData> groups;
  // The photons per pattern the intensity scale was computed from: the dataset's recorded count
  // when options.nphotons_from_metadata and it has one, else options.grouped.nphotons. This is the
  // one place the photon-count rule is applied; runs record this value as their nphotons.
  double nphotons = 0;
  GroupCacheStatus cache_status = GroupCacheStatus::kDisabled;
  std::string cache_path;
  // Sentences for the user: dataset warnings, cache rebuilds and fallbacks.
  std::vector<std::string> messages;
};

// Where a run's dataset comes from: a dataset file, or arrays already in memory (a dataset a program
// built from its own arrays, checked exactly as a file is; it has no folder, so its neighbour groups
// are not cached).
struct DataSource {
  std::string path;                             // a dataset NPZ (when arrays is null)
  std::shared_ptr<const io::NpzReader> arrays;  // io::NpzReader::from_arrays; named by arrays->path()
  // The file's path or the arrays' name, as messages and run logs show it.
  const std::string& name() const { return arrays ? arrays->path() : path; }
};

// Runs the pipeline on a dataset. Throws what the stages throw (invalid_argument for bad data or
// options, naming the file and key; IoError for unreadable files).
PreparedData prepare_data(const DataSource& source, const PipelineOptions& options);
// The dataset file at path.
PreparedData prepare_data(const std::string& path, const PipelineOptions& options);

// The pipeline options a training (inference) configuration asks for: subsampling (n_subsample,
// subsample_seed, or runtime.seed when that is null), grouping (gridsize, neighbor_count,
// runtime.seed), sampling (n_groups, sequential_sampling, enable_oversampling, neighbor_pool_size)
// and the intensity scale's nphotons: the config's, unless origins (from resolve_*_config) say the
// user did not set it, in which case a dataset's _metadata nphotons takes precedence over the
// profile's; likewise a default n_groups is capped at the scan's size. Inference never oversamples and
// samples sequentially when n_groups is given, so that a reconstruction covers the scan in order.
PipelineOptions pipeline_options(const config::TrainingConfig& config,
                                 const config::Origins* origins = nullptr);
PipelineOptions pipeline_options(const config::InferenceConfig& config,
                                 const config::Origins* origins = nullptr);

}  // namespace ptychopinn::data
