// `ptychopinn iterate`: an iterative reconstruction (rPIE, ePIE, LSQML) of a dataset, with probe
// and position refinement, from a flat object, a given start, or a trained network's reconstruction.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/util/progress.h"
#include "ptychopinn/workflow/iterate_run.h"
#include "stop_signal.h"

namespace ptychopinn::cli {
namespace {

std::string number(double v, const char* format) {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

class IterateCliEvents : public workflow::IterateRunEvents {
 public:
  explicit IterateCliEvents(bool quiet) : quiet_(quiet) {}

  void on_note(const std::string& text) override { std::cerr << "note: " << text << "\n"; }

  void on_start(int64_t iterations) override {
    ProgressOptions o;
    o.label = "iterate";
    o.total = iterations;
    o.unit = "it";
    o.enabled = !quiet_;
    bar_.emplace(o);
  }

  bool on_iteration(const iterative::IterationReport& r) override {
    std::string extra = "error " + number(r.fourier_error, "%.5f");
    if (r.mode_powers.size() > 1) extra += " modes " + powers(r.mode_powers);
    if (r.positions_refined)
      extra += " positions moved " + number(r.position_rms_change_px, "%.2f") + " px rms";
    if (bar_) bar_->update(r.iteration + 1, extra);
    return true;
  }

  bool stop_requested() override { return StopSignalScope::stop_requested(); }

  void finish() {
    if (bar_ && !bar_->finished()) bar_->finish();
  }

  static std::string powers(const std::vector<double>& p) {
    std::string s;
    for (size_t k = 0; k < p.size(); ++k) s += (k ? "/" : "") + number(100 * p[k], "%.1f") + "%";
    return s;
  }

 private:
  bool quiet_;
  std::optional<ProgressBar> bar_;
};

}  // namespace

int run_iterate(const std::vector<std::string>& args) {
  CLI::App app{
      "Reconstructs a dataset with an iterative solver (docs/iterative.md) and writes to --output_dir:\n"
      "  reconstruction.npz   object, coverage, x_origin_px / y_origin_px, the refined probe [K, N, N]\n"
      "                       and positions (xcoords, ycoords), as infer writes it for evaluate and report\n"
      "  amplitude.png, phase.png, probe.png (every mode)\n"
      "  convergence.csv      iteration, fourier_error (sum (|F psi| - A)^2 / sum A^2), seconds\n"
      "  convergence.png      the error per iteration\n"
      "  product-out.h5       a ptychodus product with the refined probe and positions\n"
      "The start is a flat object unless --init (a reconstruction.npz, or a dataset's objectGuess) or\n"
      "--model_path (the hybrid: a trained network's reconstruction of the same patterns and its probe)\n"
      "is given. Ctrl-C stops after the current batch and writes the state so far.",
      "iterate"};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  workflow::IterateRunRequest request;
  iterative::IterativeOptions& o = request.options;
  std::string data_file, algorithm = iterative::to_string(o.algorithm),
                         noise = iterative::to_string(o.noise_model);
  std::string device = "auto", init, model_path;
  bool no_probe_refinement = false, quiet = false;
  int seed = 0;
  app.add_option("--data_file,--data-file", data_file,
                 "the dataset NPZ (data contract; `ptychopinn convert` makes one)")
      ->required();
  app.add_option("--output_dir,--output-dir", request.output_dir, "folder for the outputs")
      ->capture_default_str();
  app.add_option("--algorithm", algorithm,
                 "lsqml (batched least squares), rpie, or epie (rpie with alpha = beta = 1)")
      ->check(CLI::IsMember({"lsqml", "rpie", "epie"}))
      ->capture_default_str();
  app.add_option("--iterations", o.iterations, "passes over every pattern")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option(
         "--batch_size,--batch-size", o.batch_size,
         "patterns per update; 0 = the algorithm's default (rpie 1: sequential, as the paper; lsqml 64)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--probe_modes,--probe-modes", o.probe_modes,
                 "incoherent probe modes K (a mixed-state probe; their powers are reported)")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  app.add_flag("--no_probe_refinement,--no-probe-refinement", no_probe_refinement,
               "keep the probe as given (it is refined by default)");
  app.add_option("--probe_refinement_start,--probe-refinement-start", o.probe_refinement_start,
                 "first iteration (0-based) that refines the probe")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("--position_correction,--position-correction", o.position_correction,
               "refine the scan positions (written to reconstruction.npz and the product)");
  app.add_option("--position_correction_start,--position-correction-start", o.position_correction_start,
                 "first iteration (0-based) that moves positions")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--position_max_step,--position-max-step", o.position_max_step_px,
                 "largest move of a position per iteration, object pixels")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--noise_model,--noise-model", noise,
                 "lsqml's likelihood: gaussian (amplitudes) or poisson (counts)")
      ->check(CLI::IsMember({"gaussian", "poisson"}))
      ->capture_default_str();
  app.add_option("--rpie_alpha,--rpie-alpha", o.rpie_alpha, "rpie's object regularisation in (0, 1]")
      ->capture_default_str();
  app.add_option("--rpie_beta,--rpie-beta", o.rpie_beta, "rpie's probe regularisation in (0, 1]")
      ->capture_default_str();
  app.add_option("--rpie_probe_step,--rpie-probe-step", o.rpie_probe_step,
                 "scale of rpie's probe step in (0, 1] (a full step is noisy on measured data)")
      ->capture_default_str();
  app.add_option("--lsqml_damping,--lsqml-damping", o.lsqml_damping,
                 "lsqml's preconditioner damping, relative to its maximum")
      ->capture_default_str();
  auto* init_option =
      app.add_option("--init", init,
                     "starting object: a reconstruction.npz (with its probe, when it has one) or a "
                     "dataset NPZ's objectGuess")
          ->check(CLI::ExistingFile);
  auto* model_option = app.add_option(
      "--model_path,--model-path", model_path,
      "the hybrid: start from this trained model's reconstruction of the same patterns (a training "
      "run's folder or its wts.h5.zip) and its probe");
  init_option->excludes(model_option);
  app.add_option("--device", device, "auto (CUDA when available), cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  app.add_option("--threads", request.runtime.threads,
                 "CPU threads (0 = automatic: the cores not busy with other work)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the order patterns are visited in")->capture_default_str();
  app.add_option(
         "--pixel_size_m,--pixel-size-m", request.pixel_size_m,
         "object pixel size in metres for product-out.h5 (default: the dataset's _metadata, else 5e-8)")
      ->check(CLI::PositiveNumber);
  add_phase_display_option(app, request.phase_display);
  app.add_flag("-q,--quiet", quiet, "no progress on stderr");
  if (auto rc = parse_args(app, args)) return *rc;

