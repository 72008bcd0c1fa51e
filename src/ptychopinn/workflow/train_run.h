#pragma once
// A whole training run, as `ptychopinn train`, `ptychopinn.train` and the ptychodus library start
// it: the dataset through the data pipeline, the photon-count rule, the device and CPU threads, the
// distributed rank (from torchrun's environment), the run folder (config.yaml, train.log,
// history.csv after every epoch, checkpoints/latest.zip, wts.h5.zip), and the notes and warnings a
// user should read. Front ends parse options into a TrainRunRequest, call train_run, and print what
// the events report.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/config/settings.h"
#include "ptychopinn/config/training_config.h"
#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/train/trainer.h"

namespace ptychopinn::workflow {

struct TrainRunRequest {
  // The effective, validated configuration. train_data_file names the dataset; output_dir the run
  // folder (used only when write_files).
  config::TrainingConfig config;
  // The dataset to read instead of train_data_file (one a caller opened or built itself). When
  // train_data_file is unset and this is a file, the run records its path as train_data_file
  // (config.yaml, the archive).
  std::optional<data::DataSource> data;
  // Which fields the user chose (config_loader.h). The photon-count rule reads it: a dataset's
  // recorded nphotons (_metadata) is used unless the user set nphotons.
  config::Origins origins;
  // Write the run folder. Without it nothing touches the file system except the group cache.
  bool write_files = true;
  // Continue from <output_dir>/checkpoints/latest.zip.
  bool resume = false;
  // Data parallelism when RANK/WORLD_SIZE are set: "auto", "gloo" or "nccl", and how long a rank
  // waits for the others, in seconds.
  std::string dist_backend = "auto";
  double dist_timeout_s = 300;
};

// What a run reports while it works. Every method has a do-nothing default; the train::TrainObserver
// callbacks (start, every batch, every epoch) are forwarded as the loop makes them.
class TrainRunEvents : public train::TrainObserver {
 public:
  // A remark about the data or the settings the user should read (written to train.log as "note: ").
  virtual void on_note(const std::string& /*text*/) {}
  // A line of the run's log: what is trained where, each epoch, how the run ended.
  virtual void on_status(const std::string& /*text*/) {}
  // Checked between batches: true writes a checkpoint and ends the run as kInterrupted.
  virtual bool stop_requested() { return false; }
};

struct TrainRunResult {
  train::TrainStatus status = train::TrainStatus::kCompleted;
  // The trained model (weights, probe, intensity scale, config, history).
  bundle::ModelArchive archive;
  std::vector<train::EpochRecord> history;
  // Whether this process wrote the run folder (rank 0, or a single process with write_files).
  bool writer = true;
  // Where the archive was written; null when nothing was written or the run was interrupted.
  std::optional<std::filesystem::path> archive_path;
  // Where the checkpoint is (null without write_files).
  std::optional<std::filesystem::path> checkpoint_path;
  // Data-parallel runs: this rank's weights checksum and all-reduce time, one line.
  std::optional<std::string> rank_summary;
};

// Runs the request to its end. Throws std::invalid_argument (ConfigError) for a request that cannot
// run (no train_data_file, --resume without a checkpoint, nccl without CUDA), what the data pipeline
// and the trainer throw (naming the file and key), IoError for a run folder that cannot be written,
// and distributed::CommunicationError when another rank fails.
TrainRunResult train_run(TrainRunRequest request, TrainRunEvents& events);

// The sentence train_run notes when the reference's object_big merge will multiply the patch border
// of this probe by 1000 (probe [N, N] complex); null when it does not apply.
std::optional<std::string> border_gain_warning(const config::TrainingConfig& config,
                                               const torch::Tensor& probe);

}  // namespace ptychopinn::workflow
