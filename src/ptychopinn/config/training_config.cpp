#include "ptychopinn/config/training_config.h"

#include <cmath>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/grouping_checks.h"

namespace ptychopinn::config {
namespace {

constexpr const char* kTrainingWhere = "TrainingConfig";

std::vector<Field<TrainingConfig>> training_own_fields() {
  using T = TrainingConfig;
  return {
      make_field("train_data_file", &T::train_data_file, "train_data_file_path",
                 "Training data NPZ file (null = none given)."),
      make_field("test_data_file", &T::test_data_file, "test_data_file_path",
                 "Test data NPZ file for evaluation after training (null = none)."),
      make_field("batch_size", &T::batch_size, "batch_size", "Groups per optimiser step (16)."),
      make_field("nepochs", &T::nepochs, "nepochs", "Training epochs (50; paper-2023 60)."),
      make_field("mae_weight", &T::mae_weight, "mae_weight",
                 "Weight of the MAE loss on diffraction amplitudes (0; grid-lines 1)."),
      make_field("nll_weight", &T::nll_weight, "nll_weight",
                 "Weight of the Poisson NLL on diffraction intensities (1; grid-lines 0)."),
      make_field("realspace_mae_weight", &T::realspace_mae_weight, "realspace_mae_weight",
                 "Weight of the real-space MAE against ground truth (0; needs realspace_weight > 0)."),
      make_field("realspace_weight", &T::realspace_weight, "realspace_weight",
                 "Overall weight of the real-space losses (0)."),
      make_field("nphotons", &T::nphotons, "nphotons",
                 "Expected photons per pattern; intensity_scale = sqrt(nphotons)/(N/2) (1e9)."),
      make_field("n_groups", &T::n_groups, "n_groups",
                 "Groups drawn from the training data (512; null = n_images or 512)."),
      make_field("n_images", &T::n_images, "n_images",
                 "Deprecated: copied into n_groups when n_groups is not given."),
      make_field("n_subsample", &T::n_subsample, "n_subsample",
                 "Scan points randomly kept before grouping (null = all)."),
      make_field("subsample_seed", &T::subsample_seed, "subsample_seed",
                 "Seed of the subsampling (null = derived from seed)."),
      make_field("neighbor_count", &T::neighbor_count, "neighbor_count",
                 "K nearest neighbours a group is drawn from (4, or gridsize^2 when larger; >= gridsize^2)."),
      make_field("enable_oversampling", &T::enable_oversampling, "enable_oversampling",
                 "Allow more groups than points by K-choose-C draws (false)."),
      make_field("neighbor_pool_size", &T::neighbor_pool_size, "neighbor_pool_size",
                 "Neighbour pool for oversampling (null = neighbor_count; >= gridsize^2)."),
      make_field("positions_provided", &T::positions_provided, "positions.provided",
                 "The data carries measured scan positions (true)."),
      make_field("probe_trainable", &T::probe_trainable, "probe.trainable",
                 "Refine the probe during training (false)."),
      make_field("probe_learning_rate", &T::probe_learning_rate, "",
                 "Learning rate of the trainable probe (1e-3)."),
      make_field("probe_release_epoch", &T::probe_release_epoch, "",
                 "First epoch (0-based) in which the trainable probe moves (1)."),
      make_field("overlap_warmup_epochs", &T::overlap_warmup_epochs, "",
                 "Epochs over which the views move from each member's own patch to the overlap canvas "
                 "(null = auto: 4 at gridsize >= 3, 0 below; 0 = merge from the start, as the reference)."),
      make_field("probe_file", &T::probe_file, "",
                 "Starting probe from a reconstruction.npz (its first mode), a dataset NPZ (probeGuess) "
                 "or an [N, N] complex .npy (null = the dataset's probe)."),
      make_field("probe_refinement_iterations", &T::probe_refinement_iterations, "",
                 "LSQML iterations refining the starting probe before training (null = auto: 50, or 0 "
                 "with probe_file or a dataset simulated with its probe; 0 = off)."),
      make_field("intensity_scale_trainable", &T::intensity_scale_trainable, "intensity_scale.trainable",
                 "Learn the intensity scale (true)."),
      make_field("output_dir", &T::output_dir, "output_prefix",
                 "Folder for the model archive and outputs (training_outputs)."),
      make_field("sequential_sampling", &T::sequential_sampling, "sequential_sampling",
                 "Take the first n_groups groups instead of a random draw (false)."),
      make_field("backend", &T::backend, "backend",
                 "libtorch (default; pytorch is an alias; tensorflow is refused)."),
      make_field("torch_loss_mode", &T::torch_loss_mode, "torch_loss_mode",
                 "Diffraction loss: poisson (default) or mae."),
      make_field("torch_mae_pred_l2_match_target", &T::torch_mae_pred_l2_match_target,
                 "torch_mae_pred_l2_match_target",
                 "mae loss: rescale the prediction to the target's L2 norm (false)."),
      make_field("gradient_clip_val", &T::gradient_clip_val, "gradient_clip_val",
                 "Gradient clipping threshold (null = none)."),
      make_field("gradient_clip_algorithm", &T::gradient_clip_algorithm, "gradient_clip_algorithm",
                 "Gradient clipping by norm (default), value or agc."),
      make_field("optimizer", &T::optimizer, "optimizer", "adam (default), adamw or sgd."),
      make_field("momentum", &T::momentum, "momentum", "SGD momentum (0.9)."),
      make_field("weight_decay", &T::weight_decay, "weight_decay", "Weight decay (0)."),
      make_field("adam_beta1", &T::adam_beta1, "adam_beta1", "Adam beta1 (0.9)."),
      make_field("adam_beta2", &T::adam_beta2, "adam_beta2", "Adam beta2 (0.999)."),
      make_field("scheduler", &T::scheduler, "scheduler",
                 "Learning-rate schedule (ReduceLROnPlateau, the TF reference's callback)."),
      make_field("lr_warmup_epochs", &T::lr_warmup_epochs, "lr_warmup_epochs",
                 "WarmupCosine: warm-up epochs (0)."),
      make_field("lr_min_ratio", &T::lr_min_ratio, "lr_min_ratio",
                 "WarmupCosine: final lr / learning_rate (0.1)."),
      make_field("plateau_factor", &T::plateau_factor, "plateau_factor",
                 "ReduceLROnPlateau: lr factor on a plateau (0.5)."),
      make_field("plateau_patience", &T::plateau_patience, "plateau_patience",
                 "ReduceLROnPlateau: epochs without improvement before reducing (2)."),
      make_field("plateau_min_lr", &T::plateau_min_lr, "plateau_min_lr",
                 "ReduceLROnPlateau: lower bound of the lr (1e-4)."),
      make_field("plateau_threshold", &T::plateau_threshold, "plateau_threshold",
                 "ReduceLROnPlateau: smallest loss decrease that counts as improvement (0)."),
      make_field("learning_rate", &T::learning_rate, "", "Initial learning rate (1e-3)."),
      make_field("adam_epsilon", &T::adam_epsilon, "",
                 "Adam epsilon (1e-7, the Keras default the reference trained with)."),
      make_field("validation_fraction", &T::validation_fraction, "",
                 "Fraction of groups held out for validation, the last ones (0.05)."),
      make_field("early_stop_patience", &T::early_stop_patience, "",
                 "Stop after this many epochs without training-loss improvement (3; 0 = never)."),
  };
}

}  // namespace

const std::vector<Field<TrainingConfig>>& training_fields() {
  static const std::vector<Field<TrainingConfig>> fields = [] {
    std::vector<Field<TrainingConfig>> all = lift_fields(model_fields(), &TrainingConfig::model, "model");
    for (auto& f : training_own_fields()) all.push_back(std::move(f));
    for (auto& f : lift_fields(runtime_fields(), &TrainingConfig::runtime, "runtime")) {
      all.push_back(std::move(f));
    }
    return all;
  }();
  return fields;
}

void TrainingConfig::validate() const {
  model.validate();
  runtime.validate();
  require(batch_size >= 1, kTrainingWhere, "batch_size", describe_value(batch_size), ">= 1");
  require(nepochs >= 1, kTrainingWhere, "nepochs", describe_value(nepochs), ">= 1");
  for (const auto& [key, w] : {std::pair<const char*, double>{"mae_weight", mae_weight},
                               {"nll_weight", nll_weight},
                               {"realspace_mae_weight", realspace_mae_weight},
                               {"realspace_weight", realspace_weight}}) {
    require(w >= 0 && std::isfinite(w), kTrainingWhere, key, describe_value(w), ">= 0");
  }
  if (model.model_type == ModelType::kPinn) {
    require(nll_weight > 0 || mae_weight > 0 || realspace_weight > 0 || realspace_mae_weight > 0,
            kTrainingWhere, "nll_weight", describe_value(nll_weight),
            "> 0, or another loss weight (mae_weight, realspace_weight) > 0: all loss weights are "
            "0 for model_type pinn");
  }
  if (realspace_mae_weight > 0) {
    require(realspace_weight > 0, kTrainingWhere, "realspace_weight", describe_value(realspace_weight),
            "> 0 when realspace_mae_weight > 0 (it is " + describe_value(realspace_mae_weight) + ")");
  }
  require(nphotons > 0 && std::isfinite(nphotons), kTrainingWhere, "nphotons", describe_value(nphotons),
          "> 0");
  validate_grouping(kTrainingWhere, model,
                    {n_groups, n_images, n_subsample, subsample_seed, neighbor_count, neighbor_pool_size});
  require(!output_dir.empty(), kTrainingWhere, "output_dir", "''", "a non-empty path");
  if (gradient_clip_val) {
    require(*gradient_clip_val > 0, kTrainingWhere, "gradient_clip_val", describe_value(*gradient_clip_val),
            "> 0 or null");
  }
  require(momentum >= 0 && momentum < 1, kTrainingWhere, "momentum", describe_value(momentum), "in [0, 1)");
  require(weight_decay >= 0, kTrainingWhere, "weight_decay", describe_value(weight_decay), ">= 0");
  require(adam_beta1 >= 0 && adam_beta1 < 1, kTrainingWhere, "adam_beta1", describe_value(adam_beta1),
          "in [0, 1)");
  require(adam_beta2 >= 0 && adam_beta2 < 1, kTrainingWhere, "adam_beta2", describe_value(adam_beta2),
          "in [0, 1)");
  require(lr_warmup_epochs >= 0, kTrainingWhere, "lr_warmup_epochs", describe_value(lr_warmup_epochs),
          ">= 0");
  require(lr_min_ratio >= 0 && lr_min_ratio <= 1, kTrainingWhere, "lr_min_ratio",
          describe_value(lr_min_ratio), "in [0, 1]");
  require(plateau_factor > 0 && plateau_factor < 1, kTrainingWhere, "plateau_factor",
          describe_value(plateau_factor), "in (0, 1)");
  require(plateau_patience >= 0, kTrainingWhere, "plateau_patience", describe_value(plateau_patience),
          ">= 0");
  require(plateau_min_lr >= 0, kTrainingWhere, "plateau_min_lr", describe_value(plateau_min_lr), ">= 0");
  require(plateau_threshold >= 0, kTrainingWhere, "plateau_threshold", describe_value(plateau_threshold),
          ">= 0");
  require(learning_rate > 0 && std::isfinite(learning_rate), kTrainingWhere, "learning_rate",
          describe_value(learning_rate), "> 0");
  require(adam_epsilon > 0, kTrainingWhere, "adam_epsilon", describe_value(adam_epsilon), "> 0");
  require(probe_learning_rate > 0 && std::isfinite(probe_learning_rate), kTrainingWhere,
          "probe_learning_rate", describe_value(probe_learning_rate), "> 0");
  require(probe_release_epoch >= 0, kTrainingWhere, "probe_release_epoch",
          describe_value(probe_release_epoch), ">= 0");
  if (overlap_warmup_epochs) {
    require(*overlap_warmup_epochs >= 0, kTrainingWhere, "overlap_warmup_epochs",
            describe_value(*overlap_warmup_epochs), ">= 0 or null (auto)");
  }
  if (probe_refinement_iterations) {
    require(*probe_refinement_iterations >= 0, kTrainingWhere, "probe_refinement_iterations",
            describe_value(*probe_refinement_iterations), ">= 0 or null (auto)");
  }
  require(validation_fraction >= 0 && validation_fraction < 1, kTrainingWhere, "validation_fraction",
          describe_value(validation_fraction), "in [0, 1)");
  require(early_stop_patience >= 0, kTrainingWhere, "early_stop_patience",
          describe_value(early_stop_patience), ">= 0 (0 = never stop early)");
}

bool TrainingConfig::operator==(const TrainingConfig& other) const {
  return fields_equal(training_fields(), *this, other);
}

}  // namespace ptychopinn::config
