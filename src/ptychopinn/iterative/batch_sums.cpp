#include "ptychopinn/iterative/batch_sums.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "ptychopinn/iterative/reconstruction_state.h"
#include "ptychopinn/tensor/complex_floats.h"

namespace ptychopinn::iterative {
namespace {

bool on_host(std::initializer_list<torch::Tensor> tensors) {
  for (const auto& t : tensors) {
    if (t.defined() && (!t.is_cpu() || !t.is_contiguous() || t.scalar_type() != torch::kComplexFloat))
      return false;
  }
  return true;
}

torch::Tensor doubles(const std::vector<double>& v) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kDouble));
}

}  // namespace

// The loops below read complex64 data as interleaved float pairs and spell out the complex
// arithmetic: std::complex<float> products carry a NaN-recovery branch (C99 Annex G) that keeps
// the compiler from vectorising them.

ProbeSums probe_sums(const torch::Tensor& patches_in, const torch::Tensor& chi_in) {
  const torch::Tensor patches = patches_in.contiguous(), chi = chi_in.contiguous();
  if (!on_host({patches, chi})) return detail::probe_sums_tensor(patches, chi);
  const int64_t b = chi.size(0), k = chi.size(1), pixels = chi.size(2) * chi.size(3);
  ProbeSums out;
  out.numerator = torch::zeros({k, chi.size(2), chi.size(3)}, chi.options());
  out.object_power = torch::zeros({chi.size(2), chi.size(3)}, torch::kFloat);
  const float* o = complex_floats(patches);
  const float* c = complex_floats(chi);
  float* num = reinterpret_cast<float*>(out.numerator.data_ptr<c10::complex<float>>());
  float* power = out.object_power.data_ptr<float>();
  // Each task owns a range of pixels and adds the patterns in their order, one contiguous row of
  // pixels at a time (so every pixel's sum is the same whatever the thread count).
  at::parallel_for(0, pixels, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t j = 0; j < b; ++j) {
      const float* oj = o + 2 * j * pixels;
      for (int64_t p = begin; p < end; ++p) power[p] += oj[2 * p] * oj[2 * p] + oj[2 * p + 1] * oj[2 * p + 1];
      for (int64_t m = 0; m < k; ++m) {
        const float* cj = c + 2 * (j * k + m) * pixels;
        float* nm = num + 2 * m * pixels;
        for (int64_t p = begin; p < end; ++p) {
          // conj(o) c
          nm[2 * p] += oj[2 * p] * cj[2 * p] + oj[2 * p + 1] * cj[2 * p + 1];
          nm[2 * p + 1] += oj[2 * p] * cj[2 * p + 1] - oj[2 * p + 1] * cj[2 * p];
        }
      }
    }
  });
  return out;
}

namespace {

// Pixels per block: within a block each of kLanes float lanes sums every kLanes-th pixel, so the
// compiler can keep the lanes in one vector register; the blocks' sums are added in double.
constexpr int64_t kLanes = 8;
constexpr int64_t kBlock = 256;

struct PatternSums {
  double a11 = 0, b1 = 0, a22 = 0, a12 = 0, b2 = 0;
};

// The object-step terms of one pattern: sum |d|^2 |P|^2 and Re(conj(d) g).
PatternSums object_terms(const float* d, const float* g, const float* pp, int64_t pixels) {
  PatternSums s;
  for (int64_t p0 = 0; p0 < pixels; p0 += kBlock) {
    const int64_t p1 = std::min(pixels, p0 + kBlock);
    float l11[kLanes] = {}, l1[kLanes] = {};
    int64_t p = p0;
    for (; p + kLanes <= p1; p += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) {
        const int64_t q = p + l;
        l11[l] += (d[2 * q] * d[2 * q] + d[2 * q + 1] * d[2 * q + 1]) * pp[q];
        l1[l] += d[2 * q] * g[2 * q] + d[2 * q + 1] * g[2 * q + 1];
      }
    }
    for (; p < p1; ++p) {
      l11[0] += (d[2 * p] * d[2 * p] + d[2 * p + 1] * d[2 * p + 1]) * pp[p];
      l1[0] += d[2 * p] * g[2 * p] + d[2 * p + 1] * g[2 * p + 1];
    }
    for (int64_t l = 0; l < kLanes; ++l) {
      s.a11 += l11[l];
      s.b1 += l1[l];
    }
  }
  return s;
}

