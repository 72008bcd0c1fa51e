// `ptychopinn train`: train a PINN (or the supervised baseline) on an NPZ dataset and write the
// model archive, the training curves, the effective configuration, a log and checkpoints.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
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
#include "ptychopinn/distributed/communicator.h"
#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/physics/canvas.h"
#include "ptychopinn/train/execution.h"
#include "ptychopinn/train/trainer.h"
#include "ptychopinn/util/progress.h"
#include "spawn_workers.h"

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
    if (!history_path_.empty()) {
      io::write_file_atomic(history_path_.string(), train::history_to_csv(trainer_.state().history));
    }
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

// The worker's arguments: the launcher's, without the options only the launcher reads.
std::vector<std::string> without_launcher_options(const std::vector<std::string>& args) {
  const std::vector<std::string> names = {"--nproc_per_node", "--nproc-per-node", "--nnodes", "--node_rank",
                                          "--node-rank", "--master_addr", "--master-addr", "--master_port",
                                          "--master-port"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto eq = a.find('=');
    const std::string name = a.substr(0, eq);
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      if (eq == std::string::npos) ++i;  // its value is the next argument
      continue;
    }
    out.push_back(a);
  }
  return out;
}

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
  std::string dist_backend = "auto";
  double dist_timeout = 300;
  add_config_source_options(app, sources);
  app.add_flag("--resume", resume, "continue from <output_dir>/checkpoints/latest.zip");
  app.add_option("--dist_backend,--dist-backend", dist_backend,
                 "torch.distributed backend when RANK/WORLD_SIZE are set (torchrun's environment): gloo (CPU), "
                 "nccl (CUDA builds) or auto")
      ->check(CLI::IsMember({"auto", "gloo", "nccl"}))
      ->capture_default_str();
  SpawnOptions spawn;
  app.add_option("--nproc_per_node,--nproc-per-node", spawn.nproc_per_node,
                 "start this many worker processes on this node, as torchrun does (data-parallel training; "
                 "docs/distributed.md)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--nnodes", spawn.nnodes, "nodes taking part (the same command runs on each)")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  app.add_option("--node_rank,--node-rank", spawn.node_rank, "this node's number, 0 .. nnodes - 1")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--master_addr,--master-addr", spawn.master_addr,
                 "address of node 0 (default $MASTER_ADDR, else 127.0.0.1)");
  app.add_option("--master_port,--master-port", spawn.master_port, "port on node 0 (default $MASTER_PORT, else 29500)")
      ->check(CLI::Range(1, 65535));
  app.add_option("--dist_timeout,--dist-timeout", dist_timeout,
                 "seconds a rank waits for the others (joining, each all-reduce) before it gives up and exits")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "no progress or epoch lines on stderr (train.log still gets them)");
  add_field_options(app, config::training_fields(), sources);
  if (auto rc = parse_args(app, args)) return *rc;
  if ((spawn.nproc_per_node > 1 || spawn.nnodes > 1) && std::getenv("WORLD_SIZE") == nullptr) {
    if (spawn.node_rank >= spawn.nnodes) {
      std::cerr << "error: train: --node_rank " << spawn.node_rank << "; expected 0 .. " << spawn.nnodes - 1 << "\n";
      return 1;
    }
    return spawn_train_workers(spawn, without_launcher_options(args));
  }

  std::vector<std::string> warnings;
  config::Origins origins;
  auto config = config::resolve_training_config(sources, &warnings, &origins);
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!config.train_data_file) {
    std::cerr << "error: train: --train_data_file is required (an NPZ dataset; see docs/formats.md)\n";
    return 1;
  }
  const auto dist = distributed::dist_env_from_environment();
  const bool writer = !dist || dist->rank == 0;  // rank 0 alone writes files
  std::unique_ptr<distributed::Communicator> comm;
  if (dist && dist->world_size > 1) {
    if (dist_backend == "nccl") {
      std::cerr << "error: train: --dist_backend nccl needs a CUDA build of LibTorch with NCCL; this one has Gloo "
                   "(use --dist_backend gloo)\n";
      return 1;
    }
    comm = std::make_unique<distributed::Communicator>(
        *dist, std::chrono::milliseconds(static_cast<int64_t>(dist_timeout * 1000)));
  }
  const fs::path output_dir = config.output_dir;
  const fs::path checkpoint = output_dir / "checkpoints" / "latest.zip";
  if (resume && !fs::exists(checkpoint)) {
    std::cerr << "error: train: --resume: " << checkpoint.string()
              << " does not exist; expected the checkpoint of an earlier run with this --output_dir\n";
    return 1;
  }
  if (writer) fs::create_directories(output_dir / "checkpoints");
  std::ofstream log;
  if (writer) log.open(output_dir / "train.log", resume ? std::ios::app : std::ios::trunc);
  if (writer && !log) {
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
    if (!writer) break;
    std::cerr << "note: " << m << "\n";
    log << "note: " << m << std::endl;
  }
  if (writer) {
    std::string yaml = config::to_yaml(config);
    if (comm) {
      yaml = "# data-parallel: " + std::to_string(dist->world_size) + " processes; batch_size is per process, the "
             "global batch is " + std::to_string(config.batch_size * dist->world_size) + "\n" + yaml;
    }
    io::write_file_atomic((output_dir / "config.yaml").string(), yaml);
  }
  train::Trainer trainer(config, data.groups, data.dataset->probe(), device);
  if (resume) trainer.resume_from(checkpoint);

  CliObserver observer(quiet || !writer, log, writer ? output_dir / "history.csv" : fs::path(), trainer);
  observer.say("data " + *config.train_data_file + ", " + std::to_string(threads) + " CPU threads" +
               (comm ? ", rank " + std::to_string(dist->rank) + " of " + std::to_string(dist->world_size) +
                           " (gloo), global batch " + std::to_string(config.batch_size * dist->world_size)
                     : std::string()));
  train::TrainControl control;
  if (writer) control.checkpoint_path = checkpoint;
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
  if (comm) {
    // The replicas must agree; each rank prints its weights' checksum (equal on every rank).
    const auto& stats = comm->stats();
    std::cerr << "rank " << dist->rank << " of " << dist->world_size << ": weights checksum "
              << weights_checksum(*trainer.model()) << "; gradient all-reduce " << std::fixed << std::setprecision(2)
              << 1000 * stats.gradient_seconds / static_cast<double>(std::max<int64_t>(1, stats.gradient_reductions))
              << " ms per step over " << stats.gradient_reductions << " steps\n";
    comm->barrier();
  }
  if (!writer) return 0;
  const fs::path archive = output_dir / "wts.h5.zip";
  bundle::save_archive(archive, trainer.archive());
  observer.say(std::string(status == train::TrainStatus::kEarlyStopped ? "stopped early (training loss did not improve); "
                                                                        : "done; ") +
               "model archive " + archive.string());
  std::cout << archive.string() << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
