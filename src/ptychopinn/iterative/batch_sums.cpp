#include "ptychopinn/iterative/batch_sums.h"

#include <ATen/Parallel.h>

#include <complex>
#include <vector>

#include "ptychopinn/iterative/reconstruction_state.h"

namespace ptychopinn::iterative {
namespace {

using cfloat = std::complex<float>;

const cfloat* complex_data(const torch::Tensor& t) {
  return reinterpret_cast<const cfloat*>(t.data_ptr<c10::complex<float>>());
}

bool on_host(std::initializer_list<torch::Tensor> tensors) {
  for (const auto& t : tensors) {
    if (t.defined() && (!t.is_cpu() || !t.is_contiguous() || t.scalar_type() != torch::kComplexFloat))
      return false;
  }
  return true;
}

// Re(conj(a) b)
inline double real_product(cfloat a, cfloat b) {
  return static_cast<double>(a.real()) * b.real() + static_cast<double>(a.imag()) * b.imag();
}

torch::Tensor doubles(const std::vector<double>& v) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kDouble));
}

}  // namespace

ProbeSums probe_sums(const torch::Tensor& patches_in, const torch::Tensor& chi_in) {
  const torch::Tensor patches = patches_in.contiguous(), chi = chi_in.contiguous();
  if (!on_host({patches, chi})) return detail::probe_sums_tensor(patches, chi);
  const int64_t b = chi.size(0), k = chi.size(1), pixels = chi.size(2) * chi.size(3);
  ProbeSums out;
  out.numerator = torch::empty({k, chi.size(2), chi.size(3)}, chi.options());
  out.object_power = torch::empty({chi.size(2), chi.size(3)}, torch::kFloat);
  const cfloat* o = complex_data(patches);
  const cfloat* c = complex_data(chi);
  auto* num = reinterpret_cast<cfloat*>(out.numerator.data_ptr<c10::complex<float>>());
  float* power = out.object_power.data_ptr<float>();
  // Each task owns a range of pixels and sums over the batch in pattern order.
  at::parallel_for(0, pixels, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      float pw = 0.0f;
      for (int64_t j = 0; j < b; ++j) pw += std::norm(o[j * pixels + p]);
      power[p] = pw;
      for (int64_t m = 0; m < k; ++m) {
        cfloat s = 0.0f;
        for (int64_t j = 0; j < b; ++j) s += std::conj(o[j * pixels + p]) * c[(j * k + m) * pixels + p];
        num[m * pixels + p] = s;
      }
    }
  });
  return out;
}

StepSums lsqml_step_sums(const torch::Tensor& direction_in, const torch::Tensor& numerator_in,
                         const torch::Tensor& patches_in, const torch::Tensor& chi_in,
                         const torch::Tensor& probe_in, const torch::Tensor& probe_direction_in) {
  const torch::Tensor d_t = direction_in.contiguous(), g_t = numerator_in.contiguous(),
                      o_t = patches_in.contiguous(), c_t = chi_in.contiguous(), p_t = probe_in.contiguous();
  const torch::Tensor dp_t = probe_direction_in.defined() ? probe_direction_in.contiguous() : torch::Tensor();
  if (!on_host({d_t, g_t, o_t, c_t, p_t, dp_t})) {
    return detail::lsqml_step_sums_tensor(d_t, g_t, o_t, c_t, p_t, dp_t);
  }
  const int64_t b = c_t.size(0), k = c_t.size(1), pixels = c_t.size(2) * c_t.size(3);
  const bool with_probe = dp_t.defined();
  // Per-pixel images of the probe and its direction, [N, N].
  const torch::Tensor probe_power =
      torch::view_as_real(p_t).square().sum(std::vector<int64_t>{0, -1}).contiguous();
  torch::Tensor direction_power, cross;
  if (with_probe) {
    direction_power = torch::view_as_real(dp_t).square().sum(std::vector<int64_t>{0, -1}).contiguous();
    cross = (p_t.conj() * dp_t).sum(0).contiguous();
  }
  const cfloat *d = complex_data(d_t), *g = complex_data(g_t), *o = complex_data(o_t), *c = complex_data(c_t);
  const cfloat* dp = with_probe ? complex_data(dp_t) : nullptr;
  const cfloat* x = with_probe ? complex_data(cross) : nullptr;
  const float* pp = probe_power.data_ptr<float>();
  const float* dpp = with_probe ? direction_power.data_ptr<float>() : nullptr;
  std::vector<double> a11(static_cast<size_t>(b)), b1(a11.size()), a22(a11.size()), a12(a11.size()),
      b2(a11.size());
  at::parallel_for(0, b, 1, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      const cfloat *dj = d + j * pixels, *gj = g + j * pixels, *oj = o + j * pixels, *cj = c + j * k * pixels;
      double s11 = 0, s1 = 0, s22 = 0, s12 = 0, s2 = 0;
      for (int64_t p = 0; p < pixels; ++p) {
        s11 += static_cast<double>(std::norm(dj[p]) * pp[p]);
        s1 += real_product(dj[p], gj[p]);
        if (with_probe) {
          s22 += static_cast<double>(std::norm(oj[p]) * dpp[p]);
          s12 += real_product(dj[p], oj[p] * x[p]);
          cfloat v = 0.0f;
          for (int64_t m = 0; m < k; ++m) v += std::conj(dp[m * pixels + p]) * cj[m * pixels + p];
          s2 += real_product(oj[p], v);
        }
      }
      const auto i = static_cast<size_t>(j);
      a11[i] = s11;
      b1[i] = s1;
      a22[i] = s22;
      a12[i] = s12;
      b2[i] = s2;
    }
  });
  StepSums out;
  out.a11 = doubles(a11);
  out.b1 = doubles(b1);
  if (with_probe) {
    out.a22 = doubles(a22);
    out.a12 = doubles(a12);
    out.b2 = doubles(b2);
  }
  return out;
}

namespace detail {

ProbeSums probe_sums_tensor(const torch::Tensor& patches, const torch::Tensor& chi) {
  ProbeSums out;
  out.numerator = (patches.conj().unsqueeze(1) * chi).sum(0);
  out.object_power = torch::view_as_real(patches).square().sum(std::vector<int64_t>{0, -1});
  return out;
}

StepSums lsqml_step_sums_tensor(const torch::Tensor& direction_patches, const torch::Tensor& object_numerator,
                                const torch::Tensor& patches, const torch::Tensor& chi,
                                const torch::Tensor& probe, const torch::Tensor& probe_direction) {
  const torch::Tensor probe_power = torch::view_as_real(probe).square().sum(std::vector<int64_t>{0, -1});
  StepSums out;
  out.a11 = per_pattern_sum(torch::view_as_real(direction_patches).square().sum(-1) * probe_power);
  out.b1 = real_inner(direction_patches, object_numerator);
  if (probe_direction.defined()) {
    const torch::Tensor direction_power =
        torch::view_as_real(probe_direction).square().sum(std::vector<int64_t>{0, -1});
    out.a22 = per_pattern_sum(torch::view_as_real(patches).square().sum(-1) * direction_power);
    const torch::Tensor cross = (probe.conj() * probe_direction).sum(0);
    out.a12 = real_inner(direction_patches, patches * cross);
    out.b2 = real_inner(patches, sum_modes(probe_direction.conj().unsqueeze(0) * chi));
  }
  return out;
}

}  // namespace detail
}  // namespace ptychopinn::iterative
