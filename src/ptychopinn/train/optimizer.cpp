#include "ptychopinn/train/optimizer.h"

#include <sstream>
#include <stdexcept>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::train {

namespace {

template <typename Algorithm, typename Options>
std::unique_ptr<torch::optim::Optimizer> with_groups(const std::vector<torch::Tensor>& parameters,
                                                     const std::vector<torch::Tensor>& probe_parameters,
                                                     const Options& options, double probe_lr) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(parameters, std::make_unique<Options>(options));
  if (!probe_parameters.empty()) {
    auto probe_options = std::make_unique<Options>(options);
    probe_options->lr(probe_lr);
    groups.emplace_back(probe_parameters, std::move(probe_options));
  }
  return std::make_unique<Algorithm>(std::move(groups), options);
}

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const config::TrainingConfig& config,
                                                        const std::vector<torch::Tensor>& parameters,
                                                        const std::vector<torch::Tensor>& probe_parameters) {
  const double lr = config.learning_rate, probe_lr = config.probe_learning_rate;
  switch (config.optimizer) {
    case config::Optimizer::kAdam:
      return with_groups<torch::optim::Adam>(parameters, probe_parameters,
                                             torch::optim::AdamOptions(lr)
                                                 .betas({config.adam_beta1, config.adam_beta2})
                                                 .eps(config.adam_epsilon)
                                                 .weight_decay(config.weight_decay),
                                             probe_lr);
    case config::Optimizer::kAdamW:
      return with_groups<torch::optim::AdamW>(parameters, probe_parameters,
                                              torch::optim::AdamWOptions(lr)
                                                  .betas({config.adam_beta1, config.adam_beta2})
                                                  .eps(config.adam_epsilon)
                                                  .weight_decay(config.weight_decay),
                                              probe_lr);
    case config::Optimizer::kSgd:
      return with_groups<torch::optim::SGD>(
          parameters, probe_parameters,
          torch::optim::SGDOptions(lr).momentum(config.momentum).weight_decay(config.weight_decay), probe_lr);
  }
  throw std::invalid_argument("make_optimizer: unknown optimizer");
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr, double other_groups_ratio) {
  auto& groups = optimizer.param_groups();
  for (size_t i = 0; i < groups.size(); ++i)
    groups[i].options().set_lr(i == 0 ? lr : lr * other_groups_ratio);
}

void clip_gradients(const config::TrainingConfig& config, const std::vector<torch::Tensor>& parameters) {
  if (!config.gradient_clip_val) return;
  const double clip = *config.gradient_clip_val;
  switch (config.gradient_clip_algorithm) {
    case config::GradientClipAlgorithm::kNorm:
      torch::nn::utils::clip_grad_norm_(parameters, clip);
      return;
    case config::GradientClipAlgorithm::kValue:
      torch::nn::utils::clip_grad_value_(parameters, clip);
      return;
    case config::GradientClipAlgorithm::kAgc: {
      torch::NoGradGuard no_grad;
      for (const auto& p : parameters) {
        if (!p.grad().defined()) continue;
        const auto max_norm = torch::clamp_min(p.detach().norm(), 1e-3) * clip;
        const auto grad_norm = p.grad().norm();
        const auto factor =
            torch::where(grad_norm > max_norm, max_norm / (grad_norm + 1e-6), torch::ones_like(grad_norm));
        p.mutable_grad().mul_(factor);
      }
      return;
    }
  }
}

std::string save_optimizer_state(torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void load_optimizer_state(torch::optim::Optimizer& optimizer, const std::string& bytes,
                          const std::string& source) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimizer.load(archive);
  } catch (const c10::Error& e) {
    throw_io_error(source, std::string("optimizer state is unreadable or does not match the model (") +
                               e.what_without_backtrace() + ")");
  }
}

}  // namespace ptychopinn::train
