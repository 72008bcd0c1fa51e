#include "fma_peak.h"

#include <immintrin.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace ptychopinn::bench {

namespace {

// Twelve independent accumulators cover FMA latency x throughput (4 cycles x 2 pipes) on current
// x86 cores. a slightly below 1 and a tiny b keep the values normal for any iteration count.
constexpr int kChains = 12;

__attribute__((target("avx512f"))) float chains_avx512(std::int64_t iterations) {
  __m512 acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = _mm512_set1_ps(1.0f + 0.01f * static_cast<float>(k));
  const __m512 a = _mm512_set1_ps(0.9999999f), b = _mm512_set1_ps(1e-7f);
  for (std::int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kChains; ++k) acc[k] = _mm512_fmadd_ps(acc[k], a, b);
  }
  __m512 sum = acc[0];
  for (int k = 1; k < kChains; ++k) sum = _mm512_add_ps(sum, acc[k]);
  return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) float chains_avx2(std::int64_t iterations) {
  __m256 acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = _mm256_set1_ps(1.0f + 0.01f * static_cast<float>(k));
  const __m256 a = _mm256_set1_ps(0.9999999f), b = _mm256_set1_ps(1e-7f);
  for (std::int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < kChains; ++k) acc[k] = _mm256_fmadd_ps(acc[k], a, b);
  }
  alignas(32) float lanes[8];
  __m256 sum = acc[0];
  for (int k = 1; k < kChains; ++k) sum = _mm256_add_ps(sum, acc[k]);
  _mm256_store_ps(lanes, sum);
  float total = 0;
  for (const float v : lanes) total += v;
  return total;
}

float chains_scalar(std::int64_t iterations) {
  float acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = 1.0f + 0.01f * static_cast<float>(k);
  for (std::int64_t i = 0; i < iterations; ++i) {
    for (float& v : acc) v = v * 0.9999999f + 1e-7f;
  }
  float total = 0;
  for (const float v : acc) total += v;
  return total;
}

struct Kernel {
  float (*run)(std::int64_t);
  int lanes;
  const char* isa;
};

Kernel best_kernel() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {chains_avx512, 16, "avx512f"};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {chains_avx2, 8, "avx2+fma"};
  return {chains_scalar, 1, "scalar"};
}

double seconds_of(const Kernel& kernel, int threads, std::int64_t iterations) {
  std::vector<std::thread> workers;
  std::vector<float> sinks(static_cast<size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] { sinks[static_cast<size_t>(t)] = kernel.run(iterations); });
  }
  for (auto& w : workers) w.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  volatile float sink = 0;
  for (const float v : sinks) sink = sink + v;
  return elapsed.count();
}

}  // namespace

FmaPeak measure_fma_peak(int threads, double seconds) {
  const Kernel kernel = best_kernel();
  // Calibrate on one thread, then run long enough for the requested time.
  std::int64_t iterations = 1 << 20;
  double t = seconds_of(kernel, 1, iterations);
  while (t < 0.05) {
    iterations *= 4;
    t = seconds_of(kernel, 1, iterations);
  }
  iterations = static_cast<std::int64_t>(static_cast<double>(iterations) * seconds / t) + 1;
  const double elapsed = seconds_of(kernel, threads, iterations);
  const double flops = 2.0 * kChains * kernel.lanes * static_cast<double>(iterations) * threads;
  return {flops / elapsed / 1e9, threads, kernel.isa};
}

}  // namespace ptychopinn::bench
