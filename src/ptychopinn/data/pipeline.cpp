#include "ptychopinn/data/pipeline.h"

namespace ptychopinn::data {
namespace {

template <class Config>
PipelineOptions common_options(const Config& c) {
  PipelineOptions o;
  const auto seed = static_cast<std::uint64_t>(c.runtime.seed);
  if (c.n_subsample) o.dataset.n_subsample = *c.n_subsample;
  o.dataset.subsample_seed = c.subsample_seed ? static_cast<std::uint64_t>(*c.subsample_seed) : seed;
  o.grouping.gridsize = c.model.gridsize;
  o.grouping.neighbor_count = c.neighbor_count;
  o.grouping.seed = seed;
  o.sampling.seed = seed;
  if (c.n_groups) o.sampling.n_groups = *c.n_groups;
  o.sampling.neighbor_pool_size = c.neighbor_pool_size;
  return o;
}

}  // namespace

PipelineOptions pipeline_options(const config::TrainingConfig& c, const config::Origins* origins) {
  PipelineOptions o = common_options(c);
  o.nphotons_from_metadata = origins && !config::set_by_user(*origins, "nphotons");
  o.cap_default_n_groups =
      origins && !config::set_by_user(*origins, "n_groups") && !config::set_by_user(*origins, "n_images");
  o.sampling.sequential_sampling = c.sequential_sampling;
  o.sampling.enable_oversampling = c.enable_oversampling;
  o.grouped.nphotons = c.nphotons;
  return o;
}

PipelineOptions pipeline_options(const config::InferenceConfig& c, const config::Origins* origins) {
  PipelineOptions o = common_options(c);
  o.nphotons_from_metadata = origins != nullptr;  // inference has no nphotons field
  o.sampling.sequential_sampling = true;
  o.sampling.enable_oversampling = false;
  return o;
}

PreparedData prepare_data(const std::string& path, const PipelineOptions& options) {
  DataSource source;
  source.path = path;
  return prepare_data(source, options);
}

PreparedData prepare_data(const DataSource& source, const PipelineOptions& options) {
  PreparedData out;
  const std::string& path = source.name();
  auto dataset = std::make_shared<const Dataset>(source.arrays ? load_dataset(*source.arrays, options.dataset)
                                                               : load_dataset(source.path, options.dataset));
  out.messages = dataset->warnings();
  GroupCacheOptions cache = options.cache;
  if (source.arrays) cache.enabled = false;
  GroupCacheResult cached = load_or_form_groups(path, dataset->x(), dataset->y(), options.grouping, cache);
  out.cache_status = cached.status;
  out.cache_path = cached.path;
  out.messages.insert(out.messages.end(), cached.messages.begin(), cached.messages.end());
  SamplingOptions sampling = options.sampling;
  if (options.cap_default_n_groups && sampling.n_groups && !sampling.enable_oversampling &&
      *sampling.n_groups > dataset->size()) {
    // Gridsize 1 caps on its own; the sampler refuses larger groups, which suits an explicit request.
    if (options.grouping.gridsize > 1) {
      out.messages.push_back(path + ": n_groups = " + std::to_string(*sampling.n_groups) +
                             " (the default) capped at the scan's " + std::to_string(dataset->size()) +
                             " points (set n_groups, or enable_oversampling, to choose)");
    }
    sampling.n_groups = dataset->size();
  }
  SampledGroups sampled = sample_groups(cached.table, dataset->x(), dataset->y(), options.grouping, sampling);
  GroupedDataOptions grouped = options.grouped;
  if (options.nphotons_from_metadata && dataset->metadata_nphotons()) {
    grouped.nphotons = *dataset->metadata_nphotons();
    out.messages.push_back(path + ": nphotons = " + std::to_string(grouped.nphotons) +
                           " from the dataset's _metadata (set nphotons to override)");
  }
  out.nphotons = grouped.nphotons;
  out.groups = std::make_shared<const GroupedData>(dataset, std::move(sampled.groups), grouped);
  out.dataset = std::move(dataset);
  return out;
}

}  // namespace ptychopinn::data
