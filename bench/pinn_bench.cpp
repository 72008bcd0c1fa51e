// PINN throughput on this machine, next to what the hardware and a Python implementation do:
// training samples/s (groups per second through zero_grad + forward + Poisson NLL + backward +
// Adam step, the trainer's inner loop) and inference patterns/s (the generator under
// no_grad, what `ptychopinn infer` runs per batch), at N = 64 gridsize 1 and 2 and N = 128,
// with the achieved network GFLOP/s (FLOPs from the layer shapes, nets::forward_flops; backward
// counted as twice the forward) as a fraction of the measured FMA peak for the same thread count.
// bench/pinn_torch.py, the same network and physics in PyTorch, runs in the same invocation on the
// same threads (skipped, saying why, when /usr/bin/python3, or $PTYCHOPINN_BENCH_PYTHON, has no torch).
//
// Prints a table; never pass/fail (timings are measured here, never asserted in tests).
// Run: build/bench/pinn_bench [--threads T] [--seconds S] [--infer_batch B] [--repeats R] [--device cpu|cuda]
//      [--no-python]

#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fma_peak.h"
#include "ptychopinn/config/model_config.h"
#include "ptychopinn/config/training_config.h"
#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/execution/execution.h"
#include "ptychopinn/model/objective.h"
#include "ptychopinn/model/pinn_model.h"
#include "ptychopinn/nets/cnn_flops.h"
#include "ptychopinn/physics/probe.h"
#include "ptychopinn/tensor/module_parameters.h"
#include "ptychopinn/train/optimizer.h"

#ifndef PTYCHOPINN_BENCH_DIR
#define PTYCHOPINN_BENCH_DIR "bench"
#endif

