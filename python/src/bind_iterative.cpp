// The iterative engine for Python: ptychopinn.iterate runs the workflow's iterate_run (the command's
// run) on a Dataset or a dataset file, reports every iteration to an optional callback that can
// stop it, and returns NumPy arrays. The GIL is released while the solver runs.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/workflow/iterate_run.h"
#include "py_dataset.h"

namespace ptychopinn::python {
namespace {

// Forwards each iteration to a Python callable (iteration, iterations, fourier_error) -> False
// stops; an exception it raises stops the run and reaches the caller.
class PythonEvents : public workflow::IterateRunEvents {
 public:
  explicit PythonEvents(py::object callback) : callback_(std::move(callback)) {}

  bool on_iteration(const iterative::IterationReport& r) override {
    if (callback_.is_none()) return true;
    py::gil_scoped_acquire acquire;
    try {
      const py::object answer = callback_(r.iteration + 1, r.iterations, r.fourier_error);
      if (!answer.is_none() && !answer.cast<bool>()) return false;
    } catch (py::error_already_set& e) {
      error_ = std::make_unique<py::error_already_set>(std::move(e));
      return false;
    }
    return true;
  }

  void on_note(const std::string& text) override { notes.push_back(text); }

  void rethrow() {
    if (error_) {
      auto e = std::move(error_);
      throw std::move(*e);
    }
  }

  std::vector<std::string> notes;

 private:
  py::object callback_;
  std::unique_ptr<py::error_already_set> error_;
};

}  // namespace

void bind_iterative(py::module_& m) {
  m.def(
      "iterate",
      [](const py::handle& data, const std::optional<std::string>& output_dir, const std::string& algorithm,
         int64_t iterations, int64_t batch_size, int64_t probe_modes, bool probe_refinement,
         int64_t probe_refinement_start, bool position_correction, int64_t position_correction_start,
         double position_max_step_px, const std::string& noise_model, const std::optional<std::string>& init,
         const std::optional<std::string>& model_path, const std::string& device, int threads, uint64_t seed,
         std::optional<double> pixel_size_m, const py::object& progress) {
        workflow::IterateRunRequest request;
        request.data = PyDataset::argument(data).source();
        request.write_files = output_dir.has_value();
        if (output_dir) request.output_dir = *output_dir;
        iterative::IterativeOptions& o = request.options;
        o.algorithm = iterative::parse_algorithm(algorithm);
        o.iterations = iterations;
        o.batch_size = batch_size;
        o.probe_modes = probe_modes;
        o.probe_refinement = probe_refinement;
        o.probe_refinement_start = probe_refinement_start;
        o.position_correction = position_correction;
        o.position_correction_start = position_correction_start;
        o.position_max_step_px = position_max_step_px;
        o.noise_model = iterative::parse_noise_model(noise_model);
        o.seed = seed;
        request.runtime.device = config::parse_device(device);
        request.runtime.threads = threads;
        request.init_file = init;
        request.model_path = model_path;
        request.pixel_size_m = pixel_size_m;
        PythonEvents events(progress);
        workflow::IterateRunResult run;
        {
          py::gil_scoped_release release;
          run = workflow::iterate_run(std::move(request), events);
        }
        events.rethrow();
        const auto& r = run.result;
        py::dict out;
        out["object"] = to_numpy(r.object);
        out["x_origin_px"] = r.grid.x_origin;
        out["y_origin_px"] = r.grid.y_origin;
        out["illumination"] = to_numpy(r.illumination);
        out["probe"] = to_numpy(r.probe);
        out["positions"] = to_numpy(r.positions_px);
        std::vector<double> error, seconds;
        for (const auto& h : r.history) {
          error.push_back(h.fourier_error);
          seconds.push_back(h.seconds);
        }
        out["fourier_error"] = error;
        out["seconds"] = seconds;
        out["initial_fourier_error"] = run.initial_fourier_error;
        out["mode_powers"] = r.history.empty() ? std::vector<double>{} : r.history.back().mode_powers;
        out["termination"] = iterative::to_string(r.termination);
        out["start"] = run.start;
        out["notes"] = events.notes;
        out["files"] = run.files;
        return out;
      },
      py::arg("data"), py::arg("output_dir") = py::none(), py::arg("algorithm") = "lsqml",
      py::arg("iterations") = 100, py::arg("batch_size") = 0, py::arg("probe_modes") = 1,
      py::arg("probe_refinement") = true, py::arg("probe_refinement_start") = 0,
      py::arg("position_correction") = false, py::arg("position_correction_start") = 10,
      py::arg("position_max_step_px") = 0.5, py::arg("noise_model") = "gaussian",
      py::arg("init") = py::none(), py::arg("model_path") = py::none(), py::arg("device") = "auto",
      py::arg("threads") = 0, py::arg("seed") = 0, py::arg("pixel_size_m") = py::none(),
      py::arg("progress") = py::none(),
      "Iterative reconstruction (ptychopinn iterate); see the Python wrapper's docstring.");
}

}  // namespace ptychopinn::python
