#include "ptychopinn/simulate/detector.h"

#include <ATen/CPUGeneratorImpl.h>

#include <complex>
#include <stdexcept>
#include <string>

#include "ptychopinn/data/patch_extraction.h"
#include "ptychopinn/physics/diffraction.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::simulate {

SimulatedPatterns simulate_patterns(const torch::Tensor& object, const torch::Tensor& probe,
                                    const ScanPositions& positions, const DetectorOptions& options) {
  constexpr const char* kWhere = "simulate_patterns";
  if (object.dim() != 2 || object.scalar_type() != torch::kComplexFloat) {
    throw std::invalid_argument(std::string(kWhere) + ": object = " + format_shape(object.sizes().vec()) +
                                "; expected [H, W] complex64");
  }
  if (probe.dim() != 2 || probe.size(0) != probe.size(1) || probe.scalar_type() != torch::kComplexFloat) {
    throw std::invalid_argument(std::string(kWhere) + ": probe = " + format_shape(probe.sizes().vec()) +
                                "; expected [N, N] complex64");
  }
  const auto m = static_cast<std::int64_t>(positions.size());
  if (m == 0) throw std::invalid_argument(std::string(kWhere) + ": positions = 0; expected at least one");
  if (!(options.nphotons > 0)) {
    throw std::invalid_argument(std::string(kWhere) + ": nphotons = " + std::to_string(options.nphotons) +
                                "; expected > 0");
  }
  const std::int64_t n = probe.size(0);
  const torch::Tensor obj = object.contiguous().cpu();
  torch::Tensor patches = torch::empty({m, n, n}, torch::kComplexFloat);
  const auto* src = reinterpret_cast<const std::complex<float>*>(obj.data_ptr<c10::complex<float>>());
  auto* dst = reinterpret_cast<std::complex<float>*>(patches.data_ptr<c10::complex<float>>());
  at::parallel_for(0, m, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const auto k = static_cast<std::size_t>(i);
      data::extract_patch(src, obj.size(0), obj.size(1), positions.x[k], positions.y[k], n, dst + i * n * n);
    }
  });
  const torch::Tensor intensity = physics::far_field_intensity(patches * probe.cpu().unsqueeze(0));
  const double mean_total = intensity.sum({1, 2}).mean().item<double>();
  if (!(mean_total > 0)) {
    throw std::invalid_argument(std::string(kWhere) +
                                ": mean diffracted intensity = 0; expected the probe to illuminate the object");
  }
  SimulatedPatterns out;
  out.photon_scale = options.nphotons / mean_total;
  const torch::Tensor expected = (intensity.to(torch::kFloat64) * out.photon_scale);
  if (options.poisson_noise) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    out.amplitude = torch::poisson(expected, generator).sqrt().to(torch::kFloat32);
  } else {
    out.amplitude = expected.sqrt().to(torch::kFloat32);
  }
  return out;
}

}  // namespace ptychopinn::simulate
