#include "ptychopinn/workflow/train_run.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>

#include "ptychopinn/config/yaml_io.h"
#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/distributed/communicator.h"
#include "ptychopinn/execution/execution.h"
#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/physics/canvas.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/fixed_point.h"
#include "ptychopinn/workflow/probe_refinement.h"
#include "ptychopinn/workflow/reconstruction_file.h"
#include "ptychopinn/workflow/reconstruction_outputs.h"
#include "ptychopinn/workflow/run_layout.h"

namespace ptychopinn::workflow {
namespace {

namespace fs = std::filesystem;

std::string scientific(double v) {
  std::ostringstream s;
  s << std::setprecision(4) << v;
  return s.str();
}

// The run's log: train.log of the writer (appended to on --resume), mirrored to the events.
class RunLog {
 public:
  RunLog(TrainRunEvents& events, std::ofstream* file) : events_(events), file_(file) {}
  void status(const std::string& line) {
    events_.on_status(line);
    if (file_) *file_ << line << std::endl;
  }
  void note(const std::string& text) {
    events_.on_note(text);
    if (file_) *file_ << "note: " << text << std::endl;
  }

 private:
  TrainRunEvents& events_;
  std::ofstream* file_;
};

// Forwards the loop's callbacks to the events, writes the start and epoch lines to the log and
// history.csv after every epoch.
class LoopObserver : public train::TrainObserver {
 public:
  LoopObserver(TrainRunEvents& events, RunLog& log, std::optional<fs::path> history_path,
               const train::Trainer& trainer)
      : events_(events), log_(log), history_path_(std::move(history_path)), trainer_(trainer) {}

  void on_start(const train::TrainPlan& plan) override {
    epochs_ = plan.epochs;
    std::ostringstream s;
    s << "training " << plan.train_groups << " groups (" << plan.validation_groups
      << " held out for validation), " << plan.batches_per_epoch << " batches per epoch, " << plan.epochs
      << " epochs, on " << plan.device << ", " << plan.trainable_parameters
      << " trainable parameters, intensity scale " << scientific(plan.intensity_scale);
    if (plan.start_epoch > 0 || plan.start_batch > 0) {
      s << "; resuming at epoch " << plan.start_epoch + 1 << ", batch " << plan.start_batch + 1;
    }
    log_.status(s.str());
    events_.on_start(plan);
  }

  void on_batch(const train::BatchReport& r) override { events_.on_batch(r); }

  void on_epoch(const train::EpochRecord& r) override {
    events_.on_epoch(r);
    std::ostringstream s;
    s << "epoch " << r.epoch << "/" << epochs_ << ": train_loss " << scientific(r.train_loss) << ", val_loss "
      << (r.val_loss ? scientific(*r.val_loss) : std::string("-")) << ", lr " << scientific(r.learning_rate)
      << ", " << std::fixed << std::setprecision(1) << r.seconds << " s";
    log_.status(s.str());
    if (r.collapsed && !warned_collapse_) {
      warned_collapse_ = true;
      const train::CollapseMeasures m{r.amplitude_spread.value_or(0), r.phase_spread.value_or(0),
                                      r.pattern_correlation.value_or(0)};
      const std::string warning = train::collapse_warning(m, r.epoch);
      log_.note(warning);
    }
    if (history_path_) {
      io::write_file_atomic(history_path_->string(), train::history_to_csv(trainer_.state().history));
    }
  }

  void on_checkpoint(const fs::path& path) override { events_.on_checkpoint(path); }