// The probe-step terms of one pattern: sum |o|^2 |dP|^2, Re(conj(d) o x) with x = sum_m conj(P_m) dP_m,
// and Re(conj(o) v) with v = sum_m conj(dP_m) chi_m.
void probe_terms(const float* d, const float* o, const float* chi, const float* dp, const float* x,
                 const float* dpp, int64_t k, int64_t pixels, PatternSums& s) {
  for (int64_t p0 = 0; p0 < pixels; p0 += kBlock) {
    const int64_t p1 = std::min(pixels, p0 + kBlock);
    float l22[kLanes] = {}, l12[kLanes] = {}, l2[kLanes] = {};
    // one_mode (a compile-time constant) drops the mode loop, which lets the one-mode terms vectorise.
    auto term = [&](int64_t q, int64_t l, auto one_mode) {
      const float or_ = o[2 * q], oi = o[2 * q + 1];
      l22[l] += (or_ * or_ + oi * oi) * dpp[q];
      const float oxr = or_ * x[2 * q] - oi * x[2 * q + 1], oxi = or_ * x[2 * q + 1] + oi * x[2 * q];
      l12[l] += d[2 * q] * oxr + d[2 * q + 1] * oxi;
      float vr = 0.0f, vi = 0.0f;
      const int64_t modes = decltype(one_mode)::value ? 1 : k;
      for (int64_t m = 0; m < modes; ++m) {
        const float* dm = dp + 2 * m * pixels;
        const float* cm = chi + 2 * m * pixels;
        vr += dm[2 * q] * cm[2 * q] + dm[2 * q + 1] * cm[2 * q + 1];
        vi += dm[2 * q] * cm[2 * q + 1] - dm[2 * q + 1] * cm[2 * q];
      }
      l2[l] += or_ * vr + oi * vi;
    };
    int64_t p = p0;
    if (k == 1) {
      for (; p + kLanes <= p1; p += kLanes) {
        for (int64_t l = 0; l < kLanes; ++l) term(p + l, l, std::true_type{});
      }
    } else {
      for (; p + kLanes <= p1; p += kLanes) {
        for (int64_t l = 0; l < kLanes; ++l) term(p + l, l, std::false_type{});
      }
    }
    for (; p < p1; ++p) term(p, 0, std::false_type{});
    for (int64_t l = 0; l < kLanes; ++l) {
      s.a22 += l22[l];
      s.a12 += l12[l];
      s.b2 += l2[l];
    }
  }
}

}  // namespace

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
  const float *d = complex_floats(d_t), *g = complex_floats(g_t), *o = complex_floats(o_t),
              *c = complex_floats(c_t);
  const float* dp = with_probe ? complex_floats(dp_t) : nullptr;
  const float* x = with_probe ? complex_floats(cross) : nullptr;
  const float* pp = probe_power.data_ptr<float>();
  const float* dpp = with_probe ? direction_power.data_ptr<float>() : nullptr;
  std::vector<PatternSums> sums(static_cast<size_t>(b));
  at::parallel_for(0, b, 1, [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      const int64_t at = 2 * j * pixels;
      PatternSums s = object_terms(d + at, g + at, pp, pixels);
      if (with_probe) probe_terms(d + at, o + at, c + k * at, dp, x, dpp, k, pixels, s);
      sums[static_cast<size_t>(j)] = s;
    }
  });
  auto column = [&](double PatternSums::*member) {
    std::vector<double> v;
    v.reserve(sums.size());
    for (const auto& s : sums) v.push_back(s.*member);
    return doubles(v);
  };
  StepSums out;
  out.a11 = column(&PatternSums::a11);
  out.b1 = column(&PatternSums::b1);
  if (with_probe) {
    out.a22 = column(&PatternSums::a22);
    out.a12 = column(&PatternSums::a12);
    out.b2 = column(&PatternSums::b2);
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
