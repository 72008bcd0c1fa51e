#pragma once
// A whole reconstruction with a trained model, as `ptychopinn infer`, `Model.reconstruct_dataset`
// and the ptychodus library run it: the archive (or a model already loaded), the dataset grouped as
// the model was trained, the device and threads, batched prediction and stitching (onto the
// reference's canvas or a given grid), and the files of the run folder (run_layout.h):
// reconstruction.npz, amplitude.png, phase.png and the ptychodus product.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/config/inference_config.h"
#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/infer/reconstruct.h"
#include "ptychopinn/infer/trained_model.h"
#include "ptychopinn/workflow/reconstruction_outputs.h"

namespace ptychopinn::workflow {

struct ReconstructRunRequest {
  // model_path (unless model is given), test_data_file, output_dir (with write_files), batch_size,
  // n_groups and the runtime (device, threads). The model fields are the archive's, whatever the
  // request says: the network fixes N, gridsize and the grouping.
  config::InferenceConfig config;
  // A model already in memory (Python's Model); its device is used. Null: load config.model_path
  // on the configured device.
  std::shared_ptr<const infer::TrainedModel> model;
  // The dataset to read instead of test_data_file (one a caller opened or built itself).
  std::optional<data::DataSource> data;
  // Write the run folder's files (otherwise only the result is returned).
  bool write_files = true;
  // Central crop of each group's object that is stitched; null = 20 px at N = 64, scaled with N.
  std::optional<int64_t> stitch_crop;
  // Keep every group's N x N object (reconstruction.npz `patches`).
  bool keep_patches = false;
  // Stitch into this grid (object pixels) instead of the reference's canvas.
  std::optional<infer::StitchGrid> grid;
  // How phase.png shows the phase (reconstruction_outputs.h).
  PhaseDisplay phase_display = PhaseDisplay::kRobust;
  // Object pixel size of the product, in metres; null = the dataset's _metadata, else a placeholder
  // (with a note).
  std::optional<double> pixel_size_m;
};

class ReconstructRunEvents {
 public:
  virtual ~ReconstructRunEvents() = default;
  // A remark about the data or the outputs the user should read.
  virtual void on_note(const std::string& /*text*/) {}
  // After every batch: groups done of the total.
  virtual void on_progress(int64_t /*done*/, int64_t /*total*/) {}
};

struct ReconstructRunResult {
  infer::Reconstruction reconstruction;
  int64_t groups = 0;              // groups reconstructed
  int64_t patterns = 0;            // groups x group size
  double seconds = 0;              // prediction and stitching, without loading
  std::vector<std::string> files;  // the files written, reconstruction.npz first
};

// Throws std::invalid_argument (ConfigError) for a request that cannot run (no model, no dataset),
// what loading the archive and the data pipeline throw (naming the file and key), and IoError for
// outputs that cannot be written.
ReconstructRunResult reconstruct_run(ReconstructRunRequest request, ReconstructRunEvents& events);

// The trained model at path (a wts.h5.zip or a training run's folder) on the device the runtime
// configuration asks for; the CPU threads are set as configured.
infer::TrainedModel load_model(const std::string& path, const config::RuntimeConfig& runtime);

}  // namespace ptychopinn::workflow
