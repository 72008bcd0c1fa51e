// Paper-CNN throughput on the CPU: patterns/s (and GFLOP/s from the layer shapes) for inference
// and for forward + backward, batch 16, 2 intra-op threads (a Python PyTorch version of the same
// net, measured on a 2-core machine like this one: 46-69 patterns/s inference, 15-20 samples/s
// training, N = 64).
// Prints a table; never pass/fail.  Run: build/bench/cnn_bench [--benchmark_repetitions=3]
// PTYCHOPINN_BENCH_THREADS overrides the thread count. Besides patterns/s (wall clock) it reports
// patterns per CPU-second of the whole process ("patterns/cpu_s"), which stays meaningful on a
// shared, oversubscribed machine where wall-clock rates are not.
//
// Nets (first argument): 0 N=64 g=1 (probe_big, the modern default), 1 N=64 g=1 probe_big=false
// (the paper's 2.25 M-parameter net), 2 N=64 g=2, 3 N=128 g=1.
// Inference modes (second argument): 0 autograd on, 1 NoGradGuard, 2 InferenceMode (all three
// with the generator's default channels-last activations and Winograd where it applies), 3 InferenceMode
// with NCHW activations, 4 InferenceMode without Winograd (LibTorch's convolutions only).
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>
#include <c10/core/InferenceMode.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "ptychopinn/nets/cnn.h"

namespace {

using namespace ptychopinn;

constexpr int64_t kBatch = 16;

int threads() {
  const char* env = std::getenv("PTYCHOPINN_BENCH_THREADS");
  return env ? std::atoi(env) : 2;
}

// Process CPU time (all threads) of the timed loop.
class CpuClock {
 public:
  CpuClock() : start_(std::clock()) {}
  double seconds() const { return static_cast<double>(std::clock() - start_) / CLOCKS_PER_SEC; }

 private:
  std::clock_t start_;
};

nets::CnnOptions net_options(int64_t which) {
  nets::CnnOptions o;
  if (which == 1) o.probe_big = false;
  if (which == 2) o.gridsize = 2;
  if (which == 3) o.N = 128;
  return o;
}

std::string net_label(const nets::CnnOptions& o) {
  return "N=" + std::to_string(o.N) + " g=" + std::to_string(o.gridsize) +
         (o.probe_big ? "" : " probe_big=0");
}

torch::Tensor batch_for(const nets::CnnOptions& o) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  return torch::rand({kBatch, o.channels_in(), o.N, o.N}, gen, torch::TensorOptions(torch::kFloat32));
}

void report(benchmark::State& state, const nets::CnnOptions& o, double flop_factor, const std::string& mode,
            double cpu_seconds) {
  const double groups = static_cast<double>(state.iterations()) * kBatch;
  state.counters["patterns/s"] = benchmark::Counter(groups * o.channels_in(), benchmark::Counter::kIsRate);
  state.counters["patterns/cpu_s"] = groups * o.channels_in() / cpu_seconds;
  state.counters["GFLOP/s"] =
      benchmark::Counter(groups * flop_factor * nets::forward_flops(o) / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(net_label(o) + " B=" + std::to_string(kBatch) + " threads=" + std::to_string(threads()) +
                 " " + mode);
}

void BM_CnnInference(benchmark::State& state) {
  torch::set_num_threads(threads());
  const auto o = net_options(state.range(0));
  const int64_t mode = state.range(1);
  nets::CnnGenerator net(o);
  net->eval();
  const auto x = batch_for(o);
  if (mode == 3) net->set_cpu_memory_format(torch::MemoryFormat::Contiguous);
  if (mode == 4) net->set_winograd(false);
  const CpuClock cpu;
  for (auto _ : state) {
    std::unique_ptr<torch::NoGradGuard> no_grad;
    std::unique_ptr<c10::InferenceMode> inference;
    if (mode == 1) no_grad = std::make_unique<torch::NoGradGuard>();
    if (mode >= 2) inference = std::make_unique<c10::InferenceMode>();
    const auto out = net->forward(x);
    benchmark::DoNotOptimize(out.amplitude.data_ptr<float>());
  }
  const std::vector<std::string> modes = {"autograd", "no_grad", "inference_mode", "inference_mode nchw",
                                          "inference_mode direct"};
  report(state, o, 1.0, modes[mode], cpu.seconds());
}
BENCHMARK(BM_CnnInference)
    ->ArgNames({"net", "mode"})
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1, 2, 3, 4}})
    ->UseRealTime()
    ->MinTime(2.0)
    ->Unit(benchmark::kMillisecond);

// One training step's network part: zero the gradients, forward, a scalar loss, backward
// (no optimiser). Mode 0 channels-last activations and Winograd where it applies (the default),
// 1 NCHW, 2 channels-last without Winograd (LibTorch's convolutions only). Backward costs about twice the
// forward, so GFLOP/s counts 3 x forward_flops.
void BM_CnnForwardBackward(benchmark::State& state) {
  torch::set_num_threads(threads());
  const auto o = net_options(state.range(0));
  const int64_t mode = state.range(1);
  nets::CnnGenerator net(o);
  net->train();
  const auto x = batch_for(o);
  if (mode == 1) net->set_cpu_memory_format(torch::MemoryFormat::Contiguous);
  if (mode == 2) net->set_winograd(false);
  const CpuClock cpu;
  for (auto _ : state) {
    for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
    const auto out = net->forward(x);
    (out.amplitude.mean() + out.phase.mean()).backward();
  }
  const std::vector<std::string> modes = {"fwd+bwd", "fwd+bwd nchw", "fwd+bwd direct"};
  report(state, o, 3.0, modes[mode], cpu.seconds());
}
BENCHMARK(BM_CnnForwardBackward)
    ->ArgNames({"net", "mode"})
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1, 2}})
    ->UseRealTime()
    ->MinTime(3.0)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
