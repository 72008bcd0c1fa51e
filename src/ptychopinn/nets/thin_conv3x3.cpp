#include "ptychopinn/nets/thin_conv3x3.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "ptychopinn/nets/conv3x3_args.h"

#if PTYCHOPINN_HAVE_ONEDNN
#include <dnnl.h>
#endif

namespace ptychopinn::nets::thin_conv3x3 {

namespace {

constexpr int64_t kTaps = 9;
// Rows (pixels) of one matrix product: a range's pieces stay in the cache, and the weight gradient
// sums the same ranges' partial products whatever the thread count.
constexpr int64_t kPixelsPerRange = 4096;

int64_t ranges_of(int64_t pixels) { return (pixels + kPixelsPerRange - 1) / kPixelsPerRange; }

// A channels-last [B, C, H, W] tensor's pixels: pixel p = (b * height + h) * width + w.
struct Pixels {
  int64_t batch, height, width;
  explicit Pixels(const torch::Tensor& x) : batch(x.size(0)), height(x.size(2)), width(x.size(3)) {}
  int64_t count() const { return batch * height * width; }
};

// Tap t = 3 kh + kw of a 3 x 3 kernel reads the input at offset (kh - 1, kw - 1).
constexpr int64_t row_offset(int64_t t) { return t / 3 - 1; }
constexpr int64_t column_offset(int64_t t) { return t % 3 - 1; }

// Runs fn(range, first pixel, pixels, scratch) for every range of `pixels`, ranges in parallel;
// scratch holds kPixelsPerRange x `scratch_per_pixel` floats for the range's own use.
template <class Fn>
void for_each_range(int64_t pixels, int64_t scratch_per_pixel, Fn fn) {
  at::parallel_for(0, ranges_of(pixels), 1, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch(static_cast<std::size_t>(kPixelsPerRange * scratch_per_pixel));
    for (int64_t r = begin; r < end; ++r) {
      const int64_t first = r * kPixelsPerRange;
      fn(r, first, std::min(kPixelsPerRange, pixels - first), scratch.data());
    }
  });
}

// c = op(a) op(b) + beta c, row-major, one thread (called inside a range).
void sgemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
#if PTYCHOPINN_HAVE_ONEDNN
  const dnnl_status_t status = dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a,
                                          lda, b, ldb, beta, c, ldc);
  TORCH_CHECK(status == dnnl_success, "thin_conv3x3: oneDNN's sgemm failed (status ", status, ")");
#else
  TORCH_CHECK(false, "thin_conv3x3: needs oneDNN");
#endif
}

// The sum over ranges of per-range partial results [ranges, k, n], in range order.
torch::Tensor sum_in_order(const torch::Tensor& partial) {
  auto sum = partial[0].clone();
  float* s = sum.data_ptr<float>();
  const float* p = partial.data_ptr<float>();
  const int64_t size = sum.numel();
  for (int64_t r = 1; r < partial.size(0); ++r)
    for (int64_t i = 0; i < size; ++i) s[i] += p[r * size + i];
  return sum;
}

// out[i, t, c] = u[first + i + sign d(t), c] for the pixels [first, first + count), zero outside
// the image: u [pixels, C], out [count, 9, C]. Pixels away from the border (most of them) copy
// without bounds checks.
void shifted_copies(const float* u, const Pixels& g, int64_t channels, int64_t sign, int64_t first,
                    int64_t count, float* out) {
  int64_t w = first % g.width, h = (first / g.width) % g.height, b = first / (g.width * g.height);
  for (int64_t i = 0; i < count; ++i) {
    float* o = out + i * kTaps * channels;
    if (h > 0 && h + 1 < g.height && w > 0 && w + 1 < g.width) {
      const float* centre = u + ((b * g.height + h) * g.width + w) * channels;
      for (int64_t t = 0; t < kTaps; ++t) {
        const float* from = centre + sign * (row_offset(t) * g.width + column_offset(t)) * channels;
        for (int64_t c = 0; c < channels; ++c) o[t * channels + c] = from[c];
      }
    } else {
      for (int64_t t = 0; t < kTaps; ++t) {
        const int64_t hh = h + sign * row_offset(t), ww = w + sign * column_offset(t);
        float* cell = o + t * channels;
        if (hh < 0 || hh >= g.height || ww < 0 || ww >= g.width) {
          for (int64_t c = 0; c < channels; ++c) cell[c] = 0.f;
        } else {
          const float* from = u + ((b * g.height + hh) * g.width + ww) * channels;
          for (int64_t c = 0; c < channels; ++c) cell[c] = from[c];
        }
      }
    }
    if (++w == g.width) {
      w = 0;
      if (++h == g.height) {
        h = 0;
        ++b;
      }
    }
  }
}

