// `ptychopinn train`: train a PINN (or the supervised baseline) on an NPZ dataset and write the
// model archive, the training curves, the effective configuration, a log and checkpoints.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "config_options.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/config/yaml_io.h"
#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/physics/canvas.h"
#include "ptychopinn/train/execution.h"
#include "ptychopinn/train/trainer.h"
#include "ptychopinn/util/progress.h"

namespace ptychopinn::cli {
namespace {

namespace fs = std::filesystem;

// A signal handler can only set a flag; this is the one piece of process-wide state the command
// has, and it lives only while run_train() runs (the previous handlers are restored).
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

class SignalScope {
 public:
  SignalScope() {
    g_stop_signal = 0;
    previous_int_ = std::signal(SIGINT, on_stop_signal);
    previous_term_ = std::signal(SIGTERM, on_stop_signal);
  }
  ~SignalScope() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  void (*previous_int_)(int) = SIG_DFL;
  void (*previous_term_)(int) = SIG_DFL;
};

std::string scientific(double v) {
  std::ostringstream s;
  s << std::setprecision(4) << v;
  return s.str();
}

// Progress on stderr, epoch lines on stderr and in train.log, history.csv after every epoch.
class CliObserver : public train::TrainObserver {
 public:
  CliObserver(bool quiet, std::ostream& log, fs::path history_path, const train::Trainer& trainer)
      : quiet_(quiet), log_(log), history_path_(std::move(history_path)), trainer_(trainer) {}

  void on_start(const train::TrainPlan& plan) override {
    plan_ = plan;
    std::ostringstream s;
    s << "training " << plan.train_groups << " groups (" << plan.validation_groups << " held out for validation), "
      << plan.batches_per_epoch << " batches per epoch, " << plan.epochs << " epochs, on " << plan.device << ", "
      << plan.trainable_parameters << " trainable parameters, intensity scale " << scientific(plan.intensity_scale);
    if (plan.start_epoch > 0 || plan.start_batch > 0) {
      s << "; resuming at epoch " << plan.start_epoch + 1 << ", batch " << plan.start_batch + 1;
    }
    say(s.str());
  }

  void on_batch(const train::BatchReport& r) override {
    if (!bar_ || bar_epoch_ != r.epoch) {
      ProgressOptions o;
      o.label = "epoch " + std::to_string(r.epoch + 1) + "/" + std::to_string(plan_.epochs);
      o.total = r.batches;
      o.unit = "batch";
      o.enabled = !quiet_;
      bar_ = std::make_unique<ProgressBar>(o);
      bar_epoch_ = r.epoch;
      groups_ = 0;
      started_ = std::chrono::steady_clock::now();
    }
    groups_ += r.groups;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::ostringstream extra;
    extra << "loss " << scientific(r.epoch_loss) << " lr " << scientific(r.learning_rate);
    if (seconds > 0) extra << " " << std::fixed << std::setprecision(1) << groups_ / seconds << " groups/s";
    bar_->update(r.batch + 1, extra.str());
  }

  void on_epoch(const train::EpochRecord& r) override {
    if (bar_) bar_->finish();
    bar_.reset();
    std::ostringstream s;
    s << "epoch " << r.epoch << "/" << plan_.epochs << ": train_loss " << scientific(r.train_loss) << ", val_loss "
      << (r.val_loss ? scientific(*r.val_loss) : std::string("-")) << ", lr " << scientific(r.learning_rate) << ", "
      << std::fixed << std::setprecision(1) << r.seconds << " s";
    say(s.str());
    io::write_file_atomic(history_path_.string(), train::history_to_csv(trainer_.state().history));
  }

  void say(const std::string& line) {
    if (!quiet_) std::cerr << line << "\n";
    log_ << line << std::endl;
  }

