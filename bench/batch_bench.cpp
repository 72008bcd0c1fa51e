// Batch assembly throughput: patterns/s gathered from a memory-mapped dataset into [B, C, N, N]
// float32 batches (copy, normalise, coordinates), for gridsize 1 and 2 and two batch sizes.
// Prints a table; never pass/fail.  Run: build/bench/batch_bench
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/io/npz.h"

namespace {

using namespace ptychopinn;

constexpr int kN = 64;
constexpr int kSide = 40;  // 1600 scan positions, 26 MB of patterns

// A stored (memory-mapped) dataset NPZ in the temp folder, written once per process.
const std::string& dataset_path() {
  static const std::string path = [] {
    const std::string p = (std::filesystem::temp_directory_path() / "ptychopinn_batch_bench.npz").string();
    const int m = kSide * kSide;
    std::vector<float> diff(static_cast<std::size_t>(m) * kN * kN);
    for (std::size_t i = 0; i < diff.size(); ++i)
      diff[i] = static_cast<float>((i * 2654435761u) % 1000) / 100.0f;
    std::vector<double> x(m), y(m);
    for (int k = 0; k < m; ++k) {
      x[k] = 40.0 + 5.0 * (k % kSide);
      y[k] = 40.0 + 5.0 * (k / kSide);
    }
    std::vector<std::complex<float>> probe(kN * kN, {1.0f, 0.0f});
    io::write_npz(p, {{"diff3d", io::NpyArray::from_data<float>({m, kN, kN}, diff.data())},
                      {"xcoords", io::NpyArray::from_data<double>({m}, x.data())},
                      {"ycoords", io::NpyArray::from_data<double>({m}, y.data())},
                      {"probeGuess", io::NpyArray::from_data<std::complex<float>>({kN, kN}, probe.data())}});
    return p;
  }();
  return path;
}

void BM_BatchAssembly(benchmark::State& state) {
  const int gridsize = static_cast<int>(state.range(0));
  const std::int64_t batch_size = state.range(1);
  torch::set_num_threads(static_cast<int>(state.range(2)));
  auto dataset = std::make_shared<const data::Dataset>(data::load_dataset(dataset_path()));
  data::GroupingOptions grouping;
  grouping.gridsize = gridsize;
  const data::GroupedData groups(dataset, data::form_groups(dataset->x(), dataset->y(), grouping));
  const data::BatchSampler sampler(groups.size(), batch_size, /*shuffle=*/true, 1);
  std::int64_t epoch = 0, patterns = 0;
  std::vector<std::vector<std::int64_t>> batches = sampler.epoch(epoch);
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == batches.size()) {
      batches = sampler.epoch(++epoch);
      next = 0;
    }
    const data::Batch b = groups.batch(batches[next++]);
    benchmark::DoNotOptimize(b.patterns.data_ptr<float>());
    patterns += b.patterns.size(0) * b.patterns.size(1);
  }
  state.counters["patterns/s"] =
      benchmark::Counter(static_cast<double>(patterns), benchmark::Counter::kIsRate);
  state.counters["mapped"] = dataset->patterns_mapped() ? 1 : 0;
  state.SetLabel("g=" + std::to_string(gridsize) + " B=" + std::to_string(batch_size) +
                 " threads=" + std::to_string(state.range(2)));
}
BENCHMARK(BM_BatchAssembly)
    ->ArgNames({"gridsize", "batch", "threads"})
    ->Args({1, 16, 1})
    ->Args({1, 64, 1})
    ->Args({2, 16, 1})
    ->Args({2, 64, 1})
    ->Args({2, 64, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
