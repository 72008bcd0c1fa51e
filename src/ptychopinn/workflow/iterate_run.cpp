#include "ptychopinn/workflow/iterate_run.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/execution/execution.h"
#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/ptychodus_product.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/fixed_point.h"
#include "ptychopinn/workflow/reconstruct_run.h"
#include "ptychopinn/workflow/reconstruction_file.h"
#include "ptychopinn/workflow/reconstruction_outputs.h"
#include "ptychopinn/workflow/run_layout.h"

namespace ptychopinn::workflow {
namespace {

namespace fs = std::filesystem;

// The grid of a start read from a file: unit pixels, pixel [0, 0] at the origin.
infer::StitchGrid grid_of(const torch::Tensor& object, double x_origin, double y_origin) {
  infer::StitchGrid g;
  g.x_origin = x_origin;
  g.y_origin = y_origin;
  g.width = object.size(1);
  g.height = object.size(0);
  return g;
}

// --init: a reconstruction.npz (its object on its own grid, and its probe when it has one) or a
// dataset NPZ (its objectGuess on the dataset's grid, origin 0).
std::string start_from_file(const std::string& path, iterative::IterativeProblem& problem) {
  const io::NpzReader npz(path);
  if (npz.contains("object") && npz.contains("x_origin_px") && npz.contains("y_origin_px")) {
    const StitchedObject start = read_reconstruction_file(path);
    problem.grid = grid_of(start.object, start.origin.x_px, start.origin.y_px);
    problem.object = start.object.to(torch::kComplexFloat);
    if (npz.contains("probe")) {
      problem.probe = io::to_tensor(npz.read("probe")).to(torch::kComplexFloat).clone();
      return "the object and probe of " + path;
    }
    return "the object of " + path;
  }
  if (npz.contains("objectGuess")) {
    const torch::Tensor object = read_complex_image(path, "objectGuess");
    problem.grid = grid_of(object, 0.0, 0.0);
    problem.object = object.to(torch::kComplexFloat);
    return "the objectGuess of " + path;
  }
  throw_io_error(path,
                 "holds neither a reconstruction (object, x_origin_px, y_origin_px) nor a dataset's "
                 "objectGuess; expected one of them as the starting object (--init)");
}

// The hybrid's start: the network reconstructs the same patterns, stitched onto the solver's grid
// from the central N/2 of every patch (where the probe lights it); pixels no patch reached get the
// mean of the covered ones, so that no window starts on zeros. The archive's probe is the start.
std::string start_from_model(const std::string& model_path, const data::DataSource& source,
                             const config::RuntimeConfig& runtime, iterative::IterativeProblem& problem,
                             IterateRunEvents& events) {
  auto model = std::make_shared<const infer::TrainedModel>(load_model(model_path, runtime));
  const int64_t n = problem.amplitudes.size(-1);
  if (model->archive.config.model.N != n) {
    throw std::invalid_argument("iterate: model_path = " + model_path +
                                " was trained on N = " + std::to_string(model->archive.config.model.N) +
                                "; expected the data's N = " + std::to_string(n));
  }
  ReconstructRunRequest request;
  request.model = model;
  request.data = source;
  request.write_files = false;
  request.stitch_crop = n / 2;
  request.grid = problem.grid;
  struct Forward : ReconstructRunEvents {
    explicit Forward(IterateRunEvents& e) : events(e) {}
    void on_note(const std::string& text) override { events.on_note(text); }
    IterateRunEvents& events;
  } forward(events);
  const ReconstructRunResult network = reconstruct_run(std::move(request), forward);
  torch::Tensor object = network.reconstruction.image.object.to(torch::kCPU, torch::kComplexFloat).clone();
  const torch::Tensor covered = network.reconstruction.image.coverage.to(torch::kCPU) > 1e-3;
  if (covered.any().item<bool>()) {
    const torch::Tensor fill = object.index({covered}).mean();
    object.index_put_({covered.logical_not()}, fill);
  }
  problem.object = object;
  problem.probe = model->archive.probe.to(torch::kComplexFloat);
  return "the network's reconstruction (" + model_path + ", " + std::to_string(network.groups) +
         " groups in " + fixed(network.seconds, 2) + " s) and its probe";
}

std::string convergence_csv(const std::vector<iterative::IterationReport>& history) {
  std::ostringstream s;
  s << "iteration,fourier_error,seconds\n";
  s.precision(17);
  for (const auto& r : history) s << r.iteration + 1 << ',' << r.fourier_error << ',' << r.seconds << '\n';
  return s.str();
}

}  // namespace

IterateRunResult iterate_run(IterateRunRequest request, IterateRunEvents& events) {
  if (request.init_file && request.model_path) {
    throw std::invalid_argument("iterate: init = " + *request.init_file + " and model_path = " +
                                *request.model_path + "; expected at most one starting point");
  }
  execution::configure_threads(request.runtime.threads);
  iterative::IterativeOptions& options = request.options;
  options.device = execution::resolve_device(request.runtime.device);
  options.validate();

  const data::Dataset dataset =
      request.data.arrays ? data::load_dataset(*request.data.arrays) : data::load_dataset(request.data.path);
  for (const auto& w : dataset.warnings()) events.on_note(w);
  iterative::IterativeProblem problem = iterative::problem_from_dataset(dataset, /*use_object_guess=*/false);
  if (!problem.grid) problem.grid = iterative::covering_grid(problem.positions_px, dataset.pattern_size());

  IterateRunResult out;
  if (request.init_file) {
    out.start = "init:" + *request.init_file;
    events.on_note("starting from " + start_from_file(*request.init_file, problem));
  } else if (request.model_path) {
    out.start = "model:" + *request.model_path;
    events.on_note("starting from " +
                   start_from_model(*request.model_path, request.data, request.runtime, problem, events));
  } else {
    out.start = "flat";
  }
  out.initial_fourier_error = iterative::starting_fourier_error(problem, options);
  events.on_start(options.iterations);

  iterative::IterationCallbacks callbacks;
  callbacks.on_iteration = [&events](const iterative::IterationReport& r) {
    return events.on_iteration(r) ? iterative::IterationAction::kContinue : iterative::IterationAction::kStop;
  };
  callbacks.cancel_requested = [&events] { return events.stop_requested(); };
  out.result = iterative::reconstruct(problem, options, callbacks);
  if (!request.write_files) return out;

  const iterative::IterativeResult& r = out.result;
  const fs::path dir = request.output_dir;
  fs::create_directories(dir);
  const int64_t n = dataset.pattern_size();
  // The illumination in units of the probe's peak intensity: about how many probe centres cover a
  // pixel, which is what infer's coverage counts.
  const double peak = r.probe.abs().square().sum(0).max().item<double>();
  ReconstructionFile file;
  file.object = r.object;
  file.coverage = r.illumination.to(torch::kFloat64) / std::max(peak, 1e-300);
  file.x_origin_px = r.grid.x_origin;
  file.y_origin_px = r.grid.y_origin;
  file.centres = r.positions_px;
  file.stitch_crop = n / 2;
  file.probe = r.probe;
  file.xcoords = r.positions_px.select(1, 0).contiguous();
  file.ycoords = r.positions_px.select(1, 1).contiguous();
  const auto path = [&dir](const char* name) { return (dir / name).string(); };
  out.files.push_back(path(layout::kReconstruction));
  write_reconstruction_file(out.files.back(), file);
  out.files.push_back(path(layout::kAmplitudePicture));
  out.files.push_back(path(layout::kPhasePicture));
  write_object_pictures(out.files[1], out.files[2], file.object, file.coverage, request.phase_display);
  out.files.push_back(path(layout::kProbePicture));
  write_probe_picture(out.files.back(), r.probe);
  std::vector<double> errors;
  for (const auto& h : r.history) errors.push_back(h.fourier_error);
  out.files.push_back(path(layout::kConvergence));
  io::write_file_atomic(out.files.back(), convergence_csv(r.history));
  out.files.push_back(path(layout::kConvergencePicture));
  write_convergence_picture(out.files.back(), errors, "Fourier error");

  const double pixel_size_m = product_pixel_size_m(request.pixel_size_m, dataset,
                                                   [&events](const std::string& t) { events.on_note(t); });
  ProductContent product;
  product.object = r.object;
  product.x_origin_px = r.grid.x_origin;
  product.y_origin_px = r.grid.y_origin;
  product.probe = r.probe;
  const auto positions = r.positions_px.to(torch::kFloat64).contiguous();
  const auto xy = positions.accessor<double, 2>();
  for (int64_t i = 0; i < positions.size(0); ++i) {
    product.x_px.push_back(xy[i][0]);
    product.y_px.push_back(xy[i][1]);
  }
  product.index = product_indexes(dataset);
  product.pixel_size_m = pixel_size_m;
  product.name = fs::path(request.data.name()).stem().string();
  product.comments = "ptychopinn " + iterative::to_string(options.algorithm) + " reconstruction of " +
                     dataset.path() + " (" + std::to_string(r.history.size()) +
                     " iterations, start: " + out.start + ")";
  product.losses = errors;
  out.files.push_back(path(layout::kProduct));
  write_product(out.files.back(), product);
  return out;
}

}  // namespace ptychopinn::workflow
