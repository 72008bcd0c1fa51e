#include "ptychopinn/iterative/patch_operator.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ptychopinn/tensor/complex_floats.h"

namespace ptychopinn::iterative {
namespace {

// Canvas rows per parallel task of the adjoint: enough work per task to amortise the scheduling.
constexpr int64_t kRowGrain = 16;

// The loops read a float32 canvas (E = 1) or a complex64 one (E = 2) as floats: the bilinear weights
// are real, so a complex element's two floats are weighted alike, and a column step is E floats.
// Plain float loops vectorise; std::complex<float> ones would not.
template <int E>
float* floats_of(const torch::Tensor& t) {
  if constexpr (E == 1) {
    return t.data_ptr<float>();
  } else {
    return complex_floats(t);
  }
}

template <int E>
void extract_cpu(const torch::Tensor& canvas, const PatchWindows& w, torch::Tensor& out) {
  const int64_t n = w.n, width = canvas.size(1), row_floats = E * n;
  const float* src = floats_of<E>(canvas);
  float* dst = floats_of<E>(out);
  at::parallel_for(0, w.size(), 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const auto k = static_cast<size_t>(b);
      const float fy = w.fy[k], fx = w.fx[k];
      const float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
      for (int64_t r = 0; r < n; ++r) {
        const float* a = src + E * ((w.row0[k] + r) * width + w.col0[k]);
        const float* c = a + E * width;
        float* o = dst + (b * n + r) * row_floats;
        for (int64_t q = 0; q < row_floats; ++q) {
          o[q] = w00 * a[q] + w01 * a[q + E] + w10 * c[q] + w11 * c[q + E];
        }
      }
    }
  });
}

template <int E>
void add_cpu(torch::Tensor& canvas, const torch::Tensor& patches, const PatchWindows& w) {
  const int64_t n = w.n, height = canvas.size(0), width = canvas.size(1), row_floats = E * n;
  float* dst = floats_of<E>(canvas);
  const float* src = floats_of<E>(patches);
  const int64_t patch_stride = patches.size(0) == 1 ? 0 : n * row_floats;  // one patch for every window
  const std::vector<float> zeros(static_cast<size_t>(row_floats), 0.0f);   // the patch's rows -1 and n
  // Each task owns a band of canvas rows and visits every window in order: no two tasks write the
  // same pixel, and every pixel sums its contributions in pattern order whatever the thread count.
  // A canvas row takes patch row r with weight 1 - fy and row r - 1 with weight fy, each spread over
  // columns j (1 - fx) and j + 1 (fx): one pass per row with no dependence between columns.
  at::parallel_for(0, height, kRowGrain, [&](int64_t row_begin, int64_t row_end) {
    for (int64_t b = 0; b < w.size(); ++b) {
      const auto k = static_cast<size_t>(b);
      const int64_t top = w.row0[k];
      const int64_t lo = std::max(row_begin, top), hi = std::min(row_end, top + n + 1);
      const float fy = w.fy[k], fx = w.fx[k];
      const float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
      const float* patch = src + b * patch_stride;
      for (int64_t row = lo; row < hi; ++row) {
        float* o = dst + E * (row * width + w.col0[k]);
        const int64_t r = row - top;
        const float* a = r < n ? patch + r * row_floats : zeros.data();
        const float* c = r >= 1 ? patch + (r - 1) * row_floats : zeros.data();
        for (int64_t q = 0; q < E; ++q) o[q] += w00 * a[q] + w10 * c[q];
        for (int64_t q = E; q < row_floats; ++q) {
          o[q] += w00 * a[q] + w01 * a[q - E] + w10 * c[q] + w11 * c[q - E];
        }
        for (int64_t q = row_floats; q < row_floats + E; ++q) o[q] += w01 * a[q - E] + w11 * c[q - E];
      }
    }
  });
}

void check_canvas(const torch::Tensor& canvas) {
  TORCH_CHECK(canvas.dim() == 2 &&
                  (canvas.scalar_type() == torch::kComplexFloat || canvas.scalar_type() == torch::kFloat),
              "patch_operator: canvas must be [H, W] complex64 or float32, got ", canvas.sizes(), " ",
              canvas.dtype());
}

// Bilinear weights as [B, 1, 1] float32 tensors on `device`: (1-fy)(1-fx), (1-fy)fx, fy(1-fx), fy fx.
std::array<torch::Tensor, 4> weights(const PatchWindows& w, torch::Device device) {
  const int64_t b = w.size();
  auto fy = torch::from_blob(const_cast<float*>(w.fy.data()), {b, 1, 1}, torch::kFloat).to(device);
  auto fx = torch::from_blob(const_cast<float*>(w.fx.data()), {b, 1, 1}, torch::kFloat).to(device);
  return {(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx};
}

// Flat canvas indices of every window pixel, [B, N + 1, N + 1] int64 on `device`.
torch::Tensor window_indices(const PatchWindows& w, int64_t width, torch::Device device) {
  const int64_t b = w.size(), n = w.n;
  std::vector<int64_t> base(static_cast<size_t>(b));
  for (size_t k = 0; k < base.size(); ++k) base[k] = w.row0[k] * width + w.col0[k];
  auto base_t = torch::from_blob(base.data(), {b, 1, 1}, torch::kLong).to(device);
  auto opts = torch::TensorOptions().dtype(torch::kLong).device(device);
  auto local = torch::arange(n + 1, opts).view({-1, 1}) * width + torch::arange(n + 1, opts).view({1, -1});
  return base_t + local;
}

}  // namespace

