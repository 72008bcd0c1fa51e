#include "ptychopinn/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <stdexcept>

#include "ptychopinn/config/json_io.h"
#include "ptychopinn/data/random.h"
#include "ptychopinn/model/objective.h"
#include "ptychopinn/nets/cnn.h"
#include "ptychopinn/physics/probe.h"
#include "ptychopinn/tensor/module_parameters.h"
#include "ptychopinn/train/optimizer.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::train {
namespace {

constexpr const char* kOptimizerMember = "optimizer.pt";
constexpr const char* kStateMember = "trainer_state.json";

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

nlohmann::json state_to_json(const TrainerState& s) {
  return {{"epoch", s.epoch},
          {"next_batch", s.next_batch},
          {"epoch_loss_sum", s.epoch_loss_sum},
          {"epoch_groups", s.epoch_groups},
          {"epoch_seconds", s.epoch_seconds},
          {"stopped_early", s.stopped_early},
          {"schedule", s.schedule},
          {"early_stopping", s.early_stopping}};
}

// The settings that change which computation a resumed run performs; output paths, epochs and
// runtime threads may differ.
void require_same_run(const config::TrainingConfig& now, const config::TrainingConfig& then,
                      const std::string& source) {
  auto a = config::to_json(now);
  auto b = config::to_json(then);
  for (const char* key :
       {"output_dir", "nepochs", "train_data_file", "test_data_file", "threads", "device"}) {
    a.erase(key);
    b.erase(key);
  }
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!b.contains(it.key()) || b[it.key()] != it.value()) {
      throw std::invalid_argument(source + ": cannot resume: " + it.key() + " = " +
                                  (b.contains(it.key()) ? b[it.key()].dump() : "(absent)") +
                                  " in the checkpoint but " + it.value().dump() +
                                  " in this run; expected the same training settings (or start a new run "
                                  "without --resume)");
    }
  }
}

}  // namespace

double overlap_weight(int warmup_epochs, int epoch, double epoch_fraction) {
  if (warmup_epochs <= 0) return 1.0;
  return std::min(1.0, (epoch + epoch_fraction) / warmup_epochs);
}

int overlap_warmup_epochs(const config::TrainingConfig& config) {
  if (config.overlap_warmup_epochs) return *config.overlap_warmup_epochs;
  return config.model.gridsize >= 3 ? kAutoOverlapWarmupEpochs : 0;
}

int64_t validation_count(int64_t n, double fraction) {
  if (fraction <= 0) return 0;
  return n - static_cast<int64_t>(std::llround(static_cast<double>(n) * (1.0 - fraction)));
}

Trainer::Trainer(const config::TrainingConfig& config, std::shared_ptr<const data::GroupedData> data,
                 const torch::Tensor& probe, const torch::Device& device)
    : config_(config),
      data_(std::move(data)),
      device_(device),
      schedule_(config),
      early_stopping_(config.early_stop_patience) {
  config_.validate();
  if (!data_) throw std::invalid_argument("Trainer: no training data");
  if (data_->pattern_size() != config_.model.N) {
    throw std::invalid_argument("Trainer: the data's patterns are " + std::to_string(data_->pattern_size()) +
                                " px; N = " + std::to_string(config_.model.N) +
                                " (set N to the pattern size)");
  }
  if (data_->group_size() != config::group_size(config_.model)) {
    throw std::invalid_argument(
        "Trainer: the data's groups have " + std::to_string(data_->group_size()) +
        " members; expected gridsize^2 = " + std::to_string(config::group_size(config_.model)));
  }
  const int64_t n = data_->size();
  const int64_t n_val = validation_count(n, config_.validation_fraction);
  if (n - n_val < 1) {
    throw std::invalid_argument(
        "Trainer: " + std::to_string(n) +
        " groups leave none for training after the validation split (validation_fraction = " +
        std::to_string(config_.validation_fraction) + ")");
  }
  // Keras' validation_split: the last groups, not shuffled.
  for (int64_t i = 0; i < n - n_val; ++i) train_ids_.push_back(i);
  for (int64_t i = n - n_val; i < n; ++i) validation_ids_.push_back(i);

  const auto normalised = physics::normalize_probe(probe.to(torch::kComplexFloat), config_.model.probe_scale);
  model_ = model::PinnModel(model::PinnOptions::from(config_, data_->intensity_scale()), normalised);
  nets::glorot_uniform_init(*model_->generator(), static_cast<uint64_t>(config_.runtime.seed));
  model_->to(device_);
  // The trainable probe gets its own parameter group (its own learning rate); parameters_ keeps
  // every trainable tensor for clipping and the data-parallel reduction.
  std::vector<torch::Tensor> network, probe_parameters;
  for (const auto& item : model_->named_parameters()) {
    if (!item.value().requires_grad()) continue;
    parameters_.push_back(item.value());
    (item.key() == "probe" ? probe_parameters : network).push_back(item.value());
  }
  if (!probe_parameters.empty()) probe_parameter_ = probe_parameters.front();
  optimizer_ = make_optimizer(config_, network, probe_parameters);
  state_.schedule = schedule_.state();
  state_.early_stopping = early_stopping_.state();
}

