// `ptychopinn train`: train a PINN (or the supervised baseline) on an NPZ dataset and write the
// model archive, the training curves, the effective configuration, a log and checkpoints.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "config_options.h"
#include "ptychopinn/util/progress.h"
#include "ptychopinn/workflow/train_run.h"
#include "spawn_workers.h"
#include "stop_signal.h"

namespace ptychopinn::cli {
namespace {

std::string scientific(double v) {
  std::ostringstream s;
  s << std::setprecision(4) << v;
  return s.str();
}

// What the run reports, on stderr: notes, the log's lines, and a progress bar per epoch.
class TrainCliEvents : public workflow::TrainRunEvents {
 public:
  explicit TrainCliEvents(bool quiet) : quiet_(quiet) {}

  void on_start(const train::TrainPlan& plan) override { epochs_ = plan.epochs; }

  void on_batch(const train::BatchReport& r) override {
    if (!bar_ || bar_epoch_ != r.epoch) {
      ProgressOptions o;
      o.label = "epoch " + std::to_string(r.epoch + 1) + "/" + std::to_string(epochs_);
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

  void on_epoch(const train::EpochRecord&) override {
    if (bar_) bar_->finish();
    bar_.reset();
  }

  void on_note(const std::string& text) override { std::cerr << "note: " << text << "\n"; }
  void on_status(const std::string& line) override {
    if (!quiet_) std::cerr << line << "\n";
  }
  bool stop_requested() override { return StopSignalScope::stop_requested(); }

 private:
  bool quiet_;
  int epochs_ = 0;
  std::unique_ptr<ProgressBar> bar_;
  int bar_epoch_ = -1;
  int64_t groups_ = 0;
  std::chrono::steady_clock::time_point started_;
};

// The worker's arguments: the launcher's, without the options only the launcher reads.
std::vector<std::string> without_launcher_options(const std::vector<std::string>& args) {
  const std::vector<std::string> names = {"--nproc_per_node", "--nproc-per-node", "--nnodes",
                                          "--node_rank",      "--node-rank",      "--master_addr",
                                          "--master-addr",    "--master_port",    "--master-port"};
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

}  // namespace

int run_train(const std::vector<std::string>& args) {
  CLI::App app{
      "Trains PtychoPINN on a dataset (NPZ, diffraction as amplitudes) and writes to --output_dir:\n"
      "  wts.h5.zip      the model archive (ptychopinn infer, ptychodus)\n"
      "  history.csv     epoch, train_loss, val_loss, lr, seconds and the collapse check (amplitude_spread,\n"
      "                  phase_spread, pattern_correlation, collapsed)\n"
      "  probe.png       the probe the model ends with\n"
      "  config.yaml     the effective configuration\n"
      "  train.log       what was printed\n"
      "  checkpoints/    latest.zip, replaced at every epoch end (--resume continues from it)\n"
      "Settings: --profile, then --config YAML files, then --set key=value and the --<field> flags (the\n"
      "reference's names; hyphens work too). Ctrl-C finishes the current batch, writes a checkpoint and "
      "exits.",
      "train"};
  config::ConfigSources sources;
  bool resume = false, quiet = false;
  std::string dist_backend = "auto";
  double dist_timeout = 300;
  add_config_source_options(app, sources);
  app.add_flag("--resume", resume, "continue from <output_dir>/checkpoints/latest.zip");
  app.add_option(
         "--dist_backend,--dist-backend", dist_backend,
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
  app.add_option("--master_port,--master-port", spawn.master_port,
                 "port on node 0 (default $MASTER_PORT, else 29500)")
      ->check(CLI::Range(1, 65535));
  app.add_option(
         "--dist_timeout,--dist-timeout", dist_timeout,
         "seconds a rank waits for the others (joining, each all-reduce) before it gives up and exits")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "no progress or epoch lines on stderr (train.log still gets them)");
  add_field_options(app, config::training_fields(), sources);
  if (auto rc = parse_args(app, args)) return *rc;
  if ((spawn.nproc_per_node > 1 || spawn.nnodes > 1) && std::getenv("WORLD_SIZE") == nullptr) {
    if (spawn.node_rank >= spawn.nnodes) {
      std::cerr << "error: train: --node_rank " << spawn.node_rank << "; expected 0 .. " << spawn.nnodes - 1
                << "\n";
      return 1;
    }
    return spawn_train_workers(spawn, without_launcher_options(args));
  }

  workflow::TrainRunRequest request;
  std::vector<std::string> warnings;
  request.config = config::resolve_training_config(sources, &warnings, &request.origins);
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!request.config.train_data_file) {
    std::cerr << "error: train: --train_data_file is required (an NPZ dataset; see docs/formats.md)\n";
    return 1;
  }
  request.resume = resume;
  request.dist_backend = dist_backend;
  request.dist_timeout_s = dist_timeout;
  TrainCliEvents events(quiet);
  workflow::TrainRunResult result;
  {
    StopSignalScope signals;
    result = workflow::train_run(std::move(request), events);
  }
  if (result.status == train::TrainStatus::kInterrupted) return 1;
  if (result.rank_summary) std::cerr << *result.rank_summary << "\n";
  if (result.archive_path) std::cout << result.archive_path->string() << "\n";
  return 0;
}

}  // namespace ptychopinn::cli
