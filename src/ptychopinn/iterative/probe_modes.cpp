#include "ptychopinn/iterative/probe_modes.h"

#include <cmath>

namespace ptychopinn::iterative {

torch::Tensor orthogonalize_modes(const torch::Tensor& probe) {
  const int64_t k = probe.size(0);
  if (k == 1) return probe;
  const torch::Tensor flat = probe.reshape({k, -1});
  // K x K: tiny, so the eigen-decomposition runs in double on the host whatever the device.
  const torch::Tensor gram =
      torch::matmul(flat, flat.conj().transpose(0, 1)).to(torch::kCPU, torch::kComplexDouble);
  const auto [values, vectors] = at::linalg_eigh(gram, "L");  // ascending eigenvalues
  // Modes = V^H P, strongest first.
  const torch::Tensor mix = vectors.flip({1}).conj().transpose(0, 1).to(probe.device(), probe.scalar_type());
  return torch::matmul(mix, flat).reshape(probe.sizes());
}

std::vector<double> mode_power_fractions(const torch::Tensor& probe) {
  const torch::Tensor power = torch::view_as_real(probe).square().sum({1, 2, 3}, false, torch::kDouble).cpu();
  const double total = power.sum().item<double>();
  std::vector<double> out(static_cast<size_t>(probe.size(0)));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = total > 0 ? power[static_cast<int64_t>(i)].item<double>() / total : 0.0;
  return out;
}

torch::Tensor probe_with_modes(const torch::Tensor& probe, int64_t modes, double fraction) {
  torch::Tensor p = probe.dim() == 2 ? probe.unsqueeze(0) : probe;
  const int64_t given = p.size(0), n = p.size(-1);
  if (given >= modes) return orthogonalize_modes(p).narrow(0, 0, modes).contiguous();
  const torch::Tensor main = p[0];
  const auto real_opts = torch::TensorOptions().dtype(torch::kDouble).device(p.device());
  const torch::Tensor weight = main.abs().square().to(torch::kDouble);
  const double total = weight.sum().item<double>();
  const torch::Tensor axis = torch::arange(n, real_opts);
  const torch::Tensor rows = axis.view({-1, 1}).expand({n, n}), cols = axis.view({1, -1}).expand({n, n});
  const double cy = (weight * rows).sum().item<double>() / total,
               cx = (weight * cols).sum().item<double>() / total;
  const double var = (weight * ((rows - cy).square() + (cols - cx).square())).sum().item<double>() / total;
  const double sigma = std::sqrt(std::max(var / 2, 1e-12));
  const torch::Tensor y = (rows - cy) / sigma, x = (cols - cx) / sigma;
  std::vector<torch::Tensor> all = p.unbind(0);
  const double main_power = total;
  // Monomials of increasing degree: x, y, xy, x², y², x²y, xy², ...
  for (int64_t degree = 1; static_cast<int64_t>(all.size()) < modes; ++degree) {
    for (int64_t a = degree; a >= 0 && static_cast<int64_t>(all.size()) < modes; --a) {
      const torch::Tensor mode = main * (x.pow(a) * y.pow(degree - a)).to(main.scalar_type());
      const double power = mode.abs().square().sum().item<double>();
      all.push_back(mode * std::sqrt(fraction * main_power / std::max(power, 1e-300)));
    }
  }
  return orthogonalize_modes(torch::stack(all));
}

}  // namespace ptychopinn::iterative
