#pragma once
// The training loop: Adam (or the configured optimiser), batches of groups in a
// seeded order per epoch, a held-out validation split, the configured learning-rate schedule,
// early stopping on the training loss, a checkpoint at every epoch end and on request between
// batches, and exact resumption from a checkpoint.
//
// Determinism: the weights are initialised from runtime.seed, each epoch's batch order is a pure
// function of (seed, epoch), and the checkpoint holds every piece of state the loop carries
// (weights, optimiser moments, schedule, early stopping, position inside the epoch, history), so
// the same seed, device and thread count give the same weights, interrupted or not.
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/config/training_config.h"
#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/model/pinn_model.h"
#include "ptychopinn/train/collapse_check.h"
#include "ptychopinn/train/history.h"
#include "ptychopinn/train/lr_schedule.h"

namespace ptychopinn::train {

// The model's overlap weight (PinnModelImpl::set_overlap_weight) in 0-based `epoch` when
// `epoch_fraction` of it is done: min(1, (epoch + epoch_fraction) / warmup_epochs); 1 without warmup.
double overlap_weight(int warmup_epochs, int epoch, double epoch_fraction);

// Overlap warmup epochs when config.overlap_warmup_epochs is null (auto) at gridsize >= 3.
inline constexpr int kAutoOverlapWarmupEpochs = 4;

// The overlap warmup a run uses: config.overlap_warmup_epochs when set, else the auto rule
// (kAutoOverlapWarmupEpochs at gridsize >= 3, 0 below).
int overlap_warmup_epochs(const config::TrainingConfig& config);

struct TrainPlan {
  int64_t train_groups = 0;
  int64_t validation_groups = 0;
  int64_t batches_per_epoch = 0;
  int epochs = 0;
  int start_epoch = 0;      // 0-based epoch the run starts (or resumes) in
  int64_t start_batch = 0;  // batch inside it
  double intensity_scale = 0;
  int64_t trainable_parameters = 0;
  std::string device;
};

struct BatchReport {
  int epoch = 0;          // 0-based
  int64_t batch = 0;      // 0-based, inside the epoch
  int64_t batches = 0;    // per epoch
  double loss = 0;        // this batch's loss
  double epoch_loss = 0;  // running mean over the epoch so far
  double learning_rate = 0;
  int64_t groups = 0;  // groups in this batch
};

// Receives progress; every method has a do-nothing default.
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_start(const TrainPlan& /*plan*/) {}
  virtual void on_batch(const BatchReport& /*report*/) {}
  virtual void on_epoch(const EpochRecord& /*record*/) {}
  virtual void on_checkpoint(const std::filesystem::path& /*path*/) {}
};

struct TrainControl {
  // Checked between batches; when it returns true the loop writes a checkpoint and returns
  // kInterrupted. Null = never.
  std::function<bool()> stop_requested;
  // Data parallelism (torch.distributed, docs/distributed.md): this process is replica `rank` of
  // `world_size`. Every rank draws the same global batches of batch_size x world_size groups and
  // trains on its own contiguous shard of each (shards differ in size by at most one; one may be
  // empty). Each rank's gradients are scaled by (its groups / the global batch's groups) and then
  // summed across ranks by reduce_gradients, which gives every rank the gradient of the global
  // batch's mean loss; batch losses and stop requests are summed by all_reduce_sum, so schedules,
  // early stopping and interruption decide the same on every rank. world_size 1 is a plain run.
  int rank = 0;
  int world_size = 1;
  // Sums the trainable parameters' gradients across processes, in place; called after backward and
  // before clipping and the optimiser step. Required when world_size > 1.
  std::function<void(const std::vector<torch::Tensor>& gradients)> reduce_gradients;
  // Sums values across processes, in place. Required when world_size > 1.
  std::function<void(std::vector<double>& values)> all_reduce_sum;
  // Where checkpoints go (atomically replaced at every epoch end and on interruption); null = none.
  std::optional<std::filesystem::path> checkpoint_path;
};

enum class TrainStatus { kCompleted, kEarlyStopped, kInterrupted };

// Everything the loop carries between batches, as stored in a checkpoint.
struct TrainerState {
  int epoch = 0;              // 0-based epoch in progress (== nepochs when done)
  int64_t next_batch = 0;     // first batch of `epoch` not yet run
  double epoch_loss_sum = 0;  // Σ loss·groups over the batches of `epoch` already run
  int64_t epoch_groups = 0;
  double epoch_seconds = 0;
  bool stopped_early = false;
  nlohmann::json schedule;
  nlohmann::json early_stopping;
  std::vector<EpochRecord> history;
};

class Trainer {
 public:
  // data: the sampled training groups (the last validation_fraction of them are held out).
  // probe: the dataset's probe [N, N] complex, normalised here with model.probe_scale.
  Trainer(const config::TrainingConfig& config, std::shared_ptr<const data::GroupedData> data,
          const torch::Tensor& probe, const torch::Device& device);

  // Continue from a checkpoint written by this loop. Throws IoError for an unreadable file and
  // std::invalid_argument when its configuration differs from this run's in a way that changes
  // the result (the message names the key).
  void resume_from(const std::filesystem::path& checkpoint);

  // Trains until nepochs, early stopping or a stop request. A NaN or infinite loss throws
  // NumericalError naming the epoch and batch (the last checkpoint stays as it was).
  TrainStatus run(TrainObserver& observer, const TrainControl& control = {});

  // The model archive of the current state (weights, probe, scale, config, history).
  bundle::ModelArchive archive() const;
  // archive() plus the optimiser and loop state, written atomically.
  void save_checkpoint(const std::filesystem::path& path) const;

  model::PinnModel model() const { return model_; }
  const TrainerState& state() const { return state_; }
  const config::TrainingConfig& config() const { return config_; }
  int64_t train_groups() const { return static_cast<int64_t>(train_ids_.size()); }
  int64_t validation_groups() const { return static_cast<int64_t>(validation_ids_.size()); }

  // Mean loss over the validation groups (no gradients); null without a validation split. Called by
  // run() in a data-parallel run, each rank evaluates its share and the sums are all-reduced.
  std::optional<double> validation_loss();
  // The Poisson NLL of the validation counts predicting themselves (the loss a perfect model would
  // reach, objective.h poisson_nll_optimum), averaged like validation_loss; null without a
  // validation split or for a loss other than the pure NLL.
  std::optional<double> validation_nll_optimum() const;

  // The collapse check (collapse_check.h) on a fixed set of groups: the first validation groups, or
  // the first training groups without a validation split; at most kCollapseCheckGroups.
  CollapseMeasures collapse_measures();
  static constexpr int64_t kCollapseCheckGroups = 32;

 private:
  // One optimiser step on this rank's shard `ids` of a global batch of `global_groups` groups;
  // returns the shard's mean loss (0 for an empty shard).
  double run_batch(const std::vector<int64_t>& ids, int64_t global_groups, int epoch, int64_t batch_index);

  config::TrainingConfig config_;
  std::shared_ptr<const data::GroupedData> data_;
  torch::Device device_;
  model::PinnModel model_{nullptr};
  std::vector<torch::Tensor> parameters_;
  torch::Tensor probe_parameter_;  // the trainable probe, undefined when the probe is fixed
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  LrSchedule schedule_;
  EarlyStopping early_stopping_;
  std::vector<int64_t> train_ids_, validation_ids_;
  TrainerState state_;
  const TrainControl* control_ = nullptr;
};

// The number of validation groups Keras' validation_split takes from n: n − round(n·(1 − f)).
int64_t validation_count(int64_t n, double fraction);

}  // namespace ptychopinn::train
