#include "ptychopinn/iterative/fourier_constraint.h"

namespace ptychopinn::iterative {
namespace {

// |Fψ| below this is treated as zero when dividing by it: Ψ_k is then 0 too (|Ψ_k| <= |Fψ|), so
// the product stays 0 rather than NaN.
constexpr float kTinyAmplitude = 1e-20f;
// Fixed-point iterations of the Poisson step (they converge to a few per cent in three).
constexpr int kPoissonStepIterations = 3;

torch::Tensor far_field(const torch::Tensor& psi) {
  return torch::fft::fft2(psi, c10::nullopt, {-2, -1}, "ortho");
}

torch::Tensor intensity(const torch::Tensor& field) {
  // Σ_k (re² + im²) over the mode axis: [B, K, N, N] complex -> [B, N, N] float
  return torch::view_as_real(field).square().sum({1, -1});
}

}  // namespace

torch::Tensor to_fft_order(const torch::Tensor& centred) {
  return torch::fft::ifftshift(centred, std::vector<int64_t>{-2, -1});
}

torch::Tensor model_amplitude(const torch::Tensor& psi) { return intensity(far_field(psi)).sqrt(); }

FourierStep fourier_step(const torch::Tensor& psi, const torch::Tensor& amplitudes,
                         const torch::Tensor& valid, NoiseModel noise_model) {
  const torch::Tensor field = far_field(psi);
  const torch::Tensor model_intensity = intensity(field);
  const torch::Tensor model_amp = model_intensity.sqrt();
  FourierStep out;
  torch::Tensor residual = (model_amp - amplitudes).square_();
  if (valid.defined()) residual.mul_(valid);
  out.error_sum = residual.sum(torch::kDouble).item<double>();

  torch::Tensor factor;  // [B, N, N] float: Ψ' − Ψ = factor · Ψ
  if (noise_model == NoiseModel::kGaussian) {
    factor = amplitudes / model_amp.clamp_min(kTinyAmplitude) - 1;
  } else {
    const torch::Tensor data = amplitudes.square();
    const double eps = 1e-9 * data.mean().item<double>() + 1e-30;
    torch::Tensor xi = 1 - data / (model_intensity + eps);
    if (valid.defined()) xi.mul_(valid);
    // Stationarity of Σ I (1 − αξ)² − d log(I (1 − αξ)²) in α: α = Σ ξ (I − d / (1 − αξ)) / Σ ξ² I.
    const torch::Tensor denominator = (xi.square() * model_intensity).sum({1, 2}, false, torch::kDouble);
    torch::Tensor alpha = torch::full({psi.size(0), 1, 1}, 0.5, xi.options());
    for (int i = 0; i < kPoissonStepIterations; ++i) {
      const torch::Tensor numerator = (xi * (model_intensity - data / (1 - alpha * xi).clamp_min(1e-6f)))
                                          .sum({1, 2}, false, torch::kDouble);
      alpha = (numerator / denominator.clamp_min(1e-300)).clamp(0, 1).to(torch::kFloat).view({-1, 1, 1});
    }
    factor = -alpha * xi;
  }
  if (valid.defined()) factor.mul_(valid);
  out.chi = torch::fft::ifft2(field * factor.unsqueeze(1), c10::nullopt, {-2, -1}, "ortho");
  return out;
}

}  // namespace ptychopinn::iterative
