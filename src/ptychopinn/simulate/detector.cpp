#include "ptychopinn/simulate/detector.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <complex>
#include <numeric>
#include <stdexcept>
#include <string>

#include "ptychopinn/data/patch_extraction.h"
#include "ptychopinn/data/random.h"
#include "ptychopinn/physics/diffraction.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::simulate {
namespace {

void check_inputs(const char* where, const torch::Tensor& object, const torch::Tensor& probe) {
  if (object.dim() != 2 || object.scalar_type() != torch::kComplexFloat) {
    throw std::invalid_argument(std::string(where) + ": object = " + format_shape(object.sizes().vec()) +
                                "; expected [H, W] complex64");
  }
  if (probe.dim() != 2 || probe.size(0) != probe.size(1) || probe.scalar_type() != torch::kComplexFloat) {
    throw std::invalid_argument(std::string(where) + ": probe = " + format_shape(probe.sizes().vec()) +
                                "; expected [N, N] complex64");
  }
}

}  // namespace

torch::Tensor exit_waves(const torch::Tensor& object, const torch::Tensor& probe,
                         const ScanPositions& positions, int64_t begin, int64_t end) {
  constexpr const char* kWhere = "exit_waves";
  check_inputs(kWhere, object, probe);
  const auto m_total = static_cast<int64_t>(positions.size());
  if (begin < 0 || begin > end || end > m_total) {
    throw std::out_of_range(std::string(kWhere) + ": range = [" + std::to_string(begin) + ", " +
                            std::to_string(end) +
                            "); expected 0 <= begin <= end <= " + std::to_string(m_total));
  }
  const int64_t m = end - begin;
  const int64_t n = probe.size(0);
  const torch::Tensor obj = object.contiguous().cpu();
  torch::Tensor patches = torch::empty({m, n, n}, torch::kComplexFloat);
  const auto* src = reinterpret_cast<const std::complex<float>*>(obj.data_ptr<c10::complex<float>>());
  auto* dst = reinterpret_cast<std::complex<float>*>(patches.data_ptr<c10::complex<float>>());
  at::parallel_for(0, m, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      const auto k = static_cast<std::size_t>(begin + i);
      data::extract_patch(src, obj.size(0), obj.size(1), positions.x[k], positions.y[k], n, dst + i * n * n);
    }
  });
  return patches * probe.cpu().unsqueeze(0);
}

std::vector<double> exit_wave_energies(const torch::Tensor& psi) {
  if (psi.dim() != 3 || psi.scalar_type() != torch::kComplexFloat) {
    throw std::invalid_argument("exit_wave_energies: psi = " + format_shape(psi.sizes().vec()) +
                                "; expected [m, N, N] complex64");
  }
  const torch::Tensor c = psi.contiguous().cpu();
  const int64_t m = c.size(0), per = c.size(1) * c.size(2);
  const auto* v = reinterpret_cast<const std::complex<float>*>(c.data_ptr<c10::complex<float>>());
  std::vector<double> out(static_cast<std::size_t>(m), 0.0);
  for (int64_t i = 0; i < m; ++i) {
    double sum = 0.0;
    for (int64_t j = 0; j < per; ++j) sum += std::norm(std::complex<double>(v[i * per + j]));
    out[static_cast<std::size_t>(i)] = sum;
  }
  return out;
}

double photon_scale(double nphotons, double mean_energy) {
  if (!(nphotons > 0) || !std::isfinite(nphotons)) {
    throw std::invalid_argument("photon_scale: nphotons = " + format_number(nphotons) +
                                "; expected finite nphotons > 0");
  }
  if (!(mean_energy > 0) || !std::isfinite(mean_energy)) {
    throw std::invalid_argument("photon_scale: mean diffracted intensity = " + format_number(mean_energy) +
                                "; expected > 0 (the probe must illuminate a non-zero part of the object)");
  }
  return nphotons / mean_energy;
}

torch::Tensor detect_amplitudes(const torch::Tensor& psi, double photon_scale, const DetectorOptions& options,
                                int64_t first_index) {
  if (psi.dim() != 3 || psi.scalar_type() != torch::kComplexFloat) {
    throw std::invalid_argument("detect_amplitudes: psi = " + format_shape(psi.sizes().vec()) +
                                "; expected [m, N, N] complex64");
  }
  const torch::Tensor expected = physics::far_field_intensity(psi.cpu()).to(torch::kFloat64) * photon_scale;
  if (!options.poisson_noise) return expected.sqrt().to(torch::kFloat32);
  torch::Tensor counts = torch::empty_like(expected);
  for (int64_t k = 0; k < expected.size(0); ++k) {
    const auto stream = static_cast<std::uint64_t>(first_index + k);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(data::Random::derive(options.seed, stream));
    counts[k] = torch::poisson(expected[k], generator);
  }
  return counts.sqrt().to(torch::kFloat32);
}

SimulatedPatterns simulate_patterns(const torch::Tensor& object, const torch::Tensor& probe,
                                    const ScanPositions& positions, const DetectorOptions& options) {
  constexpr const char* kWhere = "simulate_patterns";
  check_inputs(kWhere, object, probe);
  const auto m = static_cast<int64_t>(positions.size());
  if (m == 0) throw std::invalid_argument(std::string(kWhere) + ": positions = 0; expected at least one");
  if (!(options.nphotons > 0)) {
    throw std::invalid_argument(std::string(kWhere) + ": nphotons = " + format_number(options.nphotons) +
                                "; expected > 0");
  }
  const torch::Tensor psi = exit_waves(object, probe, positions, 0, m);
  const std::vector<double> energy = exit_wave_energies(psi);
  const double mean_energy = std::accumulate(energy.begin(), energy.end(), 0.0) / static_cast<double>(m);
  SimulatedPatterns out;
  out.photon_scale = photon_scale(options.nphotons, mean_energy);
  out.amplitude = detect_amplitudes(psi, out.photon_scale, options, 0);
  return out;
}

}  // namespace ptychopinn::simulate
