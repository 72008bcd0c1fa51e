#include "ptychopinn/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace ptychopinn::train {

LrSchedule::LrSchedule(const config::TrainingConfig& config)
    : config_(config), plateau_lr_(config.learning_rate) {}

double LrSchedule::learning_rate(int epoch) const {
  const double lr = config_.learning_rate;
  switch (config_.scheduler) {
    case config::Scheduler::kDefault:
      return lr;
    case config::Scheduler::kExponential:
      return lr * std::pow(0.95, epoch);
    case config::Scheduler::kWarmupCosine: {
      const int warmup = config_.lr_warmup_epochs;
      if (epoch < warmup) return lr * (epoch + 1) / static_cast<double>(warmup + 1);
      const int span = std::max(1, config_.nepochs - 1 - warmup);
      const double progress = std::min(1.0, (epoch - warmup) / static_cast<double>(span));
      const double floor = lr * config_.lr_min_ratio;
      return floor + (lr - floor) * 0.5 * (1 + std::cos(M_PI * progress));
    }
    case config::Scheduler::kReduceLROnPlateau:
      return plateau_lr_;
  }
  return lr;
}

void LrSchedule::end_epoch(int /*epoch*/, double monitored_loss) {
  if (config_.scheduler != config::Scheduler::kReduceLROnPlateau || !std::isfinite(monitored_loss)) return;
  // Keras' min_delta is absolute; plateau_threshold is relative (PyTorch's threshold_mode 'rel');
  // with the default 0 they agree: any decrease is an improvement.
  const bool improved = !has_best_ || monitored_loss < best_ - std::abs(best_) * config_.plateau_threshold;
  if (improved) {
    best_ = monitored_loss;
    has_best_ = true;
    wait_ = 0;
    return;
  }
  if (++wait_ >= config_.plateau_patience) {
    plateau_lr_ = std::max(plateau_lr_ * config_.plateau_factor, config_.plateau_min_lr);
    wait_ = 0;
  }
}

nlohmann::json LrSchedule::state() const {
  return {{"plateau_lr", plateau_lr_}, {"best", best_}, {"has_best", has_best_}, {"wait", wait_}};
}

void LrSchedule::restore(const nlohmann::json& state) {
  plateau_lr_ = state.at("plateau_lr").get<double>();
  best_ = state.at("best").get<double>();
  has_best_ = state.at("has_best").get<bool>();
  wait_ = state.at("wait").get<int>();
}

bool EarlyStopping::end_epoch(double loss) {
  if (patience_ <= 0) return false;
  if (!has_best_ || loss < best_) {
    best_ = loss;
    has_best_ = true;
    wait_ = 0;
    return false;
  }
  return ++wait_ >= patience_;
}

nlohmann::json EarlyStopping::state() const {
  return {{"best", best_}, {"has_best", has_best_}, {"wait", wait_}};
}

void EarlyStopping::restore(const nlohmann::json& state) {
  best_ = state.at("best").get<double>();
  has_best_ = state.at("has_best").get<bool>();
  wait_ = state.at("wait").get<int>();
}

}  // namespace ptychopinn::train