// out[p, c] = bias[c] + sum_t z[p + sign d(t), t, c] over the taps that land inside the image:
// z [pixels, 9, C], out [pixels, C]; the adjoint of shifted_copies with the opposite sign.
void shifted_sum(const float* z, const Pixels& g, int64_t channels, int64_t sign, const float* bias,
                 float* out) {
  at::parallel_for(0, g.batch * g.height, 1, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t b = row / g.height, h = row % g.height;
      for (int64_t w = 0; w < g.width; ++w) {
        float* o = out + (row * g.width + w) * channels;
        for (int64_t c = 0; c < channels; ++c) o[c] = bias ? bias[c] : 0.f;
        for (int64_t t = 0; t < kTaps; ++t) {
          const int64_t hh = h + sign * row_offset(t), ww = w + sign * column_offset(t);
          if (hh < 0 || hh >= g.height || ww < 0 || ww >= g.width) continue;
          const float* from = z + (((b * g.height + hh) * g.width + ww) * kTaps + t) * channels;
          for (int64_t c = 0; c < channels; ++c) o[c] += from[c];
        }
      }
    }
  });
}

torch::Tensor channels_last(const Pixels& g, int64_t channels) {
  return torch::empty({g.batch, channels, g.height, g.width},
                      torch::TensorOptions(torch::kFloat).memory_format(torch::MemoryFormat::ChannelsLast));
}

// The nine-fold copies go to the thinner side.
bool few_inputs(int64_t in, int64_t out) { return in <= out; }

// Few inputs. y = cols W_t + bias, W_t [9 in, out] with W_t[t in + c, o] = weight[o, c, t]; each
// range builds its own cols (in the cache, never the whole [pixels, 9 in]).
void few_inputs_forward(const float* x, const Pixels& g, int64_t in, int64_t out, const float* wt,
                        const float* bias, float* y) {
  for_each_range(g.count(), kTaps * in, [&](int64_t, int64_t first, int64_t count, float* cols) {
    shifted_copies(x, g, in, 1, first, count, cols);
    float* rows = y + first * out;
    sgemm(false, false, count, out, kTaps * in, cols, kTaps * in, wt, out, 0.0f, rows, out);
    for (int64_t i = 0; i < count; ++i)
      for (int64_t o = 0; o < out; ++o) rows[i * out + o] += bias[o];
  });
}

// dW_t = cols^T dy, and dcols = dy W_t^T when `dcols` is given (the input gradient's nine shifted
// pieces, summed afterwards across ranges).
torch::Tensor few_inputs_backward(const float* x, const Pixels& g, int64_t in, int64_t out, const float* wt,
                                  const float* dy, float* dcols) {
  auto partial = torch::empty({ranges_of(g.count()), kTaps * in, out}, torch::kFloat);
  float* dwt = partial.data_ptr<float>();
  for_each_range(g.count(), kTaps * in, [&](int64_t r, int64_t first, int64_t count, float* cols) {
    shifted_copies(x, g, in, 1, first, count, cols);
    sgemm(true, false, kTaps * in, out, count, cols, kTaps * in, dy + first * out, out, 0.0f,
          dwt + r * kTaps * in * out, out);
    if (dcols != nullptr) {
      sgemm(false, true, count, kTaps * in, out, dy + first * out, out, wt, out, 0.0f,
            dcols + first * kTaps * in, kTaps * in);
    }
  });
  return sum_in_order(partial);
}

// Few outputs. z = x W_z, W_z [in, 9 out] with W_z[c, t out + o] = weight[o, c, t]; y = the shifted
// sum of z, plus bias.
void few_outputs_forward(const float* x, const Pixels& g, int64_t in, int64_t out, const float* wz,
                         const float* bias, float* y) {
  auto z = torch::empty({g.count(), kTaps * out}, torch::kFloat);
  float* zp = z.data_ptr<float>();
  for_each_range(g.count(), 0, [&](int64_t, int64_t first, int64_t count, float*) {
    sgemm(false, false, count, kTaps * out, in, x + first * in, in, wz, kTaps * out, 0.0f,
          zp + first * kTaps * out, kTaps * out);
  });
  shifted_sum(zp, g, out, 1, bias, y);
}