void Trainer::resume_from(const std::filesystem::path& checkpoint) {
  const std::string source = checkpoint.string();
  const auto archive = bundle::load_archive(checkpoint);
  require_same_run(config_, archive.config, source);
  const auto optimizer = archive.extra_members.find(kOptimizerMember);
  const auto state = archive.extra_members.find(kStateMember);
  if (optimizer == archive.extra_members.end() || state == archive.extra_members.end()) {
    throw_io_error(source, std::string("is a model archive but not a training checkpoint (no ") +
                               kOptimizerMember + " / " + kStateMember +
                               "); expected checkpoints/latest.zip of a training run");
  }
  bundle::load_state(*model_, archive.weights, source);
  load_optimizer_state(*optimizer_, optimizer->second, source);
  try {
    const auto j = nlohmann::json::parse(state->second);
    TrainerState s;
    s.epoch = j.at("epoch").get<int>();
    s.next_batch = j.at("next_batch").get<int64_t>();
    s.epoch_loss_sum = j.at("epoch_loss_sum").get<double>();
    s.epoch_groups = j.at("epoch_groups").get<int64_t>();
    s.epoch_seconds = j.at("epoch_seconds").get<double>();
    s.stopped_early = j.at("stopped_early").get<bool>();
    s.schedule = j.at("schedule");
    s.early_stopping = j.at("early_stopping");
    s.history = history_from_csv(archive.history_csv, source);
    schedule_.restore(s.schedule);
    early_stopping_.restore(s.early_stopping);
    state_ = std::move(s);
  } catch (const nlohmann::json::exception& e) {
    throw_io_error(source, std::string(kStateMember) + " is malformed (" + e.what() + ")");
  }
}

double Trainer::run_batch(const std::vector<int64_t>& ids, int64_t global_groups, int epoch,
                          int64_t batch_index) {
  optimizer_->zero_grad();
  double loss = 0;
  if (!ids.empty()) {
    const auto batch = data_->batch(ids, device_);
    const auto terms = model::compute_loss(*model_, batch, data_->intensity_scale(), config_);
    loss = terms.total.item<double>();
    if (!std::isfinite(loss)) {
      throw NumericalError(
          "training loss is " + std::to_string(loss) + " at epoch " + std::to_string(epoch + 1) + ", batch " +
          std::to_string(batch_index + 1) +
          "; likely causes: a learning rate too high for this data (learning_rate = " +
          std::to_string(config_.learning_rate) +
          "), an intensity scale far from the data's counts (nphotons = " + std::to_string(config_.nphotons) +
          "), or non-finite values in the diffraction data. The last checkpoint is the state before this "
          "epoch.");
    }
    terms.total.backward();
  }
  if (control_ && control_->world_size > 1) {
    // This shard's share of the global batch's mean loss, summed over the ranks.
    const double share = static_cast<double>(ids.size()) / static_cast<double>(global_groups);
    std::vector<torch::Tensor> gradients;
    torch::NoGradGuard no_grad;
    for (auto& p : parameters_) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      p.mutable_grad().mul_(share);
      gradients.push_back(p.grad());
    }
    control_->reduce_gradients(gradients);
  }
  clip_gradients(config_, parameters_);
  // Before its release epoch the probe holds still: a zero gradient leaves Adam's moments at zero
  // (and SGD's momentum buffer), so nothing accumulated before the release pushes it afterwards.
  if (probe_parameter_.defined() && epoch < config_.probe_release_epoch &&
      probe_parameter_.grad().defined()) {
    probe_parameter_.mutable_grad().zero_();
  }
  optimizer_->step();
  return loss;
}

