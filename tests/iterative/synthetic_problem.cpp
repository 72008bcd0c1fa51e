#include "iterative/synthetic_problem.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <complex>

#include "ptychopinn/data/patch_extraction.h"
#include "ptychopinn/physics/diffraction.h"

namespace ptychopinn::iterative::testing {
namespace {

// Gaussian low-pass of a random field (in Fourier space), normalised to [0, 1].
torch::Tensor smooth_field(int64_t size, double sigma_px, at::Generator& gen) {
  const torch::Tensor noise = torch::randn({size, size}, gen, torch::kDouble);
  const torch::Tensor f = torch::fft::fftfreq(size, torch::kDouble);
  const torch::Tensor f2 = f.view({-1, 1}).square() + f.view({1, -1}).square();
  const torch::Tensor filter = torch::exp(-2 * M_PI * M_PI * sigma_px * sigma_px * f2);
  torch::Tensor field = torch::real(torch::fft::ifft2(torch::fft::fft2(noise) * filter));
  field = field - field.min();
  return field / field.max();
}

}  // namespace

torch::Tensor synthetic_object(int64_t size, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor amplitude = 0.5 + 0.5 * smooth_field(size, 1.5, gen);
  const torch::Tensor phase = 2.0 * smooth_field(size, 2.0, gen) - 1.0;
  return torch::polar(amplitude, phase).to(torch::kComplexFloat);
}

torch::Tensor synthetic_probe(int64_t n, double sigma_px, double curvature) {
  const torch::Tensor r = torch::arange(n, torch::kDouble) - static_cast<double>(n / 2);
  const torch::Tensor r2 = r.view({-1, 1}).square() + r.view({1, -1}).square();
  return torch::polar(torch::exp(-r2 / (2 * sigma_px * sigma_px)), curvature * r2).to(torch::kComplexFloat);
}

Synthetic make_synthetic(const SyntheticOptions& o, const torch::Tensor& probe_in) {
  Synthetic s;
  s.object = synthetic_object(o.object_size, o.seed);
  s.probe = probe_in.dim() == 2 ? probe_in.unsqueeze(0) : probe_in;
  const int64_t n = o.n;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed + 1);
  std::vector<double> xs, ys;
  for (int64_t y = n / 2; y <= o.object_size - n / 2 - 1; y += o.step_px) {
    for (int64_t x = n / 2; x <= o.object_size - n / 2 - 1; x += o.step_px) {
      const double jx = o.jitter_px * (2 * torch::rand({1}, gen, torch::kDouble).item<double>() - 1);
      const double jy = o.jitter_px * (2 * torch::rand({1}, gen, torch::kDouble).item<double>() - 1);
      xs.push_back(
          std::clamp(x + jx, static_cast<double>(n / 2), static_cast<double>(o.object_size - n / 2 - 1)));
      ys.push_back(
          std::clamp(y + jy, static_cast<double>(n / 2), static_cast<double>(o.object_size - n / 2 - 1)));
    }
  }
  const auto m = static_cast<int64_t>(xs.size());
  torch::Tensor patches = torch::empty({m, n, n}, torch::kComplexFloat);
  const torch::Tensor obj = s.object.contiguous();
  for (int64_t i = 0; i < m; ++i) {
    data::extract_patch(reinterpret_cast<const std::complex<float>*>(obj.data_ptr<c10::complex<float>>()),
                        o.object_size, o.object_size, xs[static_cast<size_t>(i)], ys[static_cast<size_t>(i)],
                        n,
                        reinterpret_cast<std::complex<float>*>(patches[i].data_ptr<c10::complex<float>>()));
  }
  // Incoherent modes: A² = Σ_k |F(P_k O)|².
  torch::Tensor intensity = torch::zeros({m, n, n}, torch::kFloat);
  for (int64_t k = 0; k < s.probe.size(0); ++k) {
    intensity += physics::far_field_amplitude(patches * s.probe[k]).square();
  }
  s.problem.source = "synthetic";
  s.problem.amplitudes = intensity.sqrt();
  s.problem.positions_px =
      torch::stack({torch::tensor(xs, torch::kDouble), torch::tensor(ys, torch::kDouble)}, 1);
  s.problem.probe = s.probe[0].clone();
  infer::StitchGrid grid;
  grid.width = o.object_size;
  grid.height = o.object_size;
  s.problem.grid = grid;
  return s;
}

Synthetic make_synthetic(const SyntheticOptions& options) {
  return make_synthetic(options, synthetic_probe(options.n));
}

double pearson(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& mask) {
  const torch::Tensor x = a.masked_select(mask).to(torch::kDouble),
                      y = b.masked_select(mask).to(torch::kDouble);
  const torch::Tensor dx = x - x.mean(), dy = y - y.mean();
  return ((dx * dy).sum() / (dx.square().sum().sqrt() * dy.square().sum().sqrt())).item<double>();
}

ObjectMatch compare_objects(const torch::Tensor& estimate, const torch::Tensor& truth,
                            const torch::Tensor& mask) {
  const torch::Tensor e = estimate.to(torch::kComplexDouble), t = truth.to(torch::kComplexDouble);
  const torch::Tensor offset = torch::angle((e * t.conj()).masked_select(mask).sum());
  const torch::Tensor aligned = e * torch::polar(torch::ones_like(offset), -offset);
  ObjectMatch m;
  m.amplitude_r = pearson(aligned.abs(), t.abs(), mask);
  m.phase_r = pearson(torch::angle(aligned * t.conj()) + torch::angle(t), torch::angle(t), mask);
  return m;
}

double normalised_overlap(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a.to(torch::kComplexDouble).flatten(), y = b.to(torch::kComplexDouble).flatten();
  return ((x.conj() * y).sum().abs() / (x.abs().square().sum().sqrt() * y.abs().square().sum().sqrt()))
      .item<double>();
}

}  // namespace ptychopinn::iterative::testing