// dz = dy's shifted copies (the adjoint of the shifted sum), built a range at a time; dW_z = x^T dz
// and, when `dx` is given, dx = dz W_z^T.
torch::Tensor few_outputs_backward(const float* x, const Pixels& g, int64_t in, int64_t out, const float* wz,
                                   const float* dy, float* dx) {
  auto partial = torch::empty({ranges_of(g.count()), in, kTaps * out}, torch::kFloat);
  float* dwz = partial.data_ptr<float>();
  for_each_range(g.count(), kTaps * out, [&](int64_t r, int64_t first, int64_t count, float* dz) {
    shifted_copies(dy, g, out, -1, first, count, dz);
    sgemm(true, false, in, kTaps * out, count, x + first * in, in, dz, kTaps * out, 0.0f,
          dwz + r * in * kTaps * out, kTaps * out);
    if (dx != nullptr)
      sgemm(false, true, count, in, kTaps * out, dz, kTaps * out, wz, kTaps * out, 0.0f, dx + first * in, in);
  });
  return sum_in_order(partial);
}

struct ThinConv : torch::autograd::Function<ThinConv> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias) {
    const auto input = x.contiguous(torch::MemoryFormat::ChannelsLast);
    const Pixels g(input);
    const int64_t in = weight.size(1), out = weight.size(0);
    const auto b = bias.contiguous();
    auto y = channels_last(g, out);
    torch::Tensor w;
    if (few_inputs(in, out)) {
      w = weight.permute({2, 3, 1, 0}).contiguous();
      few_inputs_forward(input.data_ptr<float>(), g, in, out, w.data_ptr<float>(), b.data_ptr<float>(),
                         y.data_ptr<float>());
    } else {
      w = weight.permute({1, 2, 3, 0}).contiguous();
      few_outputs_forward(input.data_ptr<float>(), g, in, out, w.data_ptr<float>(), b.data_ptr<float>(),
                          y.data_ptr<float>());
    }
    ctx->save_for_backward({input, w});
    ctx->saved_data["out"] = out;
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return torch::autograd::variable_list(3);
    const auto saved = ctx->get_saved_variables();
    const auto& input = saved[0];
    const auto& w = saved[1];
    const int64_t in = input.size(1), out = ctx->saved_data["out"].toInt();
    const auto dy = grads[0].contiguous(torch::MemoryFormat::ChannelsLast);
    const Pixels g(dy);
    const bool want_dx = ctx->needs_input_grad(0);
    torch::Tensor dx, dw, db;
    if (few_inputs(in, out)) {
      torch::Tensor dcols;
      if (want_dx) dcols = torch::empty({g.count(), kTaps * in}, torch::kFloat);
      dw = few_inputs_backward(input.data_ptr<float>(), g, in, out, w.data_ptr<float>(), dy.data_ptr<float>(),
                               want_dx ? dcols.data_ptr<float>() : nullptr)
               .view({3, 3, in, out})
               .permute({3, 2, 0, 1})
               .contiguous();
      if (want_dx) {
        dx = channels_last(g, in);
        shifted_sum(dcols.data_ptr<float>(), g, in, -1, nullptr, dx.data_ptr<float>());
      }
    } else {
      if (want_dx) dx = channels_last(g, in);
      dw = few_outputs_backward(input.data_ptr<float>(), g, in, out, w.data_ptr<float>(),
                                dy.data_ptr<float>(), want_dx ? dx.data_ptr<float>() : nullptr)
               .view({in, 3, 3, out})
               .permute({3, 0, 1, 2})
               .contiguous();
    }
    if (!ctx->needs_input_grad(1)) dw = torch::Tensor();
    if (ctx->needs_input_grad(2)) db = dy.sum({0, 2, 3});
    return {dx, dw, db};
  }
};

}  // namespace

bool applicable(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  return kHaveOneDnn && float_cpu_conv3x3_args(x, weight, bias) &&
         std::min(weight.size(0), weight.size(1)) * kTaps <= kMaxThinTaps;
}

bool pays(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!applicable(x, weight, bias)) return false;
  const bool training = records_gradients(x, weight, bias);
  return training || !few_inputs(weight.size(1), weight.size(0)) || weight.size(1) == 1;
}

torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  TORCH_CHECK(applicable(x, weight, bias), "thin_conv3x3::conv3x3: not applicable to x ", x.sizes(),
              " and weight ", weight.sizes());
  return ThinConv::apply(x, weight, bias);
}

}  // namespace ptychopinn::nets::thin_conv3x3
