// Grouping speed and memory (stage 1, data/grouping.h; stage 2 reuse, data/group_cache.h) for
// 10^4, 10^5 and 10^6 uniformly random scan positions, gridsize 2, K = 4; stage 1 on one thread
// and on every core.
// Run: build/bench/grouping_bench  [--benchmark_repetitions=3]
// Counters: points_per_s; peak_MB = the process's peak resident set (VmHWM) during the timed
// loop, reset before each benchmark through /proc/self/clear_refs; extra_MB = peak_MB minus the
// resident set before the loop, i.e. what grouping itself needed on top of the coordinates.
// Prints a table; never decides pass/fail (timings are measured here, never asserted in tests).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ptychopinn/data/group_cache.h"
#include "ptychopinn/data/grouping.h"
#include "ptychopinn/data/random.h"

namespace {

using ptychopinn::data::GroupingOptions;
using ptychopinn::data::Random;

// A field of "VmHWM:" / "VmRSS:" in /proc/self/status, in MB (0 when unavailable).
double proc_status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::strtod(line.c_str() + field.size(), nullptr) / 1024.0;
  }
  return 0;
}

// Returns freed heap memory to the system (so memory kept from an earlier, larger benchmark does
// not hide this one's), then resets VmHWM to the current resident set (Linux >= 4.0; harmless
// where unsupported).
void reset_peak() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}

struct Scan {
  std::vector<double> x, y;
};

// n uniform positions on a square whose density matches a typical scan (about one point per 4 px²).
Scan uniform_scan(std::int64_t n) {
  Random rng(12345);
  const double side = 2.0 * std::sqrt(static_cast<double>(n));
  Scan s;
  s.x.resize(static_cast<std::size_t>(n));
  s.y.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    s.x[i] = side * rng.uniform01();
    s.y[i] = side * rng.uniform01();
  }
  return s;
}

GroupingOptions gridsize2_k4() {
  GroupingOptions o;
  o.gridsize = 2;
  o.neighbor_count = 4;
  return o;
}

void set_memory_counters(benchmark::State& state, double rss_before_mb) {
  const double peak = proc_status_mb("VmHWM:");
  state.counters["peak_MB"] = peak;
  state.counters["extra_MB"] = peak - rss_before_mb;
}

// Args: number of points, threads (0 = every core).
void BM_FormGroups(benchmark::State& state) {
  const Scan scan = uniform_scan(state.range(0));
  GroupingOptions options = gridsize2_k4();
  options.n_threads = static_cast<int>(state.range(1));
  reset_peak();
  const double rss_before = proc_status_mb("VmRSS:");
  for (auto _ : state) {
    auto table = ptychopinn::data::form_groups(scan.x, scan.y, options);
    benchmark::DoNotOptimize(table.indices.data());
  }
  set_memory_counters(state, rss_before);
  state.counters["points_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FormGroups)
    ->ArgNames({"points", "threads"})
    ->ArgsProduct({{10'000, 100'000, 1'000'000}, {1, 0}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Stage 2 on its second call: hash the coordinates, map the cache and copy the table out.
void BM_LoadCachedGroups(benchmark::State& state) {
  const Scan scan = uniform_scan(state.range(0));
  const GroupingOptions options = gridsize2_k4();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("grouping_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string dataset = (dir / "scan.npz").string();
  ptychopinn::data::GroupCacheOptions cache;
  cache.fallback_dir = (dir / "fallback").string();
  ptychopinn::data::load_or_form_groups(dataset, scan.x, scan.y, options, cache);  // writes the cache
  reset_peak();
  const double rss_before = proc_status_mb("VmRSS:");
  for (auto _ : state) {
    auto result = ptychopinn::data::load_or_form_groups(dataset, scan.x, scan.y, options, cache);
    if (result.status != ptychopinn::data::GroupCacheStatus::kReused) state.SkipWithError("cache not reused");
    benchmark::DoNotOptimize(result.table.indices.data());
  }
  set_memory_counters(state, rss_before);
  state.counters["points_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_LoadCachedGroups)
    ->ArgName("points")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
