#include "ptychopinn/iterative/fourier_constraint.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "ptychopinn/iterative/pixel_kernels.h"
#include "ptychopinn/tensor/complex_floats.h"

namespace ptychopinn::iterative {
namespace {

// Fixed-point iterations of the Poisson step (they converge to a few per cent in three).
constexpr int kPoissonStepIterations = 3;

torch::Tensor intensity(const torch::Tensor& field) {
  // Σ_k (re² + im²) over the mode axis: [B, K, N, N] complex -> [B, N, N] float
  return torch::view_as_real(field).square().sum({1, -1});
}

// The Gaussian step of a batch of far fields [B, K, N, N] on the host, in place; patterns in
// parallel, their sums added in pattern order, so the result does not depend on the thread count.
double gaussian_step_in_place(torch::Tensor& field, const torch::Tensor& amplitudes,
                              const torch::Tensor& valid) {
  const int64_t b = field.size(0), k = field.size(1), pixels = field.size(2) * field.size(3);
  float* f = complex_floats(field);
  const torch::Tensor a_c = amplitudes.contiguous();
  const float* a = a_c.data_ptr<float>();
  const torch::Tensor v_c = valid.defined() ? valid.contiguous() : torch::Tensor();
  const float* v = v_c.defined() ? v_c.data_ptr<float>() : nullptr;
  std::vector<double> error(static_cast<size_t>(b), 0.0);
  at::parallel_for(0, b, 1, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      error[static_cast<size_t>(j)] = gaussian_pattern(f + 2 * j * k * pixels, k, a + j * pixels, v, pixels);
    }
  });
  double total = 0.0;
  for (double e : error) total += e;
  return total;
}

bool host_complex64(const torch::Tensor& t) { return t.is_cpu() && t.scalar_type() == torch::kComplexFloat; }

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

FourierStep fourier_step_from_patches(const FarField& far_field, const torch::Tensor& probe_in,
                                      const torch::Tensor& patches_in, const torch::Tensor& amplitudes_in,
                                      const torch::Tensor& valid_in, NoiseModel noise_model) {
  if (noise_model != NoiseModel::kGaussian || !host_complex64(probe_in) || !host_complex64(patches_in) ||
      !amplitudes_in.is_cpu() || amplitudes_in.scalar_type() != torch::kFloat) {
    return fourier_step(far_field, probe_in.unsqueeze(0) * patches_in.unsqueeze(1), amplitudes_in, valid_in,
                        noise_model);
  }
  const torch::Tensor probe = probe_in.contiguous(), patches = patches_in.contiguous(),
                      amplitudes = amplitudes_in.contiguous();
  const torch::Tensor valid = valid_in.defined() ? valid_in.contiguous() : torch::Tensor();
  const int64_t b = patches.size(0), k = probe.size(0), pixels = probe.size(1) * probe.size(2);
  TORCH_CHECK(patches.size(1) == probe.size(1) && patches.size(2) == probe.size(2) &&
                  amplitudes.size(0) == b && amplitudes.numel() == b * pixels,
              "fourier_step_from_patches: probe ", probe.sizes(), ", patches ", patches.sizes(),
              " and amplitudes ", amplitudes.sizes(), " do not match");
  const float* p = complex_floats(probe);
  const float* o = complex_floats(patches);
  const float* a = amplitudes.data_ptr<float>();
  const float* v = valid.defined() ? valid.data_ptr<float>() : nullptr;
  FourierStep out;
  out.chi = torch::empty({b, k, probe.size(1), probe.size(2)}, probe.options());
  std::vector<double> error(static_cast<size_t>(b), 0.0);
  const auto fill = [&](int64_t j, std::complex<float>* fields) {
    exit_waves_of_pattern(p, o + 2 * j * pixels, k, pixels, reinterpret_cast<float*>(fields));
  };
  const auto constrain = [&](int64_t j, std::complex<float>* fields) {
    error[static_cast<size_t>(j)] =
        gaussian_pattern(reinterpret_cast<float*>(fields), k, a + j * pixels, v, pixels);
  };
  out.object_numerator = torch::empty({b, probe.size(1), probe.size(2)}, probe.options());
  float* numerator = complex_floats(out.object_numerator);
  const auto conjugate_probe_times_chi = [&](int64_t j, std::complex<float>* fields) {
    object_numerator_of_pattern(p, reinterpret_cast<const float*>(fields), k, pixels,
                                numerator + 2 * j * pixels);
  };
  far_field.round_trip(out.chi, fill, constrain, conjugate_probe_times_chi);
  for (double e : error) out.error_sum += e;
  return out;
}

}  // namespace ptychopinn::iterative
