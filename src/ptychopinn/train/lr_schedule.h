#pragma once
// Learning-rate schedules (TrainingConfig::scheduler) and early stopping, stepped once per epoch.
// Their state is plain data so that a checkpoint can store it and a resumed run continues exactly.
#include <nlohmann/json.hpp>

#include "ptychopinn/config/training_config.h"

namespace ptychopinn::train {

// Default: constant. Exponential: lr·0.95^epoch. WarmupCosine: linear warm-up over
// lr_warmup_epochs, then cosine decay to lr_min_ratio·lr at the last epoch.
// ReduceLROnPlateau (Keras semantics, the reference's callback): after `plateau_patience` epochs
// whose monitored loss did not improve on the best by more than plateau_threshold (relative),
// multiply the lr by plateau_factor, never below plateau_min_lr, and restart the count.
class LrSchedule {
 public:
  explicit LrSchedule(const config::TrainingConfig& config);

  // The learning rate of epoch `epoch` (0-based); call before the epoch.
  double learning_rate(int epoch) const;
  // Report the monitored loss of the finished epoch (validation loss, or the training loss when
  // there is no validation set). Only ReduceLROnPlateau uses it.
  void end_epoch(int epoch, double monitored_loss);

  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

 private:
  config::TrainingConfig config_;
  double plateau_lr_;
  double best_ = 0;
  bool has_best_ = false;
  int wait_ = 0;
};

// Keras EarlyStopping(monitor='loss', patience): stop after `patience` epochs without an
// improvement of the training loss; patience 0 never stops.
class EarlyStopping {
 public:
  explicit EarlyStopping(int patience) : patience_(patience) {}
  // Returns true when training should stop after this epoch.
  bool end_epoch(double loss);

  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

 private:
  int patience_;
  double best_ = 0;
  bool has_best_ = false;
  int wait_ = 0;
};

}  // namespace ptychopinn::train
