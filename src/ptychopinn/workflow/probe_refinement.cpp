#include "ptychopinn/workflow/probe_refinement.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <vector>

#include "ptychopinn/iterative/iterative_problem.h"
#include "ptychopinn/iterative/solver.h"

namespace ptychopinn::workflow {
namespace {

// The up to `count` scan points nearest the median position, in file order.
std::vector<int64_t> central_points(const data::Dataset& dataset, int64_t count) {
  const int64_t m = dataset.size();
  std::vector<int64_t> order(static_cast<size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  if (m <= count) return order;
  const auto median = [m](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + m / 2, v.end());
    return v[static_cast<size_t>(m / 2)];
  };
  const double cx = median(dataset.x()), cy = median(dataset.y());
  std::vector<double> d2(static_cast<size_t>(m));
  for (size_t i = 0; i < d2.size(); ++i) {
    const double dx = dataset.x()[i] - cx, dy = dataset.y()[i] - cy;
    d2[i] = dx * dx + dy * dy;
  }
  std::nth_element(order.begin(), order.begin() + count, order.end(), [&d2](int64_t a, int64_t b) {
    return d2[static_cast<size_t>(a)] < d2[static_cast<size_t>(b)];
  });
  order.resize(static_cast<size_t>(count));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace

int probe_refinement_iterations(const config::TrainingConfig& config, const data::Dataset& dataset) {
  if (config.probe_refinement_iterations) return *config.probe_refinement_iterations;
  if (config.probe_file) return 0;
  if (dataset.metadata().contains("simulation")) return 0;
  return kDefaultProbeRefinementIterations;
}

ProbeRefinement refine_probe(const data::Dataset& dataset, const torch::Tensor& probe, int64_t iterations,
                             const torch::Device& device, int64_t max_patterns) {
  const auto start = std::chrono::steady_clock::now();
  const auto points = central_points(dataset, max_patterns);
  const torch::Tensor given = probe.to(torch::kCPU, torch::kComplexFloat).contiguous();
  iterative::IterativeOptions options;
  options.algorithm = iterative::Algorithm::kLsqml;
  options.iterations = iterations;
  options.device = device;
  options.probe_refinement = true;
  options.probe_refinement_start = 0;
  options.probe_modes = 1;
  iterative::IterativeProblem problem = iterative::problem_from_points(dataset, points);
  problem.probe = given;
  const iterative::IterativeResult r = iterative::reconstruct(problem, options);

  ProbeRefinement out;
  out.probe = r.probe[0].contiguous();
  out.iterations = static_cast<int64_t>(r.history.size());
  out.patterns = static_cast<int64_t>(points.size());
  out.fourier_error = r.history.empty() ? 0.0 : r.history.back().fourier_error;
  const double norms =
      given.abs().square().sum().sqrt().item<double>() * out.probe.abs().square().sum().sqrt().item<double>();
  out.overlap = norms > 0 ? torch::abs((given.conj() * out.probe).sum()).item<double>() / norms : 0.0;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ptychopinn::workflow
