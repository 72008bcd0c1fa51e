// Reading a ~200 MB float32 dataset member three ways: from a stored npz (memory-mapped, no copy),
// from a deflated npz (libzip inflate into a buffer) and from an .npy (mapped). Each iteration opens
// the file, reads the member and sums every element, so that the mapped cases pay for touching
// their pages like the others; "open only" shows what mapping alone costs. The files are written
// just before, so the page cache is warm: this measures parsing, inflating and memory bandwidth,
// not the disk. Never pass/fail.
//   PTYCHOPINN_BENCH_MB   size of the dataset in MB (default 200)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"

namespace {

using ptychopinn::io::NpyArray;
using ptychopinn::io::NpzReader;

struct Files {
  std::filesystem::path dir;
  std::string stored, deflated, npy;
  std::size_t nbytes = 0;
};
Files g_files;

// Diffraction-like amplitudes: a bright centre falling off to zeros, with integer-count noise,
// so that deflate sees data about as compressible as real patterns.
NpyArray make_dataset(std::size_t megabytes) {
  const std::int64_t n = 256;
  const std::int64_t images =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(megabytes * 1000000 / (n * n * 4)));
  NpyArray a = NpyArray::zeros(ptychopinn::io::DType::kFloat32, {images, n, n});
  float* p = a.mutable_data_as<float>();
  std::uint32_t state = 12345;
  for (std::int64_t k = 0; k < images; ++k) {
    for (std::int64_t y = 0; y < n; ++y) {
      for (std::int64_t x = 0; x < n; ++x) {
        const double r2 = double((y - n / 2) * (y - n / 2) + (x - n / 2) * (x - n / 2));
        state = state * 1664525u + 1013904223u;
        const double counts = std::floor(1e4 * std::exp(-r2 / 400.0) + (state >> 29));
        *p++ = static_cast<float>(std::sqrt(counts));
      }
    }
  }
  return a;
}

double sum(const NpyArray& a) {
  // Byte-level reads through float copies: a member of a NumPy-written npz may be misaligned.
  const auto* bytes = static_cast<const unsigned char*>(a.data());
  double s = 0;
  for (std::size_t i = 0; i + 4 <= a.nbytes(); i += 4) {
    float v;
    std::memcpy(&v, bytes + i, 4);
    s += v;
  }
  return s;
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * g_files.nbytes));
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(g_files.nbytes) / 1e6,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

void BM_StoredNpzMapped(benchmark::State& state) {
  for (auto _ : state) {
    NpzReader z(g_files.stored);
    const NpyArray a = z.read("diffraction");
    if (!a.is_mapped()) state.SkipWithError("stored member was not mapped");
    benchmark::DoNotOptimize(sum(a));
  }
  report(state);
}

void BM_StoredNpzMappedOpenOnly(benchmark::State& state) {
  for (auto _ : state) {
    NpzReader z(g_files.stored);
    benchmark::DoNotOptimize(z.read("diffraction").data());
  }
  report(state);
}

void BM_DeflatedNpz(benchmark::State& state) {
  for (auto _ : state) {
    NpzReader z(g_files.deflated);
    benchmark::DoNotOptimize(sum(z.read("diffraction")));
  }
  report(state);
}

void BM_Npy(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sum(ptychopinn::io::read_npy(g_files.npy)));
  report(state);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* mb_env = std::getenv("PTYCHOPINN_BENCH_MB");
  const std::size_t mb = mb_env != nullptr ? std::strtoul(mb_env, nullptr, 10) : 200;
  g_files.dir = std::filesystem::temp_directory_path() / ("pp_npz_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(g_files.dir);
  g_files.stored = (g_files.dir / "stored.npz").string();
  g_files.deflated = (g_files.dir / "deflated.npz").string();
  g_files.npy = (g_files.dir / "data.npy").string();
  {
    const NpyArray data = make_dataset(mb);
    g_files.nbytes = data.nbytes();
    const NpyArray coords = NpyArray::zeros(ptychopinn::io::DType::kFloat64, {data.shape()[0]});
    ptychopinn::io::write_npz(g_files.stored, {{"xcoords", coords}, {"diffraction", data}}, false);
    ptychopinn::io::write_npz(g_files.deflated, {{"xcoords", coords}, {"diffraction", data}}, true);
    ptychopinn::io::write_npy(g_files.npy, data);
  }
  std::printf("dataset: float32 %.1f MB; stored npz %.1f MB, deflated npz %.1f MB (warm page cache)\n",
              g_files.nbytes / 1e6, std::filesystem::file_size(g_files.stored) / 1e6,
              std::filesystem::file_size(g_files.deflated) / 1e6);
  benchmark::RegisterBenchmark("read/stored_npz_mmap", BM_StoredNpzMapped)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("read/stored_npz_mmap_open_only", BM_StoredNpzMappedOpenOnly)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("read/deflated_npz", BM_DeflatedNpz)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("read/npy_mmap", BM_Npy)->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(g_files.dir);
  return 0;
}