PatchWindows patch_windows(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<int64_t>& indices, int64_t n) {
  PatchWindows w;
  w.n = n;
  const auto b = indices.size();
  w.row0.resize(b);
  w.col0.resize(b);
  w.fy.resize(b);
  w.fx.resize(b);
  for (size_t k = 0; k < b; ++k) {
    const auto i = static_cast<size_t>(indices[k]);
    const double top = y[i] - static_cast<double>(n / 2), left = x[i] - static_cast<double>(n / 2);
    const double r0 = std::floor(top), c0 = std::floor(left);
    w.row0[k] = static_cast<int64_t>(r0);
    w.col0[k] = static_cast<int64_t>(c0);
    w.fy[k] = static_cast<float>(top - r0);
    w.fx[k] = static_cast<float>(left - c0);
  }
  return w;
}

CanvasBox bounding_box(const PatchWindows& w) {
  CanvasBox box;
  box.row_begin = *std::min_element(w.row0.begin(), w.row0.end());
  box.col_begin = *std::min_element(w.col0.begin(), w.col0.end());
  box.row_end = *std::max_element(w.row0.begin(), w.row0.end()) + w.n + 1;
  box.col_end = *std::max_element(w.col0.begin(), w.col0.end()) + w.n + 1;
  return box;
}

PatchWindows relative_to(const PatchWindows& w, const CanvasBox& box) {
  PatchWindows out = w;
  for (auto& r : out.row0) r -= box.row_begin;
  for (auto& c : out.col0) c -= box.col_begin;
  return out;
}

torch::Tensor extract_patches(const torch::Tensor& canvas, const PatchWindows& w) {
  check_canvas(canvas);
  if (!canvas.is_cpu()) return detail::extract_patches_indexed(canvas, w);
  const torch::Tensor c = canvas.contiguous();
  torch::Tensor out = torch::empty({w.size(), w.n, w.n}, c.options());
  if (c.is_complex()) {
    extract_cpu<2>(c, w, out);
  } else {
    extract_cpu<1>(c, w, out);
  }
  return out;
}

void add_patches(torch::Tensor& canvas, const torch::Tensor& patches, const PatchWindows& w) {
  check_canvas(canvas);
  TORCH_CHECK(canvas.is_contiguous(), "patch_operator: add_patches needs a contiguous canvas");
  TORCH_CHECK(patches.scalar_type() == canvas.scalar_type() && patches.dim() == 3 &&
                  (patches.size(0) == w.size() || patches.size(0) == 1) && patches.size(1) == w.n &&
                  patches.size(2) == w.n,
              "patch_operator: patches must be [B, N, N] or [1, N, N] of the canvas dtype, got ",
              patches.sizes());
  if (!canvas.is_cpu()) return detail::add_patches_indexed(canvas, patches, w);
  const torch::Tensor p = patches.contiguous();
  if (canvas.is_complex()) {
    add_cpu<2>(canvas, p, w);
  } else {
    add_cpu<1>(canvas, p, w);
  }
}

namespace detail {

torch::Tensor extract_patches_indexed(const torch::Tensor& canvas, const PatchWindows& w) {
  const int64_t n = w.n, b = w.size();
  const auto idx = window_indices(w, canvas.size(1), canvas.device()).flatten();
  torch::Tensor win;
  if (canvas.is_complex()) {
    win = torch::view_as_complex(torch::view_as_real(canvas.contiguous())
                                     .view({-1, 2})
                                     .index_select(0, idx)
                                     .view({b, n + 1, n + 1, 2}));
  } else {
    win = canvas.contiguous().view(-1).index_select(0, idx).view({b, n + 1, n + 1});
  }
  using torch::indexing::Slice;
  const auto wt = weights(w, canvas.device());
  return wt[0] * win.index({Slice(), Slice(0, n), Slice(0, n)}) +
         wt[1] * win.index({Slice(), Slice(0, n), Slice(1)}) +
         wt[2] * win.index({Slice(), Slice(1), Slice(0, n)}) +
         wt[3] * win.index({Slice(), Slice(1), Slice(1)});
}

void add_patches_indexed(torch::Tensor& canvas, const torch::Tensor& patches_in, const PatchWindows& w) {
  namespace F = torch::nn::functional;
  const torch::Tensor patches = patches_in.expand({w.size(), -1, -1});
  const auto wt = weights(w, canvas.device());
  // pad order: (left, right, top, bottom)
  auto pad = [&](int64_t l, int64_t r, int64_t t, int64_t bt) {
    if (patches.is_complex()) {
      auto re = torch::view_as_real(patches).permute({0, 3, 1, 2});
      return torch::view_as_complex(
          F::pad(re, F::PadFuncOptions({l, r, t, bt})).permute({0, 2, 3, 1}).contiguous());
    }
    return F::pad(patches, F::PadFuncOptions({l, r, t, bt}));
  };
  const torch::Tensor win =
      wt[0] * pad(0, 1, 0, 1) + wt[1] * pad(1, 0, 0, 1) + wt[2] * pad(0, 1, 1, 0) + wt[3] * pad(1, 0, 1, 0);
  const auto idx = window_indices(w, canvas.size(1), canvas.device()).flatten();
  if (canvas.is_complex()) {
    torch::view_as_real(canvas).view({-1, 2}).index_add_(0, idx, torch::view_as_real(win).reshape({-1, 2}));
  } else {
    canvas.view(-1).index_add_(0, idx, win.reshape(-1));
  }
}

}  // namespace detail
}  // namespace ptychopinn::iterative