namespace {

using namespace ptychopinn;

struct Case {
  int N;
  int gridsize;
};

struct Rates {
  double train_samples_per_s = 0;
  double infer_patterns_per_s = 0;
  long long trainable_parameters = 0;
};

constexpr int kTrainBatch = 16;  // TrainingConfig's default batch_size

// Calls per second of `step` over at least `seconds`, after two warm-up calls.
// On CUDA every call is followed by a device synchronisation, so the time is the kernels' and not
// only their launches'.
// The median of `repeats` measurements of `seconds` each: a shared machine's rates drift by tens of
// per cent from one measurement to the next.
template <class Step>
double calls_per_second(Step&& step, double seconds, const torch::Device& device, int repeats) {
  auto synced = [&] {
    step();
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  synced();
  synced();
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    long long count = 0;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      synced();
      ++count;
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      if (elapsed.count() >= seconds) {
        rates.push_back(static_cast<double>(count) / elapsed.count());
        break;
      }
    }
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

config::TrainingConfig config_for(const Case& c) {
  config::TrainingConfig cfg;
  cfg.model.N = c.N;
  cfg.model.gridsize = c.gridsize;
  cfg.batch_size = kTrainBatch;
  return cfg;
}

Rates measure_cpp(const Case& c, double seconds, int kInferBatch, const torch::Device& device, int repeats) {
  const auto cfg = config_for(c);
  const double scale = std::sqrt(cfg.nphotons) / (c.N / 2.0);
  const auto f32 = torch::TensorOptions(torch::kFloat32);
  const auto probe = physics::normalize_probe(physics::default_probe(c.N, f32), cfg.model.probe_scale);
  model::PinnModel model(model::PinnOptions::from(cfg, scale), probe);
  model->to(device);
  model->train();
  auto optimizer = train::make_optimizer(cfg, model->parameters());
  torch::manual_seed(1);
  const int64_t channels = static_cast<int64_t>(c.gridsize) * c.gridsize;
  data::Batch batch;
  batch.patterns = torch::rand({kTrainBatch, channels, c.N, c.N}, f32).to(device);
  batch.coords_relative =
      ((torch::rand({kTrainBatch, channels, 2}, f32) - 0.5) * 4 * (c.gridsize - 1)).to(device);
  Rates r;
  r.trainable_parameters = count_trainable_parameters(*model);
  r.train_samples_per_s = kTrainBatch * calls_per_second(
                                            [&] {
                                              optimizer->zero_grad();
                                              auto loss = model::compute_loss(*model, batch, scale, cfg);
                                              loss.total.backward();
                                              optimizer->step();
                                            },
                                            seconds, device, repeats);
  model->eval();
  const auto patterns = torch::rand({kInferBatch, channels, c.N, c.N}, f32).to(device);
  r.infer_patterns_per_s = static_cast<double>(kInferBatch * channels) * calls_per_second(
                                                                             [&] {
                                                                               torch::NoGradGuard guard;
                                                                               auto out =
                                                                                   model->generate(patterns);
                                                                             },
                                                                             seconds, device, repeats);
  return r;
}

// Runs bench/pinn_torch.py for every case; an empty map (and a line on stderr) when it cannot.
std::map<std::pair<int, int>, Rates> measure_python(const std::vector<Case>& cases, int threads,
                                                    double seconds, int kInferBatch,
                                                    const std::string& device, int repeats,
                                                    std::string& version) {
  std::map<std::pair<int, int>, Rates> out;
  const char* env = std::getenv("PTYCHOPINN_BENCH_PYTHON");
  const std::string python = env && *env ? env : "/usr/bin/python3";
  if (std::system((python + " -c 'import torch' >/dev/null 2>&1").c_str()) != 0) {
    std::cerr << "pinn_bench: " << python
              << " cannot import torch (apt-get install python3-torch); "
                 "the Python column is left out\n";
    return out;
  }
  std::ostringstream cmd;
  cmd << python << " " << PTYCHOPINN_BENCH_DIR << "/pinn_torch.py --threads " << threads << " --seconds "
      << seconds << " --device " << device << " --repeats " << repeats;
  for (const auto& c : cases) {
    config::TrainingConfig cfg = config_for(c);
    cmd << " --case " << c.N << ':' << c.gridsize << ':' << config::canvas_size(cfg.model) << ':'
        << kTrainBatch << ':' << kInferBatch;
  }
  FILE* pipe = popen(cmd.str().c_str(), "r");
  if (!pipe) {
    std::cerr << "pinn_bench: could not start " << cmd.str() << '\n';
    return out;
  }
  char line[4096];
  while (std::fgets(line, sizeof line, pipe)) {
    try {
      const auto j = nlohmann::json::parse(line);
      Rates r;
      r.train_samples_per_s = j.at("train_samples_per_s").get<double>();
      r.infer_patterns_per_s = j.at("infer_patterns_per_s").get<double>();
      r.trainable_parameters = j.at("trainable_parameters").get<long long>();
      version = j.at("torch_version").get<std::string>();
      out[{j.at("N").get<int>(), j.at("gridsize").get<int>()}] = r;
    } catch (const std::exception& e) {
      std::cerr << "pinn_bench: unreadable line from pinn_torch.py (" << e.what() << "): " << line;
    }
  }
  if (pclose(pipe) != 0) std::cerr << "pinn_bench: pinn_torch.py exited non-zero\n";
  return out;
}

void print_row(const std::string& label, const std::string& impl, const Rates& r, int channels, double flops,
               double peak) {
  const double train_gflops = r.train_samples_per_s * 3 * flops / 1e9;
  const double infer_gflops = r.infer_patterns_per_s / channels * flops / 1e9;
  std::printf("| %-10s | %-14s | %10lld | %9.1f | %9.1f | %6.1f%% | %10.1f | %9.1f | %6.1f%% |\n",
              label.c_str(), impl.c_str(), r.trainable_parameters, r.train_samples_per_s, train_gflops,
              100 * train_gflops / peak, r.infer_patterns_per_s, infer_gflops, 100 * infer_gflops / peak);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double seconds = 3.0;
  bool python = true;
  int infer_batch = 16;  // ReconstructOptions' default batch_size
  std::string device_name = "cpu";
  int repeats = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--infer_batch" && i + 1 < argc) {
      infer_batch = std::atoi(argv[++i]);
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
    } else if (a == "--device" && i + 1 < argc) {
      device_name = argv[++i];
    } else if (a == "--no-python") {
      python = false;
    } else {
      std::cerr << "usage: pinn_bench [--threads T (default: all cores)] [--seconds S (per measurement, "
                   "default 3)] "
                   "[--infer_batch B (default 16)] [--device cpu|cuda] [--repeats R (median of R, default "
                   "3)] [--no-python]\n";
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  if (device_name != "cpu" && device_name != "cuda") {
    std::cerr << "pinn_bench: --device " << device_name << ": expected cpu or cuda\n";
    return 2;
  }
  if (device_name == "cuda" && !torch::cuda::is_available()) {
    std::cerr << "pinn_bench: --device cuda, but LibTorch sees no CUDA device\n";
    return 2;
  }
  const torch::Device device(device_name == "cuda" ? torch::kCUDA : torch::kCPU);
  if (threads < 1 || !(seconds > 0) || infer_batch < 1 || repeats < 1) {
    std::cerr << "pinn_bench: --threads, --infer_batch and --repeats must be >= 1 and --seconds > 0\n";
    return 2;
  }
  execution::configure_threads(threads);
  const std::vector<Case> cases = {{64, 1}, {64, 2}, {128, 1}};

  const auto peak = bench::measure_fma_peak(threads, 1.0);
  std::map<std::pair<int, int>, Rates> cpp;
  for (const auto& c : cases) cpp[{c.N, c.gridsize}] = measure_cpp(c, seconds, infer_batch, device, repeats);
  std::string torch_version = "not run";
  const auto py =
      python ? measure_python(cases, threads, seconds, infer_batch, device_name, repeats, torch_version)
             : decltype(cpp){};

  std::printf(
      "device: %s; CPU FMA peak: %.1f GFLOP/s (%s, %d threads; the 'of peak' columns use it, so they mean "
      "something on the CPU only); LibTorch threads: %d; Python torch %s\n",
      device_name.c_str(), peak.gflops, peak.isa.c_str(), peak.threads, threads, torch_version.c_str());
  std::printf(
      "train: batch %d groups, zero_grad + forward + Poisson NLL + backward + Adam; "
      "infer: batch %d groups, generator under no_grad. GFLOP/s: network convolutions only. "
      "Median of %d runs of %g s each.\n\n",
      kTrainBatch, infer_batch, repeats, seconds);
  std::printf("| %-10s | %-14s | %10s | %9s | %9s | %7s | %10s | %9s | %7s |\n", "case", "implementation",
              "parameters", "samples/s", "GFLOP/s", "of peak", "patterns/s", "GFLOP/s", "of peak");
  std::printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", std::string(12, '-').c_str(), std::string(16, '-').c_str(),
              std::string(12, '-').c_str(), std::string(11, '-').c_str(), std::string(11, '-').c_str(),
              std::string(9, '-').c_str(), std::string(12, '-').c_str(), std::string(11, '-').c_str(),
              std::string(9, '-').c_str());
  for (const auto& c : cases) {
    const auto cfg = config_for(c);
    const double flops = nets::forward_flops(nets::CnnOptions::from(cfg.model));
    const std::string label = "N=" + std::to_string(c.N) + " g=" + std::to_string(c.gridsize);
    const int channels = c.gridsize * c.gridsize;
    print_row(label, "ptychopinn C++", cpp.at({c.N, c.gridsize}), channels, flops, peak.gflops);
    const auto it = py.find({c.N, c.gridsize});
    if (it != py.end()) print_row(label, "PyTorch Python", it->second, channels, flops, peak.gflops);
  }
  // The two implementations ran back to back on the same threads: their ratio is steadier than
  // either rate on a machine whose speed drifts.
  if (!py.empty()) {
    std::printf("\n| %-10s | %-21s | %-21s |\n", "case", "train C++ / PyTorch", "infer C++ / PyTorch");
    std::printf("|%s|%s|%s|\n", std::string(12, '-').c_str(), std::string(23, '-').c_str(),
                std::string(23, '-').c_str());
    for (const auto& c : cases) {
      const auto it = py.find({c.N, c.gridsize});
      if (it == py.end()) continue;
      const auto& mine = cpp.at({c.N, c.gridsize});
      const std::string label = "N=" + std::to_string(c.N) + " g=" + std::to_string(c.gridsize);
      std::printf("| %-10s | %20.2fx | %20.2fx |\n", label.c_str(),
                  mine.train_samples_per_s / it->second.train_samples_per_s,
                  mine.infer_patterns_per_s / it->second.infer_patterns_per_s);
    }
  }
  return 0;
}
