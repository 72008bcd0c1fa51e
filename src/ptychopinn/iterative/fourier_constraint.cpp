#include "ptychopinn/iterative/fourier_constraint.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <complex>
#include <vector>

namespace ptychopinn::iterative {
namespace {

// |Fψ| below this is treated as zero when dividing by it: Ψ_k is then 0 too (|Ψ_k| <= |Fψ|), so
// the product stays 0 rather than NaN.
constexpr float kTinyAmplitude = 1e-20f;
// Fixed-point iterations of the Poisson step (they converge to a few per cent in three).
constexpr int kPoissonStepIterations = 3;

torch::Tensor intensity(const torch::Tensor& field) {
  // Σ_k (re² + im²) over the mode axis: [B, K, N, N] complex -> [B, N, N] float
  return torch::view_as_real(field).square().sum({1, -1});
}

// The Gaussian step on the host in one pass over the far field, in place: per pixel the model
// amplitude, the residual and the factor A / |Fψ| − 1 applied to every mode (what the tensor form
// does in about ten passes). Returns Σ_valid (|Fψ| − A)²; patterns in parallel, their sums added in
// pattern order, so the result does not depend on the thread count.
double gaussian_step_in_place(torch::Tensor& field, const torch::Tensor& amplitudes,
                              const torch::Tensor& valid) {
  const int64_t b = field.size(0), k = field.size(1), pixels = field.size(2) * field.size(3);
  auto* f = reinterpret_cast<std::complex<float>*>(field.data_ptr<c10::complex<float>>());
  const torch::Tensor a_c = amplitudes.contiguous();
  const float* a = a_c.data_ptr<float>();
  const torch::Tensor v_c = valid.defined() ? valid.contiguous() : torch::Tensor();
  const float* v = v_c.defined() ? v_c.data_ptr<float>() : nullptr;
  std::vector<double> error(static_cast<size_t>(b), 0.0);
  at::parallel_for(0, b, 1, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      std::complex<float>* fj = f + j * k * pixels;
      const float* aj = a + j * pixels;
      double e = 0.0;
      for (int64_t p = 0; p < pixels; ++p) {
        float intensity = 0.0f;
        for (int64_t m = 0; m < k; ++m) intensity += std::norm(fj[m * pixels + p]);
        const float amp = std::sqrt(intensity), r = amp - aj[p];
        const float w = v ? v[p] : 1.0f;
        e += static_cast<double>(w * r * r);
        const float factor = w * (aj[p] / std::max(amp, kTinyAmplitude) - 1.0f);
        for (int64_t m = 0; m < k; ++m) fj[m * pixels + p] *= factor;
      }
      error[static_cast<size_t>(j)] = e;
    }
  });
  double total = 0.0;
  for (double e : error) total += e;
  return total;
}

}  // namespace

torch::Tensor to_fft_order(const torch::Tensor& centred) {
  return torch::fft::ifftshift(centred, std::vector<int64_t>{-2, -1});
}

torch::Tensor model_amplitude(const FarField& far_field, const torch::Tensor& psi) {
  return intensity(far_field.forward(psi)).sqrt();
}

FourierStep fourier_step(const FarField& far_field, const torch::Tensor& psi, const torch::Tensor& amplitudes,
                         const torch::Tensor& valid, NoiseModel noise_model) {
  torch::Tensor field = far_field.forward(psi);
  if (noise_model == NoiseModel::kGaussian && field.is_cpu() && field.is_contiguous() &&
      amplitudes.scalar_type() == torch::kFloat) {
    FourierStep out;
    out.error_sum = gaussian_step_in_place(field, amplitudes, valid);
    far_field.inverse_in_place(field);
    out.chi = field;
    return out;
  }
  // One mode: |Ψ| in one pass (no intensity image needed by the Gaussian step).
  const torch::Tensor model_amp = psi.size(1) == 1 ? field.abs().squeeze(1) : intensity(field).sqrt_();
  FourierStep out;
  torch::Tensor residual = model_amp - amplitudes;
  residual.mul_(residual);
  if (valid.defined()) residual.mul_(valid);
  out.error_sum = residual.sum().item<double>();

  torch::Tensor factor;  // [B, N, N] float: Ψ' − Ψ = factor · Ψ
  if (noise_model == NoiseModel::kGaussian) {
    factor = amplitudes / model_amp.clamp_min(kTinyAmplitude);
    factor.sub_(1);
  } else {
    const torch::Tensor model_intensity = model_amp.square();
    const torch::Tensor data = amplitudes.square();
    const double eps = 1e-9 * data.mean().item<double>() + 1e-30;
    torch::Tensor xi = 1 - data / (model_intensity + eps);
    if (valid.defined()) xi.mul_(valid);
    // Stationarity of Σ I (1 − αξ)² − d log(I (1 − αξ)²) in α: α = Σ ξ (I − d / (1 − αξ)) / Σ ξ² I.
    const torch::Tensor denominator = (xi.square() * model_intensity).sum({1, 2}).to(torch::kDouble);
    torch::Tensor alpha = torch::full({psi.size(0), 1, 1}, 0.5, xi.options());
    for (int i = 0; i < kPoissonStepIterations; ++i) {
      const torch::Tensor numerator =
          (xi * (model_intensity - data / (1 - alpha * xi).clamp_min(1e-6f))).sum({1, 2}).to(torch::kDouble);
      alpha = (numerator / denominator.clamp_min(1e-300)).clamp(0, 1).to(torch::kFloat).view({-1, 1, 1});
    }
    factor = -alpha * xi;
  }
  if (valid.defined()) factor.mul_(valid);
  out.chi = field * factor.unsqueeze(1);
  far_field.inverse_in_place(out.chi);
  return out;
}

}  // namespace ptychopinn::iterative