 private:
  bool quiet_;
  std::ostream& log_;
  fs::path history_path_;
  const train::Trainer& trainer_;
  train::TrainPlan plan_;
  std::unique_ptr<ProgressBar> bar_;
  int bar_epoch_ = -1;
  int64_t groups_ = 0;
  std::chrono::steady_clock::time_point started_;
};

// The reference's object_big merge divides by Σ T(Mcen) + 0.001, so whatever the decoder puts
// outside the central N/2 x N/2 block reaches the canvas multiplied by 1000 (spec §1.3). With the
// simulated disk probe nothing lights that border; a measured probe often does, and training then
// drives the object to zero. A sentence for the user when that is likely.
std::optional<std::string> border_gain_warning(const config::TrainingConfig& config, const torch::Tensor& probe) {
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
         "decoder's border by 1000 (the reference's merge); training then tends to drive the object to zero. " +
         (config.model.gridsize == 1 ? "With gridsize 1, use --object_big false."
                                     : "Use --merge_denominator co_masked (or --probe_big false).");
}

}  // namespace

int run_train(const std::vector<std::string>& args) {
  CLI::App app{
      "Trains PtychoPINN on a dataset (NPZ, diffraction as amplitudes) and writes to --output_dir:\n"
      "  wts.h5.zip      the model archive (ptychopinn infer, ptychodus)\n"
      "  history.csv     epoch, train_loss, val_loss, lr, seconds\n"
      "  config.yaml     the effective configuration\n"
      "  train.log       what was printed\n"
      "  checkpoints/    latest.zip, replaced at every epoch end (--resume continues from it)\n"
      "Settings: --profile, then --config YAML files, then --set key=value and the --<field> flags (the\n"
      "reference's names; hyphens work too). Ctrl-C finishes the current batch, writes a checkpoint and exits.",
      "train"};
  config::ConfigSources sources;
  bool resume = false, quiet = false;
  add_config_source_options(app, sources);
  app.add_flag("--resume", resume, "continue from <output_dir>/checkpoints/latest.zip");
  app.add_flag("-q,--quiet", quiet, "no progress or epoch lines on stderr (train.log still gets them)");
  add_field_options(app, config::training_fields(), sources);
  if (auto rc = parse_args(app, args)) return *rc;

  std::vector<std::string> warnings;
  config::Origins origins;
  auto config = config::resolve_training_config(sources, &warnings, &origins);
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!config.train_data_file) {
    std::cerr << "error: train: --train_data_file is required (an NPZ dataset; see docs/formats.md)\n";
    return 1;
  }
  const fs::path output_dir = config.output_dir;
  const fs::path checkpoint = output_dir / "checkpoints" / "latest.zip";
  if (resume && !fs::exists(checkpoint)) {
    std::cerr << "error: train: --resume: " << checkpoint.string()
              << " does not exist; expected the checkpoint of an earlier run with this --output_dir\n";
    return 1;
  }
  fs::create_directories(output_dir / "checkpoints");
  std::ofstream log(output_dir / "train.log", resume ? std::ios::app : std::ios::trunc);
  if (!log) {
    std::cerr << "error: train: cannot write " << (output_dir / "train.log").string() << "\n";
    return 1;
  }
  const int threads = train::configure_threads(config.runtime.threads);
  const auto device = train::resolve_device(config.runtime.device);
  auto data = data::prepare_data(*config.train_data_file, data::pipeline_options(config, &origins));
  // The effective nphotons (config.yaml, the archive) is the dataset's when it came from there.
  if (!config::set_by_user(origins, "nphotons") && data.dataset->metadata_nphotons()) {
    config.nphotons = *data.dataset->metadata_nphotons();
  }
  if (auto warning = border_gain_warning(config, data.dataset->probe())) data.messages.push_back(*warning);
  for (const auto& m : data.messages) {
    std::cerr << "note: " << m << "\n";
    log << "note: " << m << std::endl;
  }
  io::write_file_atomic((output_dir / "config.yaml").string(), config::to_yaml(config));
  train::Trainer trainer(config, data.groups, data.dataset->probe(), device);
  if (resume) trainer.resume_from(checkpoint);

  CliObserver observer(quiet, log, output_dir / "history.csv", trainer);
  observer.say("data " + *config.train_data_file + ", " + std::to_string(threads) + " CPU threads");
  train::TrainControl control;
  control.checkpoint_path = checkpoint;
  control.stop_requested = [] { return g_stop_signal != 0; };
  train::TrainStatus status;
  {
    SignalScope signals;
    status = trainer.run(observer, control);
  }
  if (status == train::TrainStatus::kInterrupted) {
    observer.say("interrupted: checkpoint written to " + checkpoint.string() +
                 "; continue with the same command and --resume");
    return 1;
  }
  const fs::path archive = output_dir / "wts.h5.zip";
  bundle::save_archive(archive, trainer.archive());
  observer.say(std::string(status == train::TrainStatus::kEarlyStopped ? "stopped early (training loss did not improve); "
                                                                        : "done; ") +
               "model archive " + archive.string());
  std::cout << archive.string() << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
