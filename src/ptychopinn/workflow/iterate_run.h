#pragma once
// A whole iterative reconstruction, as `ptychopinn iterate` and `ptychopinn.iterate` run it: the
// dataset, the starting point (a flat object; a previous reconstruction or a dataset's objectGuess;
// or, the hybrid, a trained network's reconstruction of the same patterns with its probe), the
// device and threads, the solver (iterative/solver.h), and the run folder (run_layout.h):
// reconstruction.npz (with the refined probe and positions), amplitude.png, phase.png, probe.png,
// convergence.csv, convergence.png and the ptychodus product.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/config/runtime_config.h"
#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/iterative/solver.h"
#include "ptychopinn/workflow/reconstruction_outputs.h"

namespace ptychopinn::workflow {

struct IterateRunRequest {
  // The dataset: a file, or arrays in memory.
  data::DataSource data;
  // The run folder (used when write_files).
  std::string output_dir = "iterate";
  bool write_files = true;
  // The solver's settings; its device is replaced by runtime.device, resolved.
  iterative::IterativeOptions options;
  // Device (auto: CUDA when LibTorch sees a GPU) and CPU threads (0: automatic, the cores not busy
  // with other work).
  config::RuntimeConfig runtime;
  // Starting object: a reconstruction.npz (its object on its own grid) or a dataset NPZ (its
  // objectGuess on the dataset's grid). Excludes model_path.
  std::optional<std::string> init_file;
  // The hybrid: a trained model (wts.h5.zip or its run folder) reconstructs the same patterns,
  // stitched onto the solver's grid, and that object starts the solver, with the archive's probe.
  std::optional<std::string> model_path;
  // How phase.png shows the phase (reconstruction_outputs.h).
  PhaseDisplay phase_display = PhaseDisplay::kRobust;
  // Object pixel size of the product, in metres; null = the dataset's _metadata, else a placeholder
  // (with a note).
  std::optional<double> pixel_size_m;
};

class IterateRunEvents {
 public:
  virtual ~IterateRunEvents() = default;
  // A remark the user should read (where the start came from, units, the cache).
  virtual void on_note(const std::string& /*text*/) {}
  // Once the problem is set up: the number of iterations to come.
  virtual void on_start(int64_t /*iterations*/) {}
  // After every iteration; returning false stops the run after it (the state so far is written).
  virtual bool on_iteration(const iterative::IterationReport& /*report*/) { return true; }
  // Polled between batches; true stops the run at once (Ctrl-C); the state so far is written.
  virtual bool stop_requested() { return false; }
};

struct IterateRunResult {
  iterative::IterativeResult result;
  // The Fourier error of the starting point, before any update (iterative::starting_fourier_error).
  double initial_fourier_error = 0.0;
  // Where the start came from: "flat", "init:<file>" or "model:<path>".
  std::string start;
  std::vector<std::string> files;  // reconstruction.npz first
};

// Throws std::invalid_argument naming the option for a request that cannot run (init_file with
// model_path, an unknown file kind, a model trained on another N), the solver's errors (naming the
// dataset and field), and IoError for files that cannot be read or written.
IterateRunResult iterate_run(IterateRunRequest request, IterateRunEvents& events);

}  // namespace ptychopinn::workflow
