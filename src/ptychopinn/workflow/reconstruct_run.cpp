#include "ptychopinn/workflow/reconstruct_run.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>

#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/execution/execution.h"
#include "ptychopinn/io/ptychodus_product.h"
#include "ptychopinn/workflow/reconstruction_file.h"
#include "ptychopinn/workflow/reconstruction_outputs.h"
#include "ptychopinn/workflow/run_layout.h"

namespace ptychopinn::workflow {

namespace fs = std::filesystem;

infer::TrainedModel load_model(const std::string& path, const config::RuntimeConfig& runtime) {
  execution::configure_threads(runtime.threads);
  return infer::load_trained_model(path, execution::resolve_device(runtime.device));
}

ReconstructRunResult reconstruct_run(ReconstructRunRequest request, ReconstructRunEvents& events) {
  config::InferenceConfig& config = request.config;
  if (!request.data && !config.test_data_file) {
    throw std::invalid_argument(
        "infer: test_data_file is not set; expected an NPZ dataset (docs/formats.md)");
  }
  data::DataSource source;
  if (request.data) {
    source = *request.data;
  } else {
    source.path = *config.test_data_file;
  }
  execution::configure_threads(config.runtime.threads);
  std::shared_ptr<const infer::TrainedModel> trained = request.model;
  if (!trained) {
    if (!config.model_path) {
      throw std::invalid_argument(
          "infer: model_path is not set; expected a model archive or a training run's folder");
    }
    trained = std::make_shared<const infer::TrainedModel>(
        infer::load_trained_model(*config.model_path, execution::resolve_device(config.runtime.device)));
  }
  // The model is only read (prediction runs under NoGradGuard in eval mode), on the device it lives on.
  model::PinnModelImpl& model = *trained->model.ptr();
  const torch::Device device = model.probe().device();
  // The network fixes the geometry: the data are grouped as the model was trained.
  config.model = trained->archive.config.model;
  // Grouping needs K >= gridsize^2 neighbours. A K below that (the default 4 for a gridsize-3
  // model) cannot group at all, so the training run's K is used, with a note.
  const int members = config.model.gridsize * config.model.gridsize;
  if (config.model.gridsize > 1 && config.neighbor_count < members) {
    const int k = std::max(members, trained->archive.config.neighbor_count);
    events.on_note("neighbor_count = " + std::to_string(config.neighbor_count) +
                   " is below gridsize^2 = " + std::to_string(members) + " of the model; grouping with " +
                   std::to_string(k) + ", the training run's");
    config.neighbor_count = k;
  }
  auto options = data::pipeline_options(config, nullptr);
  options.grouped.intensity_scale = trained->intensity_scale;
  const auto data = data::prepare_data(source, options);
  for (const auto& m : data.messages) events.on_note(m);

  infer::ReconstructOptions ro;
  ro.batch_size = config.batch_size;
  ro.stitch_crop = request.stitch_crop;
  ro.keep_patches = request.keep_patches;
  ro.grid = request.grid;
  ro.device = device;
  ro.progress = [&events](int64_t done, int64_t total) { events.on_progress(done, total); };
  const auto started = std::chrono::steady_clock::now();
  ReconstructRunResult result;
  result.reconstruction = infer::reconstruct(model, *data.groups, ro);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.groups = data.groups->size();
  result.patterns = data.groups->size() * data.groups->group_size();
  if (!request.write_files) return result;

  const fs::path out = config.output_dir;
  fs::create_directories(out);
  const auto& r = result.reconstruction;
  result.files.push_back((out / layout::kReconstruction).string());
  write_reconstruction_file(result.files.back(), file_of(r));
  result.files.push_back((out / layout::kAmplitudePicture).string());
  result.files.push_back((out / layout::kPhasePicture).string());
  write_object_pictures(result.files[1], result.files[2], r.image.object, r.image.coverage,
                        request.phase_display);
  const double pixel_size_m = product_pixel_size_m(request.pixel_size_m, *data.dataset,
                                                   [&events](const std::string& t) { events.on_note(t); });
  result.files.push_back((out / layout::kProduct).string());
  ProductContent product;
  product.object = r.image.object;
  product.x_origin_px = r.image.grid.x_origin;
  product.y_origin_px = r.image.grid.y_origin;
  product.probe = model.probe();
  product.x_px = data.dataset->x();
  product.y_px = data.dataset->y();
  product.index = product_indexes(*data.dataset);
  product.pixel_size_m = pixel_size_m;
  product.name = fs::path(source.name()).stem().string();
  product.comments = "ptychopinn reconstruction of " + data.dataset->path();
  write_product(result.files.back(), product);
  return result;
}

}  // namespace ptychopinn::workflow
