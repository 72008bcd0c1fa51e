#pragma once
// The optimiser a training configuration names (adam, adamw, sgd), its learning rate, and its
// state as bytes for checkpoints.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "ptychopinn/config/training_config.h"

namespace ptychopinn::train {

// Adam/AdamW with adam_beta1/2, adam_epsilon (1e-7, Keras' default) and weight_decay; SGD with
// momentum and weight_decay. Learning rate: config.learning_rate for `parameters` (group 0) and
// config.probe_learning_rate for `probe_parameters` (group 1, present when not empty).
std::unique_ptr<torch::optim::Optimizer> make_optimizer(
    const config::TrainingConfig& config, const std::vector<torch::Tensor>& parameters,
    const std::vector<torch::Tensor>& probe_parameters = {});

// Sets group 0's learning rate to lr and every other group's to lr · other_groups_ratio (the
// schedule moves the probe's rate with the network's).
void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, double other_groups_ratio = 1.0);

// Clips the gradients of `parameters` as gradient_clip_val / gradient_clip_algorithm ask (nothing
// when gradient_clip_val is null). agc is adaptive clipping per parameter tensor: a gradient whose
// norm exceeds clip·max(‖w‖, 1e-3) is scaled down to it.
void clip_gradients(const config::TrainingConfig& config, const std::vector<torch::Tensor>& parameters);

// The optimiser's state (moments, step counts) serialised with LibTorch's archive format, and back.
std::string save_optimizer_state(torch::optim::Optimizer& optimizer);
void load_optimizer_state(torch::optim::Optimizer& optimizer, const std::string& bytes,
                          const std::string& source);

}  // namespace ptychopinn::train