std::optional<double> Trainer::validation_loss() {
  if (validation_ids_.empty()) return std::nullopt;
  torch::NoGradGuard no_grad;
  // In a data-parallel run each rank evaluates its contiguous share of the validation groups and
  // the sums are added up, so the validation costs every rank 1/world of it, not all of it.
  const int world = control_ ? std::max(1, control_->world_size) : 1;
  const int rank = control_ ? control_->rank : 0;
  const auto n = static_cast<int64_t>(validation_ids_.size());
  const auto first = static_cast<size_t>(n * rank / world),
             last = static_cast<size_t>(n * (rank + 1) / world);
  double sum = 0;
  const auto size = static_cast<size_t>(config_.batch_size);
  for (size_t start = first; start < last; start += size) {
    const std::vector<int64_t> ids(validation_ids_.begin() + start,
                                   validation_ids_.begin() + std::min(last, start + size));
    const auto batch = data_->batch(ids, device_);
    sum += model::compute_loss(*model_, batch, data_->intensity_scale(), config_).total.item<double>() *
           ids.size();
  }
  if (world > 1) {
    std::vector<double> total = {sum};
    control_->all_reduce_sum(total);
    sum = total[0];
  }
  return sum / static_cast<double>(n);
}

CollapseMeasures Trainer::collapse_measures() {
  const auto& pool = validation_ids_.empty() ? train_ids_ : validation_ids_;
  const auto count = std::min<size_t>(pool.size(), static_cast<size_t>(kCollapseCheckGroups));
  const std::vector<int64_t> ids(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(count));
  return measure_collapse(*model_, data_->batch(ids, device_), data_->intensity_scale());
}

std::optional<double> Trainer::validation_nll_optimum() const {
  const bool pure_nll = config_.model.model_type == config::ModelType::kPinn &&
                        config_.torch_loss_mode == config::TorchLossMode::kPoisson && config_.mae_weight == 0;
  if (validation_ids_.empty() || !pure_nll) return std::nullopt;
  double sum = 0;
  const auto size = static_cast<size_t>(config_.batch_size);
  for (size_t start = 0; start < validation_ids_.size(); start += size) {
    const std::vector<int64_t> ids(validation_ids_.begin() + start,
                                   validation_ids_.begin() + std::min(validation_ids_.size(), start + size));
    const auto batch = data_->batch(ids, device_);
    sum += model::poisson_nll_optimum(batch.patterns * data_->intensity_scale()).item<double>() *
           config_.nll_weight * static_cast<double>(ids.size());
  }
  return sum / static_cast<double>(validation_ids_.size());
}

