// `ptychopinn infer`: reconstruct a scan with a trained model and write the stitched object, its
// pictures and a ptychodus product.
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "config_options.h"
#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/infer/reconstruct.h"
#include "ptychopinn/infer/reconstruction_output.h"
#include "ptychopinn/infer/trained_model.h"
#include "ptychopinn/io/ptychodus_product.h"
#include "ptychopinn/train/execution.h"
#include "ptychopinn/util/progress.h"

namespace ptychopinn::cli {

namespace fs = std::filesystem;

int run_infer(const std::vector<std::string>& args) {
  CLI::App app{
      "Reconstructs a scan with a trained model and writes to --output_dir:\n"
      "  reconstruction.npz   object (complex64), coverage, x_origin_px / y_origin_px (object-pixel\n"
      "                       coordinates of pixel [0, 0]), group centres [, patches]\n"
      "  amplitude.png, phase.png   the stitched image with colour bars\n"
      "  product-out.h5       a ptychodus product (object, probe, positions in metres)\n"
      "The model (--model_path: a training output folder or its wts.h5.zip) fixes N, gridsize and the\n"
      "network; every scan position is reconstructed unless --n_groups is given.",
      "infer"};
  config::ConfigSources sources;
  bool quiet = false, save_patches = false;
  std::optional<int64_t> stitch_crop;
  std::optional<double> pixel_size_m;
  add_config_source_options(app, sources);
  app.add_option("--stitch_crop,--stitch-crop,--stitch-crop-size", stitch_crop,
                 "central M x M of each group's object that is stitched (default 20 at N = 64, scaled with N)");
  app.add_flag("--save_patches,--save-patches", save_patches, "also store every group's N x N object (patches)");
  app.add_option("--pixel_size_m,--pixel-size-m", pixel_size_m,
                 "object pixel size in metres for product-out.h5 (default: the dataset's _metadata pixel_size_m, "
                 "else 5e-8)");
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  add_field_options(app, config::inference_fields(), sources);
  if (auto rc = parse_args(app, args)) return *rc;

  std::vector<std::string> warnings;
  config::Origins origins;
  auto config = config::resolve_inference_config(sources, &warnings, &origins);
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!config.model_path || !config.test_data_file) {
    std::cerr << "error: infer: --model_path and --test_data_file are required\n";
    return 1;
  }
  train::configure_threads(config.runtime.threads);
  const auto device = train::resolve_device(config.runtime.device);
  auto trained = infer::load_trained_model(*config.model_path, device);
  // The network fixes the geometry: the data are grouped as the model was trained.
  config.model = trained.archive.config.model;
  auto options = data::pipeline_options(config, nullptr);
  options.grouped.intensity_scale = trained.intensity_scale;
  const auto data = data::prepare_data(*config.test_data_file, options);
  for (const auto& m : data.messages) std::cerr << "note: " << m << "\n";

  ProgressOptions progress;
  progress.label = "infer";
  progress.total = data.groups->size();
  progress.unit = "groups";
  progress.enabled = !quiet;
  ProgressBar bar(progress);
  infer::ReconstructOptions ro;
  ro.batch_size = config.batch_size;
  ro.stitch_crop = stitch_crop;
  ro.keep_patches = save_patches;
  ro.device = device;
  ro.progress = [&](int64_t done, int64_t) { bar.update(done); };
  const auto started = std::chrono::steady_clock::now();
  const auto result = infer::reconstruct(*trained.model, *data.groups, ro);
  bar.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const fs::path out = config.output_dir;
  fs::create_directories(out);
  infer::write_reconstruction_npz((out / "reconstruction.npz").string(), result);
  infer::write_reconstruction_pictures((out / "amplitude.png").string(), (out / "phase.png").string(), result);
  if (!pixel_size_m) pixel_size_m = infer::metadata_pixel_size_m(*data.dataset);
  if (!pixel_size_m) {
    pixel_size_m = io::kDefaultProductPixelSizeM;
    std::cerr << "note: product-out.h5 uses a pixel size of " << *pixel_size_m
              << " m (the dataset gives none); pass --pixel_size_m for real units\n";
  }
  infer::write_product((out / "product-out.h5").string(), result, *data.dataset, trained.model->probe(), *pixel_size_m,
                       fs::path(*config.test_data_file).stem().string());
  if (!quiet) {
    std::ostringstream s;
    s << "reconstructed " << data.groups->size() << " groups in " << std::fixed << std::setprecision(2) << seconds
      << " s (" << std::setprecision(1) << data.groups->size() * data.groups->group_size() / std::max(seconds, 1e-9)
      << " patterns/s); image " << result.image.object.size(1) << " x " << result.image.object.size(0)
      << " px, origin (" << result.image.grid.x_origin << ", " << result.image.grid.y_origin << ") px";
    std::cerr << s.str() << "\n";
  }
  std::cout << (out / "reconstruction.npz").string() << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
