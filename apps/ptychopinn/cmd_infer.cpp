// `ptychopinn infer`: reconstruct a scan with a trained model and write the stitched object, its
// pictures and a ptychodus product.
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "config_options.h"
#include "ptychopinn/util/progress.h"
#include "ptychopinn/workflow/reconstruct_run.h"

namespace ptychopinn::cli {

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
  workflow::ReconstructRunRequest request;
  bool quiet = false, save_patches = false;
  std::optional<int64_t> stitch_crop;
  std::optional<double> pixel_size_m;
  add_config_source_options(app, sources);
  app.add_option(
      "--stitch_crop,--stitch-crop,--stitch-crop-size", stitch_crop,
      "central M x M of each group's object that is stitched (default 20 at N = 64, scaled with N)");
  app.add_flag("--save_patches,--save-patches", save_patches,
               "also store every group's N x N object (patches)");
  app.add_option(
      "--pixel_size_m,--pixel-size-m", pixel_size_m,
      "object pixel size in metres for product-out.h5 (default: the dataset's _metadata pixel_size_m, "
      "else 5e-8)");
  add_phase_display_option(app, request.phase_display);
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  add_field_options(app, config::inference_fields(), sources);
  if (auto rc = parse_args(app, args)) return *rc;

  std::vector<std::string> warnings;
  request.config = config::resolve_inference_config(sources, &warnings);
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!request.config.model_path || !request.config.test_data_file) {
    std::cerr << "error: infer: --model_path and --test_data_file are required\n";
    return 1;
  }
  request.stitch_crop = stitch_crop;
  request.keep_patches = save_patches;
  request.pixel_size_m = pixel_size_m;

  struct Events : workflow::ReconstructRunEvents {
    explicit Events(bool quiet) : quiet(quiet) {}
    void on_note(const std::string& text) override {
      if (bar && !bar->finished()) bar->finish();
      std::cerr << "note: " << text << "\n";
    }
    void on_progress(int64_t done, int64_t total) override {
      if (!bar) {
        ProgressOptions o;
        o.label = "infer";
        o.total = total;
        o.unit = "groups";
        o.enabled = !quiet;
        bar.emplace(o);
      }
      bar->update(done);
    }
    bool quiet;
    std::optional<ProgressBar> bar;
  } events(quiet);
  const auto result = workflow::reconstruct_run(std::move(request), events);
  if (events.bar && !events.bar->finished()) events.bar->finish();
  if (!quiet) {
    const auto& image = result.reconstruction.image;
    std::ostringstream s;
    s << "reconstructed " << result.groups << " groups in " << std::fixed << std::setprecision(2)
      << result.seconds << " s (" << std::setprecision(1) << result.patterns / std::max(result.seconds, 1e-9)
      << " patterns/s); image " << image.object.size(1) << " x " << image.object.size(0) << " px, origin ("
      << image.grid.x_origin << ", " << image.grid.y_origin << ") px";
    std::cerr << s.str() << "\n";
  }
  std::cout << result.files.front() << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