TrainStatus Trainer::run(TrainObserver& observer, const TrainControl& control) {
  control_ = &control;
  const int world = std::max(1, control.world_size);
  if (world > 1 && (!control.reduce_gradients || !control.all_reduce_sum)) {
    throw std::invalid_argument("Trainer::run: world_size = " + std::to_string(world) +
                                " needs reduce_gradients and all_reduce_sum");
  }
  // Global batches, the same on every rank; each rank trains on its shard.
  const data::BatchSampler sampler(train_groups(), config_.batch_size * world, /*shuffle=*/true,
                                   static_cast<uint64_t>(config_.runtime.seed));
  TrainPlan plan;
  plan.train_groups = train_groups();
  plan.validation_groups = validation_groups();
  plan.batches_per_epoch = sampler.batches_per_epoch();
  plan.epochs = config_.nepochs;
  plan.start_epoch = state_.epoch;
  plan.start_batch = state_.next_batch;
  plan.intensity_scale = data_->intensity_scale();
  plan.trainable_parameters = count_trainable_parameters(*model_);
  plan.device = device_.str();
  observer.on_start(plan);

  auto checkpoint = [&] {
    if (!control.checkpoint_path) return;
    save_checkpoint(*control.checkpoint_path);
    observer.on_checkpoint(*control.checkpoint_path);
  };
  using Clock = std::chrono::steady_clock;
  if (state_.stopped_early) return TrainStatus::kEarlyStopped;
  while (state_.epoch < config_.nepochs) {
    const int epoch = state_.epoch;
    const double lr = schedule_.learning_rate(epoch);
    set_learning_rate(*optimizer_, lr, config_.probe_learning_rate / config_.learning_rate);
    model_->train();
    const auto batches = sampler.epoch(epoch);
    for (auto b = static_cast<size_t>(state_.next_batch); b < batches.size(); ++b) {
      bool stop = control.stop_requested && control.stop_requested();
      if (world > 1) {
        // Every rank stops together when any rank was asked to.
        std::vector<double> flag = {stop ? 1.0 : 0.0};
        control.all_reduce_sum(flag);
        stop = flag[0] > 0;
      }
      if (stop) {
        checkpoint();
        control_ = nullptr;
        return TrainStatus::kInterrupted;
      }
      const auto started = Clock::now();
      const auto& global = batches[b];
      const auto n = static_cast<int64_t>(global.size());
      // Rank r's shard: [r n / W, (r + 1) n / W), contiguous, sizes differing by at most one.
      const int64_t begin = n * control.rank / world, end = n * (control.rank + 1) / world;
      std::vector<int64_t> ids;
      ids.reserve(static_cast<size_t>(end - begin));
      for (int64_t k = begin; k < end; ++k)
        ids.push_back(train_ids_[static_cast<size_t>(global[static_cast<size_t>(k)])]);
      model_->set_overlap_weight(
          overlap_weight(overlap_warmup_epochs(config_), epoch,
                         static_cast<double>(b + 1) / static_cast<double>(batches.size())));
      double loss = run_batch(ids, n, epoch, static_cast<int64_t>(b));
      if (world > 1) {
        std::vector<double> sum = {loss * static_cast<double>(ids.size())};
        control.all_reduce_sum(sum);
        loss = sum[0] / static_cast<double>(n);
      }
      state_.epoch_loss_sum += loss * static_cast<double>(n);
      state_.epoch_groups += n;
      state_.next_batch = static_cast<int64_t>(b) + 1;
      state_.epoch_seconds += std::chrono::duration<double>(Clock::now() - started).count();
      observer.on_batch({epoch, static_cast<int64_t>(b), static_cast<int64_t>(batches.size()), loss,
                         state_.epoch_loss_sum / static_cast<double>(state_.epoch_groups), lr, n});
    }
    const auto started = Clock::now();
    EpochRecord record;
    record.epoch = epoch + 1;
    record.train_loss =
        state_.epoch_loss_sum / static_cast<double>(std::max<int64_t>(1, state_.epoch_groups));
    model_->eval();
    record.val_loss = validation_loss();
    const CollapseMeasures collapse = collapse_measures();
    record.amplitude_spread = collapse.amplitude_spread;
    record.phase_spread = collapse.phase_spread;
    record.pattern_correlation = collapse.pattern_correlation;
    std::vector<double> correlations;
    for (const auto& earlier : state_.history)
      correlations.push_back(earlier.pattern_correlation.value_or(1.0));
    correlations.push_back(collapse.pattern_correlation);
    record.collapsed = looks_collapsed(collapse) || ignores_patterns(correlations);
    record.learning_rate = lr;
    record.seconds = state_.epoch_seconds + std::chrono::duration<double>(Clock::now() - started).count();
    schedule_.end_epoch(epoch, record.val_loss.value_or(record.train_loss));
    state_.stopped_early = early_stopping_.end_epoch(record.train_loss);
    state_.history.push_back(record);
    state_.epoch = epoch + 1;
    state_.next_batch = 0;
    state_.epoch_loss_sum = 0;
    state_.epoch_groups = 0;
    state_.epoch_seconds = 0;
    state_.schedule = schedule_.state();
    state_.early_stopping = early_stopping_.state();
    checkpoint();
    observer.on_epoch(record);
    if (state_.stopped_early) {
      control_ = nullptr;
      return TrainStatus::kEarlyStopped;
    }
  }
  control_ = nullptr;
  return TrainStatus::kCompleted;
}

bundle::ModelArchive Trainer::archive() const {
  bundle::ModelArchive a;
  a.manifest.software_version = kVersion;
  a.manifest.created_utc = utc_now();
  a.manifest.model_type = config::to_string(config_.model.model_type);
  a.manifest.merge_denominator = config::to_string(model_->options().merge);
  a.manifest.trainable_parameters = count_trainable_parameters(*model_);
  a.config = config_;
  // The data scale s the inputs and targets were scaled with; the trained exp(w) is the weight
  // `log_scale`. Rebuilding with s and loading w reproduces the training-time input scaling s/exp(w).
  a.intensity_scale = data_->intensity_scale();
  a.probe = model_->probe().detach().to(torch::kCPU).clone();
  a.weights = bundle::state_of(*model_);
  a.history_csv = history_to_csv(state_.history);
  return a;
}

void Trainer::save_checkpoint(const std::filesystem::path& path) const {
  auto a = archive();
  a.extra_members[kOptimizerMember] = save_optimizer_state(*optimizer_);
  a.extra_members[kStateMember] = state_to_json(state_).dump(2);
  bundle::save_archive(path, a);
}

}  // namespace ptychopinn::train
