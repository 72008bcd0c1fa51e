// The 3 x 3 convolutions of the paper network at N = 64 (gridsize 1, n_filters_scale 2), each
// measured in oneDNN two ways: the direct algorithm on channels-last tensors (what LibTorch runs,
// channels-last being the generator's layout) and the Winograd algorithm F(4x4, 3x3) (Lavin and
// Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016), which LibTorch never
// selects, on oneDNN's blocked layouts, with the reorders from and to channels-last counted
// separately. Both with the bias and ReLU fused. Prints a table; "n/a" where oneDNN has no
// implementation on this CPU (its f32 Winograd needs AVX-512). GFLOP/s count the direct
// algorithm's multiply-adds, so Winograd can exceed the FMA peak. A second table times the three
// convolutions of a training step (forward, backward-data, backward-weights) both ways.
// Run: build/bench/conv_algorithms [--batch B (16)] [--threads T (2)] [--repeats R (10)]
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dnnl.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "ptychopinn/nets/winograd_gemm.h"

namespace {

using dnnl::algorithm;
using dnnl::memory;
using Args = std::unordered_map<int, memory>;

struct Layer {
  const char* name;
  int64_t in, out, side;
  int count;  // how many such convolutions one forward pass runs
};

// Convolutions of at least 64 channels in and out at N = 64, gridsize 1: the encoder, then the
// two decoders (amplitude and phase) and their ring branches. They hold over 90 % of the
// network's multiply-adds; the 1- and 4-channel ends are left out.
const std::vector<Layer> kLayers = {
    {"encoder 1.2", 64, 64, 64, 1},   {"encoder 2.1", 64, 128, 32, 1},  {"encoder 2.2", 128, 128, 32, 1},
    {"encoder 3.1", 128, 256, 16, 1}, {"encoder 3.2", 256, 256, 16, 1}, {"decoder 1.1", 256, 128, 8, 2},
    {"decoder 1.2", 128, 128, 8, 2},  {"decoder 2.1", 128, 64, 16, 2},  {"decoder 2.2", 64, 64, 16, 2},
    {"ring 2", 64, 64, 32, 2},
};

double seconds_per_run(dnnl::stream& s, dnnl::primitive& p, const Args& args, int repeats) {
  p.execute(s, args);
  s.wait();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) p.execute(s, args);
  s.wait();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
}

struct Timing {
  bool available = false;
  double conv_s = 0, reorder_s = 0;
  std::string implementation;
};

Timing measure(dnnl::engine& eng, dnnl::stream& s, const Layer& l, int64_t batch, algorithm alg,
               int repeats) {
  const memory::dims src_d = {batch, l.in, l.side, l.side}, dst_d = {batch, l.out, l.side, l.side};
  const bool direct = alg == algorithm::convolution_direct;
  const auto layout = direct ? memory::format_tag::nhwc : memory::format_tag::any;
  const memory::desc src_md(src_d, memory::data_type::f32, layout),
      dst_md(dst_d, memory::data_type::f32, layout);
  const memory::desc wei_md({l.out, l.in, 3, 3}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_md({l.out}, memory::data_type::f32, memory::format_tag::x);
  Timing t;
  try {
    const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, alg, src_md, wei_md,
                                               bias_md, dst_md, {1, 1}, {1, 1}, {1, 1});
    dnnl::post_ops relu;
    relu.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(relu);
    const dnnl::convolution_forward::primitive_desc pd(desc, attr, eng);
    memory src(pd.src_desc(), eng), wei(pd.weights_desc(), eng), bias(bias_md, eng), dst(pd.dst_desc(), eng);
    dnnl::convolution_forward conv(pd);
    t.conv_s = seconds_per_run(
        s, conv, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}},
        repeats);
    t.implementation = pd.impl_info_str();
    if (!direct) {
      memory src_nhwc({src_d, memory::data_type::f32, memory::format_tag::nhwc}, eng);
      memory dst_nhwc({dst_d, memory::data_type::f32, memory::format_tag::nhwc}, eng);
      dnnl::reorder to(src_nhwc, src), from(dst, dst_nhwc);
      t.reorder_s = seconds_per_run(s, to, {{DNNL_ARG_FROM, src_nhwc}, {DNNL_ARG_TO, src}}, repeats) +
                    seconds_per_run(s, from, {{DNNL_ARG_FROM, dst}, {DNNL_ARG_TO, dst_nhwc}}, repeats);
    }
    t.available = true;
  } catch (const dnnl::error&) {
  }
  return t;
}