  request.data.path = data_file;
  o.algorithm = iterative::parse_algorithm(algorithm);
  o.noise_model = iterative::parse_noise_model(noise);
  o.probe_refinement = !no_probe_refinement;
  o.seed = static_cast<uint64_t>(seed);
  request.runtime.device = config::parse_device(device);
  if (!init.empty()) request.init_file = init;
  if (!model_path.empty()) request.model_path = model_path;

  IterateCliEvents events(quiet);
  workflow::IterateRunResult result;
  {
    StopSignalScope signals;
    result = workflow::iterate_run(std::move(request), events);
  }
  events.finish();
  const auto& r = result.result;
  if (!quiet) {
    std::ostringstream s;
    s << iterative::to_string(o.algorithm) << ": " << r.history.size() << " iterations ("
      << iterative::to_string(r.termination) << "), Fourier error "
      << number(result.initial_fourier_error, "%.5f");
    if (!r.history.empty()) s << " -> " << number(r.history.back().fourier_error, "%.5f");
    double seconds = 0;
    for (const auto& h : r.history) seconds += h.seconds;
    if (!r.history.empty()) s << ", " << number(seconds / r.history.size(), "%.3f") << " s per iteration";
    if (!r.history.empty() && r.history.back().mode_powers.size() > 1) {
      s << "; probe mode powers " << IterateCliEvents::powers(r.history.back().mode_powers);
    }
    std::cerr << s.str() << "\n";
  }
  std::cout << result.files.front() << "\n";
  return r.termination == iterative::Termination::kCancelled ? 1 : 0;
}

}  // namespace ptychopinn::cli