 private:
  TrainRunEvents& events_;
  RunLog& log_;
  std::optional<fs::path> history_path_;
  const train::Trainer& trainer_;
  int epochs_ = 0;
  bool warned_collapse_ = false;
};

// A checksum of every parameter's bytes (FNV-1a), to show that data-parallel replicas agree.
std::string weights_checksum(const torch::nn::Module& module) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& p : module.parameters()) {
    const auto t = p.detach().to(torch::kCPU).contiguous();
    const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
    for (std::size_t i = 0, n = static_cast<std::size_t>(t.numel()) * t.element_size(); i < n; ++i) {
      h = (h ^ bytes[i]) * 1099511628211ull;
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

}  // namespace

// The reference's object_big merge divides by Σ T(Mcen) + 0.001, so whatever the decoder puts
// outside the central N/2 x N/2 block reaches the canvas multiplied by 1000. With the simulated
// disk probe nothing lights that border; a measured probe often does, and training then drives the
// object to zero.
std::optional<std::string> border_gain_warning(const config::TrainingConfig& config,
                                               const torch::Tensor& probe) {
  if (!config.model.object_big || !config.model.probe_big ||
      config.model.merge_denominator != config::MergeDenominator::kReference) {
    return std::nullopt;
  }
  const auto energy = probe.abs().square().to(torch::kFloat64);
  const auto ring = 1 - physics::center_mask(probe.size(-1), energy.options());
  const double outside = (energy * ring).sum().item<double>() / std::max(1e-300, energy.sum().item<double>());
  if (outside < 0.01) return std::nullopt;
  char share[32];
  std::snprintf(share, sizeof share, "%.1f%%", 100 * outside);
  return std::string("the probe has ") + share +
         " of its energy outside the central N/2 x N/2 block, where the object_big merge multiplies the "
         "decoder's border by 1000 (the reference's merge); training then tends to drive the object to "
         "zero. " +
         "Use --merge_denominator probe_weighted (the default).";
}

TrainRunResult train_run(TrainRunRequest request, TrainRunEvents& events) {
  config::TrainingConfig& config = request.config;
  if (!request.data && !config.train_data_file) {
    throw std::invalid_argument(
        "train: train_data_file is not set; expected an NPZ dataset (docs/formats.md)");
  }
  data::DataSource source;
  if (request.data) {
    source = *request.data;
    if (!source.arrays && !config.train_data_file) config.train_data_file = source.path;
  } else {
    source.path = *config.train_data_file;
  }
  const auto dist = distributed::dist_env_from_environment();
  // Rank 0 (or the only process) speaks and, when asked to, writes the run folder; the other ranks
  // of a data-parallel run stay silent.
  const bool speaks = !dist || dist->rank == 0;
  TrainRunEvents silent;
  TrainRunEvents& out = speaks ? events : silent;
  TrainRunResult result;
  result.writer = request.write_files && speaks;
  std::unique_ptr<distributed::Communicator> comm;
  if (dist && dist->world_size > 1) {
    if (request.dist_backend == "nccl") {
      throw std::invalid_argument(
          "train: dist_backend = nccl; expected gloo: this build of LibTorch has Gloo, not NCCL (NCCL needs "
          "a CUDA "
          "build)");
    }
    comm = std::make_unique<distributed::Communicator>(
        *dist, std::chrono::milliseconds(static_cast<int64_t>(request.dist_timeout_s * 1000)));
  }
  const fs::path output_dir = config.output_dir;
  const fs::path checkpoint = layout::checkpoint_path(output_dir);
  if (request.resume && !fs::exists(checkpoint)) {
    throw std::invalid_argument(
        "train: resume: " + checkpoint.string() +
        " does not exist; expected the checkpoint of an earlier run with this output_dir");
  }
  std::ofstream log_file;
  if (result.writer) {
    fs::create_directories(output_dir / layout::kCheckpointDir);
    const fs::path log_path = output_dir / layout::kTrainLog;
    log_file.open(log_path, request.resume ? std::ios::app : std::ios::trunc);
    if (!log_file) throw_io_error(log_path.string(), "cannot be written");
    result.checkpoint_path = checkpoint;
  }
  RunLog log(out, result.writer ? &log_file : nullptr);

  const execution::ThreadChoice threads = execution::configure_threads(config.runtime.threads);
  const auto device = execution::resolve_device(config.runtime.device);
  auto options = data::pipeline_options(config, &request.origins);
  auto data = data::prepare_data(source, options);
  // The effective nphotons (config.yaml, the archive) is the one the pipeline scaled the data with.
  config.nphotons = data.nphotons;
  torch::Tensor probe = data.dataset->probe();
  if (config.probe_file) {
    probe = read_starting_probe(*config.probe_file);
    if (probe.size(0) != config.model.N) {
      throw std::invalid_argument("probe_file " + *config.probe_file + " holds a " +
                                  std::to_string(probe.size(0)) + " x " + std::to_string(probe.size(1)) +
                                  " probe; expected N x N = " + std::to_string(config.model.N) + " x " +
                                  std::to_string(config.model.N));
    }
    data.messages.push_back("the starting probe comes from " + *config.probe_file + ", not the dataset");
  }
  if (auto warning = border_gain_warning(config, probe)) data.messages.push_back(*warning);
  for (const auto& m : data.messages) log.note(m);
  // The run records the count it used (as it records nphotons), so a resumed run agrees with its
  // checkpoint; on resume the checkpoint restores the refined probe and nothing is refined again.
  config.probe_refinement_iterations = probe_refinement_iterations(config, *data.dataset);
  if (!config.overlap_warmup_epochs && train::overlap_warmup_epochs(config) > 0) {
    log.note("gridsize " + std::to_string(config.model.gridsize) +
             ": the views move from each member's own " + "patch to the overlap canvas over " +
             std::to_string(train::overlap_warmup_epochs(config)) +
             " epochs (overlap_warmup_epochs = 0 merges from the start)");
  }
  config.overlap_warmup_epochs = train::overlap_warmup_epochs(config);
  if (*config.probe_refinement_iterations > 0 && !request.resume) {
    log.status("refining the starting probe: " + std::to_string(*config.probe_refinement_iterations) +
               " LSQML iterations on the scan's central patterns");
    const ProbeRefinement refined =
        refine_probe(*data.dataset, probe, *config.probe_refinement_iterations, device);
    probe = refined.probe;
    // Every rank refines the same patterns the same way; rank 0's result makes it certain.
    if (comm) {
      std::vector<torch::Tensor> shared{probe};
      comm->broadcast(shared, 0);
      probe = shared.front();
    }
    log.note("the starting probe was refined by " + std::to_string(refined.iterations) +
             " LSQML iterations on " + std::to_string(refined.patterns) + " patterns in " +
             fixed(refined.seconds, 1) + " s (Fourier error " + scientific(refined.fourier_error) +
             "); its overlap with the probe it started from is " + fixed(refined.overlap, 3) +
             " (probe_refinement_iterations = 0 keeps the probe as given)");
  }
  if (result.writer) {
    std::string yaml = config::to_yaml(config);
    if (comm) {
      yaml = "# data-parallel: " + std::to_string(dist->world_size) +
             " processes; batch_size is per process, the global batch is " +
             std::to_string(config.batch_size * dist->world_size) + "\n" + yaml;
    }
    io::write_file_atomic((output_dir / layout::kConfig).string(), yaml);
  }
  train::Trainer trainer(config, data.groups, probe, device);
  if (request.resume) trainer.resume_from(checkpoint);

  LoopObserver observer(out, log,
                        result.writer ? std::optional<fs::path>(output_dir / layout::kHistory) : std::nullopt,
                        trainer);
  log.status("data " + source.name() + ", " + threads.describe() +
             (comm ? ", rank " + std::to_string(dist->rank) + " of " + std::to_string(dist->world_size) +
                         " (gloo), global batch " + std::to_string(config.batch_size * dist->world_size)
                   : std::string()));
  train::TrainControl control;
  if (result.writer) control.checkpoint_path = checkpoint;
  if (comm) {
    // Start from rank 0's weights (every rank initialised from the same seed; this makes it certain).
    std::vector<torch::Tensor> weights;
    for (const auto& p : trainer.model()->parameters()) weights.push_back(p.detach());
    comm->broadcast(weights, 0);
    control.rank = dist->rank;
    control.world_size = dist->world_size;
    control.reduce_gradients = [&comm](const std::vector<torch::Tensor>& g) { comm->all_reduce_sum(g); };
    control.all_reduce_sum = [&comm](std::vector<double>& v) { comm->all_reduce_sum(v); };
  }
  control.stop_requested = [&events] { return events.stop_requested(); };
  result.status = trainer.run(observer, control);
  result.history = trainer.state().history;
  result.archive = trainer.archive();
  if (result.status == train::TrainStatus::kInterrupted) {
    if (result.writer) {
      log.status("interrupted: checkpoint written to " + checkpoint.string() +
                 "; continue with the same command and --resume");
    }
    return result;
  }
  if (comm) {
    // The replicas must agree; each rank reports its weights' checksum (equal on every rank).
    const auto& stats = comm->stats();
    std::ostringstream s;
    s << "rank " << dist->rank << " of " << dist->world_size << ": weights checksum "
      << weights_checksum(*trainer.model()) << "; gradient all-reduce " << std::fixed << std::setprecision(2)
      << 1000 * stats.gradient_seconds / static_cast<double>(std::max<int64_t>(1, stats.gradient_reductions))
      << " ms per step over " << stats.gradient_reductions << " steps";
    result.rank_summary = s.str();
    comm->barrier();
  }
  if (!result.writer) return result;
  const fs::path archive = output_dir / layout::kArchive;
  bundle::save_archive(archive, result.archive);
  result.archive_path = archive;
  // The probe the model ends with: the starting one, or what a trainable probe became.
  write_probe_picture((output_dir / layout::kProbePicture).string(), result.archive.probe);
  log.status(std::string(result.status == train::TrainStatus::kEarlyStopped
                             ? "stopped early (training loss did not improve); "
                             : "done; ") +
             "model archive " + archive.string());
  return result;
}

}  // namespace ptychopinn::workflow