// One training step's three convolutions of a layer (forward-training, backward-data,
// backward-weights with the bias gradient), in ms, for one algorithm; nothing where oneDNN has none.
// Direct on channels-last tensors; Winograd on its blocked layouts, reorders not counted (the
// generator's training path adds about what the forward table shows).
struct TrainingTiming {
  bool available = false;
  double forward_ms = 0, data_ms = 0, weights_ms = 0;
  double total() const { return forward_ms + data_ms + weights_ms; }
};

TrainingTiming measure_training(dnnl::engine& eng, dnnl::stream& s, const Layer& l, int64_t batch,
                                algorithm alg, int repeats) {
  const auto layout =
      alg == algorithm::convolution_direct ? memory::format_tag::nhwc : memory::format_tag::any;
  const auto f32 = memory::data_type::f32;
  const memory::desc src({batch, l.in, l.side, l.side}, f32, layout),
      dst({batch, l.out, l.side, l.side}, f32, layout);
  const memory::desc wei({l.out, l.in, 3, 3}, f32, memory::format_tag::any),
      bias({l.out}, f32, memory::format_tag::x);
  const memory::dims one = {1, 1};
  TrainingTiming t;
  try {
    const dnnl::convolution_forward::primitive_desc fpd(
        {dnnl::prop_kind::forward_training, alg, src, wei, bias, dst, one, one, one}, eng);
    const dnnl::convolution_backward_data::primitive_desc dpd({alg, src, wei, dst, one, one, one}, eng, fpd);
    const dnnl::convolution_backward_weights::primitive_desc wpd({alg, src, wei, bias, dst, one, one, one},
                                                                 eng, fpd);
    memory x(fpd.src_desc(), eng), w(fpd.weights_desc(), eng), b(bias, eng), y(fpd.dst_desc(), eng);
    memory dx(dpd.diff_src_desc(), eng), dw_in(dpd.weights_desc(), eng), dy(dpd.diff_dst_desc(), eng);
    memory wx(wpd.src_desc(), eng), wdy(wpd.diff_dst_desc(), eng), dw(wpd.diff_weights_desc(), eng),
        db(bias, eng);
    dnnl::convolution_forward forward(fpd);
    dnnl::convolution_backward_data data(dpd);
    dnnl::convolution_backward_weights weights(wpd);
    t.forward_ms =
        1e3 * seconds_per_run(
                  s, forward,
                  {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, y}}, repeats);
    t.data_ms =
        1e3 * seconds_per_run(s, data,
                              {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, dw_in}, {DNNL_ARG_DIFF_SRC, dx}},
                              repeats);
    t.weights_ms = 1e3 * seconds_per_run(s, weights,
                                         {{DNNL_ARG_SRC, wx},
                                          {DNNL_ARG_DIFF_DST, wdy},
                                          {DNNL_ARG_DIFF_WEIGHTS, dw},
                                          {DNNL_ARG_DIFF_BIAS, db}},
                                         repeats);
    t.available = true;
  } catch (const dnnl::error&) {
  }
  return t;
}

