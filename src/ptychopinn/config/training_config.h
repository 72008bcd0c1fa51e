#pragma once
// TrainingConfig: everything a training run needs.
//
// Field names, types and defaults are the Python PtychoPINN's `TrainingConfig`, plus the training
// recipe our trainer follows, the TF reference's (learning_rate, adam_epsilon, validation_fraction,
// early_stop_patience), and the run-time settings (runtime). The in-class defaults are the "modern"
// profile (profiles.h): the reference dataclass defaults, except
//   backend          libtorch (reference: tensorflow; "pytorch" is accepted as an alias),
//   scheduler        ReduceLROnPlateau with plateau_min_lr 1e-4: the callback the TF reference
//                    always attaches (reference dataclass: Default, 5e-5, used by its Torch path).
//
// Paths are kept as strings exactly as given (relative paths stay relative).
// Every field is a row of training_fields(); the model's rows appear there with group "model",
// the runtime's with group "runtime".
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/field_table.h"
#include "ptychopinn/config/model_config.h"
#include "ptychopinn/config/runtime_config.h"

namespace ptychopinn::config {

struct TrainingConfig {
  // The network and forward model (nested `model:` mapping in YAML, or flat keys).
  ModelConfig model;
  // Training data, an NPZ file (legacy `train_data_file_path`). Default null; the train command
  // requires it.
  std::optional<std::string> train_data_file;
  // Test data for evaluation after training (legacy `test_data_file_path`). Default null = none.
  std::optional<std::string> test_data_file;
  // Groups per optimiser step. Default 16. Larger is faster per epoch on a GPU but needs more
  // memory and more epochs.
  int batch_size = 16;
  // Training epochs (legacy key `nepochs` too). Default 50 (paper-2023 and grid-lines: 60).
  int nepochs = 50;
  // Weight of the MAE loss on diffraction amplitudes. Default 0 (grid-lines: 1).
  double mae_weight = 0.0;
  // Weight of the Poisson negative log-likelihood on diffraction intensities. Default 1
  // (grid-lines: 0).
  double nll_weight = 1.0;
  // Weight of the real-space MAE against ground truth (needs `Y`). Default 0; > 0 requires
  // realspace_weight > 0.
  double realspace_mae_weight = 0.0;
  // Overall weight of the real-space losses. Default 0.
  double realspace_weight = 0.0;
  // Expected photons per diffraction pattern; sets intensity_scale = sqrt(nphotons) / (N/2), the
  // absolute count scale of the Poisson loss. Default 1e9. Must be > 0.
  double nphotons = 1e9;
  // Groups drawn from the training data (the number of training samples). Default 512. Null is
  // resolved to n_images when that is given, else 512.
  std::optional<int> n_groups = 512;
  // Deprecated spelling of n_groups: when n_groups is not given, n_images is copied into it and a
  // deprecation warning is reported. Default null.
  std::optional<int> n_images;
  // Scan points randomly kept before grouping; null (default) = keep every point.
  std::optional<int> n_subsample;
  // Seed of that subsampling; null (default) = derived from runtime.seed.
  std::optional<int> subsample_seed;
  // K, the nearest neighbours a group's members are drawn from. Default 4, raised to C =
  // gridsize^2 when that is larger and K was not set (finish_config); must be >= C when
  // gridsize > 1 (use 7 or more with enable_oversampling).
  int neighbor_count = 4;
  // Allow more groups than scan points by drawing several C-subsets of each point's
  // neighbour pool ("K choose C"). Default false.
  bool enable_oversampling = false;
  // Neighbour pool for oversampling; null (default) = neighbor_count. Must be >= C when set.
  std::optional<int> neighbor_pool_size;
  // The data carries measured scan positions (legacy `positions.provided`). Default true.
  bool positions_provided = true;
  // Refine the probe during training (legacy `probe.trainable`): joint probe retrieval, the probe a
  // parameter of the physics model, saved in the archive. Default false.
  bool probe_trainable = false;
  // The trainable probe's learning rate (its own Adam parameter group). Default 1e-3.
  double probe_learning_rate = 1e-3;
  // The first epoch (0-based) in which the trainable probe moves; before it only the network and
  // the scale learn, so the object takes shape before the probe adapts to it. Default 1.
  int probe_release_epoch = 1;
  // Epochs over which each member's view moves from the member's own predicted patch to the
  // overlap canvas (linearly, batch by batch; object_big at gridsize >= 2). Merging from the first
  // step averages patches that do not yet agree, which with a broad probe drives the network to a
  // flat object; 0 merges from the start, as the reference does. Null (default) = auto: 4 at
  // gridsize >= 3, whose nine-member average stays flat on a measured scan without it, and 0 below,
  // where it does not change the result (docs/measured-data.md); a run records the count it used.
  std::optional<int> overlap_warmup_epochs;
  // Where the starting probe comes from instead of the dataset's probeGuess: a reconstruction.npz
  // (its strongest probe mode, e.g. the refined probe of `ptychopinn iterate`), a dataset NPZ
  // (probeGuess) or an .npy of [N, N] complex. Null (default) = the dataset's probe.
  std::optional<std::string> probe_file;
  // LSQML iterations that refine the starting probe before training (flat object, the scan's
  // central patterns): a probe that is not the one the patterns were measured with caps what the
  // network can learn. Null (default) = auto: 50, or 0 when probe_file is set or the dataset says
  // `ptychopinn simulate` made it with its probe; a run records the count it used. 0 = off.
  std::optional<int> probe_refinement_iterations;
  // Learn the intensity scale (legacy `intensity_scale.trainable`). Default true.
  bool intensity_scale_trainable = true;
  // Folder for the model archive and outputs (legacy `output_prefix`). Default training_outputs.
  std::string output_dir = "training_outputs";
  // Take the first n_groups groups instead of a seeded random draw. Default false.
  bool sequential_sampling = false;
  // Implementation: libtorch (default; "pytorch" is an alias; "tensorflow" is refused).
  Backend backend = Backend::kLibtorch;
  // Diffraction loss: poisson (default; the NLL weighted by nll_weight) or mae.
  TorchLossMode torch_loss_mode = TorchLossMode::kPoisson;
  // With torch_loss_mode mae: rescale the prediction to the target's L2 norm first. Default false.
  bool torch_mae_pred_l2_match_target = false;
  // Gradient clipping threshold; null (default) = no clipping.
  std::optional<double> gradient_clip_val;
  // How gradient_clip_val applies: norm (default), value or agc.
  GradientClipAlgorithm gradient_clip_algorithm = GradientClipAlgorithm::kNorm;
  // adam (default), adamw or sgd.
  Optimizer optimizer = Optimizer::kAdam;
  // SGD momentum (ignored by Adam). Default 0.9.
  double momentum = 0.9;
  // Weight decay (L2 penalty; decoupled for adamw). Default 0.
  double weight_decay = 0.0;
  // Adam / AdamW beta1 and beta2. Defaults 0.9 and 0.999.
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  // Learning-rate schedule. Default ReduceLROnPlateau (see the top of this file).
  Scheduler scheduler = Scheduler::kReduceLROnPlateau;
  // WarmupCosine: linear warm-up epochs (default 0) and final lr as a fraction of learning_rate
  // (default 0.1).
  int lr_warmup_epochs = 0;
  double lr_min_ratio = 0.1;
  // ReduceLROnPlateau on the validation loss: multiply the lr by plateau_factor (0.5) after
  // plateau_patience (2) epochs without an improvement larger than plateau_threshold (0), never
  // below plateau_min_lr (1e-4, the TF reference's callback).
  double plateau_factor = 0.5;
  int plateau_patience = 2;
  double plateau_min_lr = 1e-4;
  double plateau_threshold = 0.0;
  // Initial learning rate. Default 1e-3.
  double learning_rate = 1e-3;
  // Adam epsilon. Default 1e-7, the Keras default the reference trained with (PyTorch's 1e-8
  // changes results).
  double adam_epsilon = 1e-7;
  // Fraction of the groups held out for the validation loss (the last ones, as Keras's
  // validation_split). Default 0.05; 0 = no validation (the plateau schedule then watches the
  // training loss).
  double validation_fraction = 0.05;
  // Stop when the training loss has not improved for this many epochs. Default 3 (the TF
  // reference's EarlyStopping on `loss`); 0 = never stop early.
  int early_stop_patience = 3;
  // Device, threads, seed (flat YAML keys).
  RuntimeConfig runtime;

  // Throws ConfigError ("TrainingConfig: <field> = <value>; expected ...") for the first value out
  // of range, including the model's and runtime's. Checks, beyond each field's range:
  // neighbor_count >= gridsize^2 when gridsize > 1; neighbor_pool_size >= gridsize^2 when set; a
  // non-zero loss weight for pinn; realspace_mae_weight > 0 => realspace_weight > 0.
  void validate() const;

  bool operator==(const TrainingConfig& other) const;
  bool operator!=(const TrainingConfig& other) const { return !(*this == other); }
};

// The field table of TrainingConfig: the model's rows (group "model"), then the training rows,
// then the runtime rows (group "runtime").
const std::vector<Field<TrainingConfig>>& training_fields();

}  // namespace ptychopinn::config
