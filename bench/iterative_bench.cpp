// The iterative engine's speed on the measured Siemens star (516 patterns, the shared datasets folder):
// seconds per iteration and patterns per second for LSQML, mini-batch rPIE and sequential rPIE at
// N = 64 (the central crop) and N = 128 (the whole detector), on 1 and 2 CPU threads and on CUDA
// when this LibTorch has a device. Beside each row, "fft floor": the seconds of one forward and one
// inverse FFT of every pattern (what any far-field algorithm must spend per iteration), so the
// share of the time the FFTs take is visible.
// Mean ± standard deviation over the timed iterations, after one untimed warm-up iteration. Prints a
// table; never pass/fail. Timings on shared machines vary by tens of
// per cent: compare rows of one run.
// Run: build/bench/iterative_bench [--iterations I] [--threads 1,2] [--sizes 64,128] [--no-cuda]
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "ptychopinn/iterative/far_field.h"
#include "ptychopinn/iterative/solver.h"
#include "siemens_problem.h"

namespace {

using namespace ptychopinn;

struct Variant {
  const char* name;
  iterative::Algorithm algorithm;
  int64_t batch_size;
};

constexpr Variant kVariants[] = {
    {"lsqml b64", iterative::Algorithm::kLsqml, 64},
    {"rpie b16", iterative::Algorithm::kRpie, 16},
    {"rpie b1", iterative::Algorithm::kRpie, 1},
};

std::vector<int64_t> parse_list(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoll(item));
  return out;
}

struct Stats {
  double mean = 0, stddev = 0;
};

Stats stats(const std::vector<double>& v) {
  Stats s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.stddev += (x - s.mean) * (x - s.mean);
  s.stddev = v.size() > 1 ? std::sqrt(s.stddev / static_cast<double>(v.size() - 1)) : 0.0;
  return s;
}

// One forward and one inverse FFT of every pattern, in the engine's batches of 64, with the engine's
// transforms (FFTW on the CPU, cuFFT through LibTorch on a GPU).
Stats fft_floor(int64_t m, int64_t n, torch::Device device, int repeats) {
  const auto opts = torch::TensorOptions().dtype(torch::kComplexFloat).device(device);
  const torch::Tensor x = torch::randn({64, 1, n, n}, opts);
  const iterative::FarField far_field(n);
  std::vector<double> times;
  for (int r = 0; r <= repeats; ++r) {
    if (device.is_cuda()) torch::cuda::synchronize();
    const auto start = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < m; b += 64) {
      torch::Tensor y = far_field.forward(x);
      far_field.inverse_in_place(y);
    }
    if (device.is_cuda()) torch::cuda::synchronize();
    if (r > 0)
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return stats(times);
}

void row(const iterative::IterativeProblem& problem, const Variant& v, torch::Device device, int threads,
         int64_t iterations) {
  iterative::IterativeOptions o;
  o.algorithm = v.algorithm;
  o.batch_size = v.batch_size;
  o.iterations = iterations + 1;
  o.device = device;
  std::vector<double> seconds;
  iterative::IterationCallbacks callbacks;
  callbacks.on_iteration = [&](const iterative::IterationReport& r) {
    if (r.iteration > 0) seconds.push_back(r.seconds);
    return iterative::IterationAction::kContinue;
  };
  const iterative::IterativeResult result = iterative::reconstruct(problem, o, callbacks);
  const Stats s = stats(seconds);
  const int64_t m = problem.amplitudes.size(0), n = problem.amplitudes.size(1);
  const Stats f = fft_floor(m, n, device, 3);
  const std::string where = device.is_cuda() ? "cuda" : "cpu x" + std::to_string(threads);
  std::printf("| %3lld | %-9s | %-7s | %8.4f ± %.4f | %9.0f | %8.4f | %7.5f |\n", static_cast<long long>(n),
              v.name, where.c_str(), s.mean, s.stddev, static_cast<double>(m) / s.mean, f.mean,
              result.history.back().fourier_error);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t iterations = 5;
  std::vector<int64_t> thread_counts = {1, 2}, sizes = {64, 128};
  bool cuda = true;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--iterations" && i + 1 < argc)
      iterations = std::stoll(argv[++i]);
    else if (k == "--threads" && i + 1 < argc)
      thread_counts = parse_list(argv[++i]);
    else if (k == "--sizes" && i + 1 < argc)
      sizes = parse_list(argv[++i]);
    else if (k == "--no-cuda")
      cuda = false;
    else {
      std::fprintf(stderr, "iterative_bench: unknown argument %s\n", k.c_str());
      return 1;
    }
  }
  const convert::TikeScan scan = bench::read_siemens_scan();
  std::printf(
      "iterative engine on the Siemens star (%lld patterns), LibTorch %s, %lld timed iterations per row\n\n",
      static_cast<long long>(scan.counts.size(0)), TORCH_VERSION, static_cast<long long>(iterations));
  std::printf("|   N | algorithm | device  | s / iteration     | patterns/s | fft floor s | error after |\n");
  std::printf("|-----|-----------|---------|-------------------|-----------|----------|---------|\n");
  for (int64_t n : sizes) {
    const iterative::IterativeProblem problem =
        bench::siemens_problem(scan, n == scan.counts.size(-1) ? 0 : n);
    for (int64_t threads : thread_counts) {
      at::set_num_threads(static_cast<int>(threads));
      for (const Variant& v : kVariants) row(problem, v, torch::kCPU, static_cast<int>(threads), iterations);
    }
    if (cuda && torch::cuda::is_available()) {
      for (const Variant& v : kVariants) row(problem, v, torch::Device(torch::kCUDA, 0), 1, iterations);
    }
  }
  return 0;
}