// Median milliseconds of `repeats` runs of f after one warm-up run.
template <class F>
double median_ms(F&& f, int repeats) {
  f();
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t batch = 16;
  int threads = 2, repeats = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--batch" && i + 1 < argc) {
      batch = std::atoll(argv[++i]);
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: conv_algorithms [--batch B (16)] [--threads T (2)] [--repeats R (10)]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (batch < 1 || threads < 1 || repeats < 1) {
    std::fprintf(stderr, "conv_algorithms: --batch, --threads and --repeats must be >= 1\n");
    return 2;
  }
  at::set_num_threads(threads);  // oneDNN runs on the same OpenMP threads as LibTorch
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  std::printf(
      "3 x 3 convolutions of the paper network at N = 64, batch %lld, %d threads, oneDNN %d.%d.%d\n\n",
      static_cast<long long>(batch), threads, dnnl_version()->major, dnnl_version()->minor,
      dnnl_version()->patch);
  std::printf(
      "| layer | in -> out @ side | GFLOP | direct ms (GFLOP/s) | Winograd ms (GFLOP/s) | + reorders ms | "
      "speed-up with reorders | Winograd implementation |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  double direct_total = 0, winograd_total = 0;
  for (const Layer& l : kLayers) {
    const double gflop = 2.0 * batch * l.out * l.in * 9.0 * l.side * l.side / 1e9;
    const Timing d = measure(eng, s, l, batch, algorithm::convolution_direct, repeats);
    const Timing w = measure(eng, s, l, batch, algorithm::convolution_winograd, repeats);
    const double best_w = w.available ? std::min(d.conv_s, w.conv_s + w.reorder_s) : d.conv_s;
    direct_total += l.count * d.conv_s;
    winograd_total += l.count * best_w;
    std::printf("| %s | %lld -> %lld @ %lld | %.2f | %.2f (%.0f) |", l.name, static_cast<long long>(l.in),
                static_cast<long long>(l.out), static_cast<long long>(l.side), gflop, d.conv_s * 1e3,
                gflop / d.conv_s);
    if (w.available) {
      std::printf(" %.2f (%.0f) | %.2f | %.2fx | %s |\n", w.conv_s * 1e3, gflop / w.conv_s, w.reorder_s * 1e3,
                  d.conv_s / (w.conv_s + w.reorder_s), w.implementation.c_str());
    } else {
      std::printf(" n/a | | | |\n");
    }
  }
  std::printf(
      "\nthese layers in one forward pass: direct %.1f ms; Winograd where it is faster, reorders "
      "included: %.1f ms (%.2fx)\n",
      direct_total * 1e3, winograd_total * 1e3, direct_total / winograd_total);

  std::printf(
      "\ntraining: forward-training / backward-data / backward-weights ms, reorders not counted\n\n"
      "| layer | direct | Winograd | speed-up |\n|---|---|---|---|\n");
  double direct_training = 0, winograd_training = 0;
  for (const Layer& l : kLayers) {
    const TrainingTiming d = measure_training(eng, s, l, batch, algorithm::convolution_direct, repeats);
    const TrainingTiming w = measure_training(eng, s, l, batch, algorithm::convolution_winograd, repeats);
    direct_training += l.count * d.total();
    winograd_training += l.count * (w.available ? w.total() : d.total());
    std::printf("| %s | %.2f / %.2f / %.2f |", l.name, d.forward_ms, d.data_ms, d.weights_ms);
    if (w.available) {
      std::printf(" %.2f / %.2f / %.2f | %.2fx |\n", w.forward_ms, w.data_ms, w.weights_ms,
                  d.total() / w.total());
    } else {
      std::printf(" n/a | |\n");
    }
  }
  std::printf("\nthese layers in one training step: direct %.1f ms; Winograd %.1f ms (%.2fx)\n",
              direct_training, winograd_training, direct_training / winograd_training);

  // The portable Winograd (LibTorch's BLAS for the products, our transforms), which the network
  // runs where oneDNN has none, against LibTorch's convolution, both from and to channels-last.
  std::printf(
      "\nthe portable Winograd (nets/winograd_gemm) against LibTorch's convolution, channels-last, bias "
      "and ReLU: inference ms, forward + backward ms\n\n"
      "| layer | LibTorch | portable Winograd | speed-up | LibTorch fwd+bwd | portable fwd+bwd | speed-up |\n"
      "|---|---|---|---|---|---|---|\n");
  double torch_infer = 0, gemm_infer = 0, torch_train = 0, gemm_train = 0;
  for (const Layer& l : kLayers) {
    torch::manual_seed(1);
    const auto x = torch::randn({batch, l.in, l.side, l.side}).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto weight = (torch::randn({l.out, l.in, 3, 3}) / (3.0 * std::sqrt(l.in))).requires_grad_();
    const auto bias = (torch::randn({l.out}) * 0.1).requires_grad_();
    const auto xg = x.clone().requires_grad_();
    const auto direct = [&](const torch::Tensor& in) {
      return torch::conv2d(in, weight, bias, 1, 1).relu_();
    };
    const auto portable = [&](const torch::Tensor& in) {
      return ptychopinn::nets::winograd_gemm::conv3x3(in, weight, bias, true);
    };
    const auto infer = [&](auto&& conv) {
      return median_ms(
          [&] {
            torch::NoGradGuard no_grad;
            conv(x);
          },
          repeats);
    };
    const auto train = [&](auto&& conv) { return median_ms([&] { conv(xg).sum().backward(); }, repeats); };
    const double ti = infer(direct), gi = infer(portable), tt = train(direct), gt = train(portable);
    torch_infer += l.count * ti;
    gemm_infer += l.count * gi;
    torch_train += l.count * tt;
    gemm_train += l.count * gt;
    std::printf("| %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx |\n", l.name, ti, gi, ti / gi, tt, gt,
                tt / gt);
  }
  std::printf(
      "\nthese layers: inference LibTorch %.1f ms, portable %.1f ms (%.2fx); forward + backward %.1f / "
      "%.1f ms (%.2fx)\n",
      torch_infer, gemm_infer, torch_infer / gemm_infer, torch_train, gemm_train, torch_train / gemm_train);
}
