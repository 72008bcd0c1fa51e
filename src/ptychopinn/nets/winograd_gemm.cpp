#include "ptychopinn/nets/winograd_gemm.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cstddef>
#include <memory>

#include "ptychopinn/nets/conv3x3_args.h"

#if PTYCHOPINN_HAVE_ONEDNN
#include <dnnl.h>
#endif

// The transforms' loops are compiled for AVX-512 and AVX2 beside the package's baseline (SSE2: 4
// lanes where AVX2 has 8), and the loader picks the best the CPU has. The same operations in the
// same order in every version, so the same results.
#if defined(__x86_64__) && defined(__GNUC__)
#define PP_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PP_VECTOR_CLONES
#endif

namespace ptychopinn::nets::winograd_gemm {

namespace {

// Channels are transformed 16 at a time (two AVX registers per value, see Lanes), so layers need a
// multiple of 16 channels in and out.
constexpr int64_t kLanes = 16;
constexpr int64_t kTile = 4;   // output tile m
constexpr int64_t kAlpha = 6;  // input tile m + r - 1
constexpr int64_t kPositions = kAlpha * kAlpha;

// Sixteen channels as one value: two halves of eight in GCC's vector extension, which each clone
// compiles to its own registers (one AVX2 register per half, two SSE2 registers; AVX-512 also uses
// AVX registers here). Written out this way because the auto-vectorizer left the transforms that
// store with a runtime stride as scalar code. Not one 16-lane vector: without AVX-512, GCC keeps
// such a value in memory, loads and stores it 16 bytes at a time and reads it back 32 bytes at a
// time, which stalls every load on the stores it has to wait for, and compares it lane by lane.
// The operators are always inlined, so no clone calls a function that takes or returns a Lanes by
// value, whose calling convention would differ between clones.
typedef float Half __attribute__((vector_size(kLanes / 2 * sizeof(float))));
// Read and written where floats lie: no alignment beyond a float's, and aliasing them (as the
// compilers' own unaligned AVX types do).
typedef float UnalignedHalf
    __attribute__((vector_size(kLanes / 2 * sizeof(float)), aligned(alignof(float)), may_alias));
typedef int32_t HalfBits __attribute__((vector_size(kLanes / 2 * sizeof(float))));

struct Lanes {
  Half lo, hi;
};

#define PP_LANES_OP inline __attribute__((always_inline))
PP_LANES_OP Lanes operator+(const Lanes& a, const Lanes& b) { return {a.lo + b.lo, a.hi + b.hi}; }
PP_LANES_OP Lanes operator-(const Lanes& a, const Lanes& b) { return {a.lo - b.lo, a.hi - b.hi}; }
PP_LANES_OP Lanes operator*(float s, const Lanes& a) { return {s * a.lo, s * a.hi}; }
PP_LANES_OP Lanes operator*(const Lanes& a, float s) { return {a.lo * s, a.hi * s}; }
PP_LANES_OP Lanes& operator+=(Lanes& a, const Lanes& b) {
  a.lo += b.lo;
  a.hi += b.hi;
  return a;
}

PP_LANES_OP void load(Lanes& v, const float* p) {
  v.lo = *reinterpret_cast<const UnalignedHalf*>(p);
  v.hi = *reinterpret_cast<const UnalignedHalf*>(p + kLanes / 2);
}
PP_LANES_OP void store(float* p, const Lanes& v) {
  *reinterpret_cast<UnalignedHalf*>(p) = v.lo;
  *reinterpret_cast<UnalignedHalf*>(p + kLanes / 2) = v.hi;
}

// v = 0 in the lanes where `test` is at most zero: max(0, v) with test = v (NaN passes, as through
// LibTorch's ReLU), ReLU's backward with test = the ReLU's output (the gradient passes where the
// output is positive or NaN, as through LibTorch's threshold_backward).
PP_LANES_OP void zero_where_not_positive(Lanes& v, const Lanes& test) {
  const Half zero = {};
  const HalfBits drop_lo = test.lo <= zero, drop_hi = test.hi <= zero;
  v.lo = reinterpret_cast<Half>(reinterpret_cast<HalfBits>(v.lo) & ~drop_lo);
  v.hi = reinterpret_cast<Half>(reinterpret_cast<HalfBits>(v.hi) & ~drop_hi);
}

// v[i] = the 16 lanes at in + i * stride.
template <int kCount>
inline void load_strided(Lanes (&v)[kCount], const float* in, std::ptrdiff_t stride) {
  for (int i = 0; i < kCount; ++i) load(v[i], in + i * stride);
}

// v = the 16 lanes at src + at, or 0 in the lanes where those at keep + at are not above zero when
// keep is not null: ReLU's backward (its gradient passes where its output is positive) applied as
// the output gradient is read.
PP_LANES_OP void load_kept(Lanes& v, const float* src, const float* keep, std::ptrdiff_t at) {
  load(v, src + at);
  if (keep) {
    Lanes k;
    load(k, keep + at);
    zero_where_not_positive(v, k);
  }
}

// The transforms along one axis, each on 16 lanes; `si` and `so` are the distances between
// successive inputs and outputs. The matrices are the paper's F(4, 3) (section 4.2, with the
// interpolation points 0, +-1, +-2 and infinity):
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]

// out = B^T in (6 -> 6), with in masked by keep as load_kept masks it.
inline void input_1d(const float* in, const float* keep, std::ptrdiff_t si, float* out, std::ptrdiff_t so) {
  Lanes d[6];
  for (int i = 0; i < 6; ++i) load_kept(d[i], in, keep, i * si);
  store(out, 4.f * d[0] - 5.f * d[2] + d[4]);
  store(out + so, -4.f * (d[1] + d[2]) + d[3] + d[4]);
  store(out + 2 * so, 4.f * (d[1] - d[2]) - d[3] + d[4]);
  store(out + 3 * so, 2.f * (d[3] - d[1]) - d[2] + d[4]);
  store(out + 4 * so, 2.f * (d[1] - d[3]) - d[2] + d[4]);
  store(out + 5 * so, 4.f * d[1] - 5.f * d[3] + d[5]);
}

// out = A^T in (6 -> 4)
inline void output_1d(const float* in, std::ptrdiff_t si, float* out, std::ptrdiff_t so) {
  Lanes m[6];
  load_strided(m, in, si);
  const Lanes sum12 = m[1] + m[2], diff12 = m[1] - m[2], sum34 = m[3] + m[4], diff34 = m[3] - m[4];
  store(out, m[0] + sum12 + sum34);
  store(out + so, diff12 + 2.f * diff34);
  store(out + 2 * so, sum12 + 4.f * sum34);
  store(out + 3 * so, diff12 + 8.f * diff34 + m[5]);
}

// out = max(0, A^T in + bias) (6 -> 4), without the max unless `relu`: output_1d with the layer's
// bias and activation, for the last axis of the output transform.
inline void output_1d_activated(const float* in, std::ptrdiff_t si, const Lanes& bias, bool relu, float* out,
                                std::ptrdiff_t so) {
  Lanes m[6];
  load_strided(m, in, si);
  const Lanes sum12 = m[1] + m[2], diff12 = m[1] - m[2], sum34 = m[3] + m[4], diff34 = m[3] - m[4];
  const Lanes v[kTile] = {m[0] + sum12 + sum34, diff12 + 2.f * diff34, sum12 + 4.f * sum34,
                          diff12 + 8.f * diff34 + m[5]};
  for (int k = 0; k < kTile; ++k) {
    Lanes value = v[k] + bias;
    if (relu) zero_where_not_positive(value, value);
    store(out + k * so, value);
  }
}

// out = A in (4 -> 6): the transpose of output_1d, for the output gradient.
inline void output_1d_transposed(const float* in, std::ptrdiff_t si, float* out, std::ptrdiff_t so) {
  Lanes g[4];
  load_strided(g, in, si);
  store(out, g[0]);
  store(out + so, g[0] + g[1] + g[2] + g[3]);
  store(out + 2 * so, g[0] - g[1] + g[2] - g[3]);
  store(out + 3 * so, g[0] + 2.f * g[1] + 4.f * g[2] + 8.f * g[3]);
  store(out + 4 * so, g[0] - 2.f * g[1] + 4.f * g[2] - 8.f * g[3]);
  store(out + 5 * so, g[3]);
}

constexpr float kG[kAlpha][3] = {
    {1.f / 4, 0.f, 0.f},           {-1.f / 6, -1.f / 6, -1.f / 6}, {-1.f / 6, 1.f / 6, -1.f / 6},
    {1.f / 24, 1.f / 12, 1.f / 6}, {1.f / 24, -1.f / 12, 1.f / 6}, {0.f, 0.f, 1.f}};

// Where the tiles of a [B, C, H, W] tensor lie: tile t = (b * rows + i) * cols + j covers output
// rows 4i..4i+3 and columns 4j..4j+3, and reads input rows 4i-1..4i+4 (zero outside).
struct Tiling {
  int64_t batch, height, width, rows, cols;
  explicit Tiling(const torch::Tensor& x)
      : batch(x.size(0)), height(x.size(2)), width(x.size(3)), rows(height / kTile), cols(width / kTile) {}
  int64_t tiles() const { return batch * rows * cols; }
};

// V = B^T d B of tiles [begin, end) of x (src, channels-last): position p of tile t to dst + p *
// stride + (t - begin) * channels (a block's own 36 matrices [end - begin, C], `stride` apart).
// Where keep is not null (a tensor of x's shape and layout), x is zero wherever keep is not above zero.
PP_VECTOR_CLONES void input_tiles(const float* src, const float* keep, float* dst, std::ptrdiff_t stride,
                                  const Tiling& g, int64_t channels, int64_t begin, int64_t end) {
  alignas(64) float d[kPositions * kLanes];
  alignas(64) float t[kPositions * kLanes];
  for (int64_t tile = begin; tile < end; ++tile) {
    const int64_t j = tile % g.cols, i = (tile / g.cols) % g.rows, b = tile / (g.cols * g.rows);
    const int64_t h0 = i * kTile - 1, w0 = j * kTile - 1;
    // A tile wholly inside the image is read where it lies; one on the border through a copy with
    // zeros outside. The same values either way, so the same results.
    const bool inside = h0 >= 0 && w0 >= 0 && h0 + kAlpha <= g.height && w0 + kAlpha <= g.width;
    for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
      const float* cells = d;       // cell (r, s) at cells + r * down + s * across
      const float* kept = nullptr;  // the mask's cells, where x is read in place
      std::ptrdiff_t down = kAlpha * kLanes, across = kLanes;
      if (inside) {
        const int64_t at = ((b * g.height + h0) * g.width + w0) * channels + c0;
        cells = src + at;
        if (keep) kept = keep + at;
        down = g.width * channels;
        across = channels;
      } else {
        for (int64_t r = 0; r < kAlpha; ++r) {
          const int64_t h = h0 + r;
          for (int64_t s = 0; s < kAlpha; ++s) {
            const int64_t w = w0 + s;
            float* cell = d + (r * kAlpha + s) * kLanes;
            if (h < 0 || h >= g.height || w < 0 || w >= g.width) {
              for (int64_t l = 0; l < kLanes; ++l) cell[l] = 0.f;
            } else {
              const int64_t at = ((b * g.height + h) * g.width + w) * channels + c0;
              Lanes value;
              load_kept(value, src, keep, at);
              store(cell, value);
            }
          }
        }
      }
      for (int64_t s = 0; s < kAlpha; ++s)  // down the columns: t = B^T d
        input_1d(cells + s * across, kept ? kept + s * across : nullptr, down, t + s * kLanes,
                 kAlpha * kLanes);
      for (int64_t r = 0; r < kAlpha; ++r)  // along the rows: V = t B, straight into place
        input_1d(t + r * kAlpha * kLanes, nullptr, kLanes,
                 dst + r * kAlpha * stride + (tile - begin) * channels + c0, stride);
    }
  }
}

// y = A^T m A + bias, then max(0, .) when `relu`, for tiles [begin, end) of y (dst, channels-last):
// position p of tile t's m at src + p * stride + (t - begin) * channels.
PP_VECTOR_CLONES void output_tiles(const float* src, std::ptrdiff_t stride, float* dst,
                                   const float* bias_data, bool relu, const Tiling& g, int64_t channels,
                                   int64_t begin, int64_t end) {
  alignas(64) float t[kTile * kAlpha * kLanes];
  for (int64_t tile = begin; tile < end; ++tile) {
    const int64_t j = tile % g.cols, i = (tile / g.cols) % g.rows, b = tile / (g.cols * g.rows);
    for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
      for (int64_t s = 0; s < kAlpha; ++s)  // down the columns: t = A^T m
        output_1d(src + s * stride + (tile - begin) * channels + c0, kAlpha * stride, t + s * kLanes,
                  kAlpha * kLanes);
      Lanes bias_lanes = {};
      if (bias_data) load(bias_lanes, bias_data + c0);
      for (int64_t r = 0; r < kTile; ++r)  // along the rows, straight into place: y = t A + bias
        output_1d_activated(t + r * kAlpha * kLanes, kLanes, bias_lanes, relu,
                            dst + ((b * g.height + i * kTile + r) * g.width + j * kTile) * channels + c0,
                            channels);
    }
  }
}

// dM = A dy A^T of tiles [begin, end) of the output gradient (src, channels-last), laid out as
// input_tiles lays out V; dy is zero wherever keep (when not null, of dy's shape and layout) is not
// above zero. Adds each tile's sum of dy, channel by channel, to bias_sum (when not null).
PP_VECTOR_CLONES void output_transposed_tiles(const float* src, const float* keep, float* dst,
                                              std::ptrdiff_t stride, float* bias_sum, const Tiling& g,
                                              int64_t channels, int64_t begin, int64_t end) {
  alignas(64) float gy[kTile * kTile * kLanes];
  alignas(64) float t[kAlpha * kTile * kLanes];
  for (int64_t tile = begin; tile < end; ++tile) {
    const int64_t j = tile % g.cols, i = (tile / g.cols) % g.rows, b = tile / (g.cols * g.rows);
    for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
      Lanes sum = {};
      for (int64_t r = 0; r < kTile; ++r) {
        for (int64_t s = 0; s < kTile; ++s) {
          const int64_t at = ((b * g.height + i * kTile + r) * g.width + j * kTile + s) * channels + c0;
          Lanes cell;
          load_kept(cell, src, keep, at);
          sum += cell;
          store(gy + (r * kTile + s) * kLanes, cell);
        }
      }
      if (bias_sum) {
        Lanes total;
        load(total, bias_sum + c0);
        store(bias_sum + c0, total + sum);
      }
      for (int64_t s = 0; s < kTile; ++s)  // down the columns: t = A g (6 x 4)
        output_1d_transposed(gy + s * kLanes, kTile * kLanes, t + s * kLanes, kTile * kLanes);
      for (int64_t r = 0; r < kAlpha; ++r)  // along the rows: dM = t A^T, straight into place
        output_1d_transposed(t + r * kTile * kLanes, kLanes,
                             dst + r * kAlpha * stride + (tile - begin) * channels + c0, stride);
    }
  }
}

// Input channels [begin, end) of weight_transform: g [in, 9, out] (the taps of each input channel,
// output channels innermost) to U [36, in, out], 16 output channels at a time.
PP_VECTOR_CLONES void weight_channels(const float* src, float* dst, int64_t ins, int64_t outs, int64_t begin,
                                      int64_t end) {
  // A row of G g G^T at a time, all output channels along it: six rows of U written side by side,
  // where the 36 at once, a whole U's size apart (2 MiB at 128 channels), fought over the same
  // cache sets.
  for (int64_t c = begin; c < end; ++c) {
    for (int64_t a = 0; a < kAlpha; ++a) {
      for (int64_t k0 = 0; k0 < outs; k0 += kLanes) {
        Lanes g[3][3];
        for (int64_t r = 0; r < 3; ++r)
          for (int64_t s = 0; s < 3; ++s) load(g[r][s], src + (c * 9 + r * 3 + s) * outs + k0);
        Lanes t[3];  // row a of G g
        for (int64_t s = 0; s < 3; ++s) t[s] = kG[a][0] * g[0][s] + kG[a][1] * g[1][s] + kG[a][2] * g[2][s];
        for (int64_t e = 0; e < kAlpha; ++e)
          store(dst + ((a * kAlpha + e) * ins + c) * outs + k0,
                t[0] * kG[e][0] + t[1] * kG[e][1] + t[2] * kG[e][2]);
      }
    }
  }
}

// U [36, in, out] = G g G^T of every kernel g of weight [out, in, 3, 3] (out a multiple of 16).
torch::Tensor weight_transform(const torch::Tensor& weight) {
  const int64_t outs = weight.size(0), ins = weight.size(1);
  const auto taps = weight.permute({1, 2, 3, 0}).contiguous();  // [in, 3, 3, out]
  auto u = torch::empty({kPositions, ins, outs}, weight.options());
  const float* src = taps.data_ptr<float>();
  float* dst = u.data_ptr<float>();
  at::parallel_for(0, ins, 4,
                   [&](int64_t begin, int64_t end) { weight_channels(src, dst, ins, outs, begin, end); });
  return u;
}

// Input channels [begin, end) of weight_transform_transposed: dU [36, in, out] to G^T dU G as [in,
// 9, out], 16 output channels at a time.
PP_VECTOR_CLONES void weight_gradient_channels(const float* src, float* dst, int64_t ins, int64_t outs,
                                               int64_t begin, int64_t end) {
  // A row of dU at a time, along all output channels (as weight_channels writes U): G^T dU of every
  // output channel is kept, 18 values each, until the last row has been read.
  const int64_t rows = 3 * kAlpha;
  const std::unique_ptr<float[]> kept(new float[rows * outs]);  // G^T dU: [3][6][out]
  const auto at = [&](int64_t r, int64_t e, int64_t k0) { return kept.get() + (r * kAlpha + e) * outs + k0; };
  for (int64_t c = begin; c < end; ++c) {
    std::fill(kept.get(), kept.get() + rows * outs, 0.0f);
    for (int64_t a = 0; a < kAlpha; ++a) {
      for (int64_t e = 0; e < kAlpha; ++e) {
        for (int64_t k0 = 0; k0 < outs; k0 += kLanes) {
          Lanes value;
          load(value, src + ((a * kAlpha + e) * ins + c) * outs + k0);
          for (int64_t r = 0; r < 3; ++r) {
            Lanes t;
            load(t, at(r, e, k0));
            store(at(r, e, k0), t + kG[a][r] * value);
          }
        }
      }
    }
    for (int64_t r = 0; r < 3; ++r) {
      for (int64_t s = 0; s < 3; ++s) {
        for (int64_t k0 = 0; k0 < outs; k0 += kLanes) {
          Lanes sum = {};
          for (int64_t e = 0; e < kAlpha; ++e) {
            Lanes t;
            load(t, at(r, e, k0));
            sum += t * kG[e][s];
          }
          store(dst + (c * 9 + r * 3 + s) * outs + k0, sum);
        }
      }
    }
  }
}

// The weight gradient [out, in, 3, 3] = G^T dU G from dU [36, in, out].
torch::Tensor weight_transform_transposed(const torch::Tensor& du) {
  const int64_t ins = du.size(1), outs = du.size(2);
  auto taps = torch::empty({ins, 3, 3, outs}, du.options());
  const float* src = du.data_ptr<float>();
  float* dst = taps.data_ptr<float>();
  at::parallel_for(0, ins, 4, [&](int64_t begin, int64_t end) {
    weight_gradient_channels(src, dst, ins, outs, begin, end);
  });
  return taps.permute({3, 0, 1, 2}).contiguous();
}

// c(p) = a(p) b(p), or a(p)^T b(p) when `transpose_a`, plus beta c(p), for the 36 positions p of a
// block: a(p) [rows, inner] (or [inner, rows]) at a + p * a_stride, b(p) [inner, cols] at b + p *
// b_stride, c(p) [rows, cols] at c + p * c_stride, each row-major without gaps. With oneDNN, its
// sgemm on the calling thread: the blocks run in parallel, their products do not (LibTorch's
// matrix products go to OpenBLAS, whose own threads and LibTorch's spinning OpenMP threads would
// take the same cores in turn).
void position_products(bool transpose_a, int64_t rows, int64_t cols, int64_t inner, const float* a,
                       std::ptrdiff_t a_stride, const float* b, std::ptrdiff_t b_stride, float beta, float* c,
                       std::ptrdiff_t c_stride) {
  for (int64_t p = 0; p < kPositions; ++p) {
#if PTYCHOPINN_HAVE_ONEDNN
    const dnnl_status_t status =
        dnnl_sgemm(transpose_a ? 'T' : 'N', 'N', rows, cols, inner, 1.0f, a + p * a_stride,
                   transpose_a ? rows : inner, b + p * b_stride, cols, beta, c + p * c_stride, cols);
    TORCH_CHECK(status == dnnl_success, "winograd_gemm: oneDNN's sgemm failed (status ", status, ")");
#else
    const auto f32 = torch::TensorOptions(torch::kFloat);
    auto left = torch::from_blob(
        const_cast<float*>(a + p * a_stride),
        transpose_a ? torch::IntArrayRef{inner, rows} : torch::IntArrayRef{rows, inner}, f32);
    if (transpose_a) left = left.t();
    const auto right = torch::from_blob(const_cast<float*>(b + p * b_stride), {inner, cols}, f32);
    auto out = torch::from_blob(c + p * c_stride, {rows, cols}, f32);
    if (beta == 0.0f) {
      at::mm_out(out, left, right);
    } else {
      out.mul_(beta).addmm_(left, right);
    }
#endif
  }
}

// A layer runs a block of tiles at a time on each thread: the block's transformed tiles and their
// products (36 x tiles x (in + out) floats) stay in the core's own cache from the transform through
// the products to the output transform. Transforming all of a batch's tiles first and multiplying
// them afterwards sent them through memory and back twice, and the transforms, which do little
// arithmetic per value, took longer than the products (64 -> 64 channels at 64 x 64, batch 16:
// 31-45 ms a layer, 20 in blocks of 128 tiles).
constexpr int64_t kBlockBytes = int64_t{3} << 19;  // 1.5 MiB
constexpr int64_t kMinBlockTiles = 16;             // fewer rows leave the sgemm's kernel idle lanes
constexpr int64_t kMaxBlockTiles = 128;
// A layer's tiles make at least this many blocks where kMinBlockTiles allows, so that every core
// has work. Not the thread count itself: a row's products depend on how many rows the sgemm takes,
// and the results do not depend on the number of threads.
constexpr int64_t kMinBlocks = 8;

// At most `most` tiles per block, and two blocks at least: at::parallel_for runs a single block on
// the calling thread, outside any parallel region, where oneDNN's sgemm would share its products
// among all threads and sum their parts in an order that depends on how many there are.
int64_t at_least_two_blocks(int64_t tiles, int64_t most) {
  return std::max<int64_t>(1, std::min(most, tiles / 2));
}

int64_t tiles_per_block(int64_t tiles, int64_t ins, int64_t outs) {
  const int64_t fits = kBlockBytes / (kPositions * (ins + outs) * static_cast<int64_t>(sizeof(float)));
  const int64_t spread = std::max(kMinBlockTiles, (tiles + kMinBlocks - 1) / kMinBlocks);
  return at_least_two_blocks(tiles, std::min(std::clamp(fits, kMinBlockTiles, kMaxBlockTiles), spread));
}

// A block's 36 transformed positions, each a matrix of tiles x channels (row-major, no gaps), one
// after another with a cache line between them, in memory aligned to cache lines. The transforms
// write (or read) all 36 positions of a tile's 16 channels at once: with the matrices packed, their
// distance is a multiple of 4 KiB at the usual sizes (128 tiles x 64 channels: 32 KiB), and the 36
// cache lines compete for one set of the first-level cache, which holds 8 of them. And without
// alignment each 16-channel value spans two cache lines.
class PositionBuffer {
 public:
  PositionBuffer(int64_t tiles, int64_t channels)
      : stride_(tiles * channels + kLineFloats),
        memory_(torch::empty({kPositions * stride_}, torch::TensorOptions(torch::kFloat))) {}
  float* data() { return memory_.data_ptr<float>(); }
  std::ptrdiff_t stride() const { return stride_; }

 private:
  static constexpr int64_t kLineFloats = 64 / sizeof(float);
  std::ptrdiff_t stride_;
  torch::Tensor memory_;  // LibTorch aligns CPU memory to 64 bytes
};

// The convolution of channels-last x with transformed kernels U [36, in, out], plus bias (when
// defined), then max(0, .) when `relu`, a block of tiles at a time; channels-last. Where `keep` is
// defined (x's shape, channels-last), x counts as zero wherever keep is not above zero.
torch::Tensor convolve(const torch::Tensor& x, const torch::Tensor& u, const torch::Tensor& bias, bool relu,
                       const torch::Tensor& keep = {}) {
  const Tiling g(x);
  const int64_t ins = x.size(1), outs = u.size(2), tiles = g.tiles();
  const int64_t block = tiles_per_block(tiles, ins, outs);
  const float* src = x.data_ptr<float>();
  const float* pu = u.data_ptr<float>();
  const float* bias_data = bias.defined() ? bias.data_ptr<float>() : nullptr;
  const float* keep_data = keep.defined() ? keep.data_ptr<float>() : nullptr;
  auto y = torch::empty({x.size(0), outs, x.size(2), x.size(3)},
                        x.options().memory_format(torch::MemoryFormat::ChannelsLast));
  float* dst = y.data_ptr<float>();
  at::parallel_for(0, (tiles + block - 1) / block, 1, [&](int64_t first, int64_t last) {
    PositionBuffer v(block, ins), m(block, outs);
    for (int64_t index = first; index < last; ++index) {
      const int64_t begin = index * block, end = std::min(tiles, begin + block), rows = end - begin;
      input_tiles(src, keep_data, v.data(), v.stride(), g, ins, begin, end);
      position_products(false, rows, outs, ins, v.data(), v.stride(), pu, ins * outs, 0.0f, m.data(),
                        m.stride());
      output_tiles(m.data(), m.stride(), dst, bias_data, relu, g, outs, begin, end);
    }
  });
  return y;
}

// The weight gradient takes larger blocks: each block adds its products to a whole dU [36, in, out]
// (9 MiB at 256 channels in and out), which more tiles per block read and write fewer times (256 ->
// 256 channels at 16 x 16, batch 16: 18 ms in blocks of 21 tiles, 13-15 in blocks of 64 to 128).
constexpr int64_t kWeightBlockTiles = 128;
// The weight gradient's blocks fall into a fixed number of groups, each summing its own dU [36, in,
// out] over its blocks' tiles, and the groups' sums are added in order: as many groups as fit this
// size, within [kMinGroups, kMaxGroups], and at most one per block. Not the thread count: the
// results do not depend on it.
constexpr int64_t kGroupsBytes = int64_t{16} << 20;
constexpr int64_t kMinGroups = 2;
constexpr int64_t kMaxGroups = 8;

struct WeightProducts {
  torch::Tensor du;  // [36, in, out]
  torch::Tensor db;  // [out]: the bias gradient
};

// dU [36, in, out] = the sum over the tiles of V(p)^T dM(p), with V = B^T d B the transformed tiles
// of the layer's input x and dM = A dy A^T those of the output gradient dy (both channels-last), a
// block of tiles at a time: neither V nor dM is ever kept whole. Where `keep` is defined (dy's
// shape, channels-last), dy counts as zero wherever keep is not above zero. The bias gradient, the
// sum of dy, comes from the same reading of dy.
WeightProducts weight_products(const torch::Tensor& x, const torch::Tensor& dy, const torch::Tensor& keep) {
  const Tiling g(x);
  const int64_t ins = x.size(1), outs = dy.size(1), tiles = g.tiles();
  const int64_t block = at_least_two_blocks(tiles, kWeightBlockTiles), blocks = (tiles + block - 1) / block;
  const int64_t sum_bytes = kPositions * ins * outs * static_cast<int64_t>(sizeof(float));
  const int64_t groups = std::min(std::clamp(kGroupsBytes / sum_bytes, kMinGroups, kMaxGroups), blocks);
  auto sums = torch::empty({groups, kPositions, ins, outs}, x.options());
  auto bias_sums = torch::zeros({groups, outs}, x.options());
  const float* src = x.data_ptr<float>();
  const float* grad = dy.data_ptr<float>();
  const float* keep_data = keep.defined() ? keep.data_ptr<float>() : nullptr;
  float* dst = sums.data_ptr<float>();
  float* bias_dst = bias_sums.data_ptr<float>();
  at::parallel_for(0, groups, 1, [&](int64_t first, int64_t last) {
    PositionBuffer v(block, ins), dm(block, outs);
    for (int64_t group = first; group < last; ++group) {
      const int64_t from = blocks * group / groups, to = blocks * (group + 1) / groups;
      for (int64_t index = from; index < to; ++index) {
        const int64_t begin = index * block, end = std::min(tiles, begin + block), rows = end - begin;
        input_tiles(src, nullptr, v.data(), v.stride(), g, ins, begin, end);
        output_transposed_tiles(grad, keep_data, dm.data(), dm.stride(), bias_dst + group * outs, g, outs,
                                begin, end);
        position_products(true, ins, outs, rows, v.data(), v.stride(), dm.data(), dm.stride(),
                          index == from ? 0.0f : 1.0f, dst + group * kPositions * ins * outs, ins * outs);
      }
    }
  });
  auto du = sums[0];
  auto db = bias_sums[0];
  for (int64_t group = 1; group < groups; ++group) {
    du.add_(sums[group]);
    db.add_(bias_sums[group]);
  }
  return {du, db};
}

// Forward keeps the layer's input; backward transforms its tiles again, block by block, for the
// weight gradient. Keeping V instead would write 2.25 times the input's size to memory in forward
// and read it back in backward, which took longer than the transform (64 -> 64 channels at 64 x 64,
// batch 16: forward 27-35 ms keeping V, 16-20 without).
//
// With `relu`, the activation is part of the layer, forward and backward: forward keeps its output
// y as well, and backward's transforms read the output gradient as zero wherever y is not above
// zero, which is ReLU's backward (the same values as LibTorch's threshold_backward passes on), without
// the pass over memory that writes the masked gradient and the two that read it back.
struct Conv : torch::autograd::Function<Conv> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias, bool relu) {
    const auto input = x.contiguous(torch::MemoryFormat::ChannelsLast);
    auto y = convolve(input, weight_transform(weight), bias.contiguous(), relu);
    ctx->save_for_backward(relu ? torch::autograd::variable_list{input, weight, y}
                                : torch::autograd::variable_list{input, weight});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return torch::autograd::variable_list(4);
    const auto saved = ctx->get_saved_variables();
    const auto& input = saved[0];
    const auto& weight = saved[1];
    const torch::Tensor keep = saved.size() > 2 ? saved[2] : torch::Tensor();  // the output, with relu
    const auto dy = grads[0].contiguous(torch::MemoryFormat::ChannelsLast);
    torch::Tensor dx, dw, db;
    if (ctx->needs_input_grad(0)) {
      // The input gradient: the same convolution of dy with the kernel flipped and its channels
      // swapped.
      dx = convolve(dy, weight_transform(weight.flip({2, 3}).transpose(0, 1)), torch::Tensor(), false, keep);
    }
    if (ctx->needs_input_grad(1)) {
      auto products = weight_products(input, dy, keep);
      dw = weight_transform_transposed(products.du);
      db = std::move(products.db);
    } else if (ctx->needs_input_grad(2)) {
      db = (keep.defined() ? torch::threshold_backward(dy, keep, 0.0) : dy).sum({0, 2, 3});
    }
    if (!ctx->needs_input_grad(2)) db = torch::Tensor();
    return {dx, dw, db, torch::Tensor()};
  }
};

}  // namespace

bool applicable(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  return float_cpu_conv3x3_args(x, weight, bias) && x.size(1) % kLanes == 0 && weight.size(0) % kLanes == 0 &&
         x.size(2) % kTile == 0 && x.size(3) % kTile == 0;
}

torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                      bool relu) {
  TORCH_CHECK(applicable(x, weight, bias), "winograd_gemm::conv3x3: not applicable to x ", x.sizes(),
              " and weight ", weight.sizes());
  const bool training = records_gradients(x, weight, bias);
  if (training) {
    return Conv::apply(x, weight, bias, relu);
  }
  return convolve(x.contiguous(torch::MemoryFormat::ChannelsLast), weight_transform(weight),
                  bias.contiguous(), relu);
}

torch::Tensor transformed_weights(const torch::Tensor& weight) {
  TORCH_CHECK(weight.dim() == 4 && weight.size(2) == 3 && weight.size(3) == 3 &&
                  weight.size(0) % kLanes == 0 && weight.is_cpu() && weight.scalar_type() == torch::kFloat,
              "winograd_gemm::transformed_weights: weight ", weight.sizes(),
              " is not float32 [out, in, 3, 3] on the CPU with out a multiple of 16");
  torch::NoGradGuard no_grad;
  return weight_transform(weight);
}

torch::Tensor conv3x3_transformed(const torch::Tensor& x, const torch::Tensor& u, const torch::Tensor& bias,
                                  bool relu) {
  TORCH_CHECK(u.dim() == 3 && u.size(0) == kPositions && x.dim() == 4 && u.size(1) == x.size(1) &&
                  u.size(2) == bias.size(0),
              "winograd_gemm::conv3x3_transformed: kernels ", u.sizes(), " do not fit x ", x.sizes(),
              " and bias ", bias.sizes());
  torch::NoGradGuard no_grad;
  return convolve(x.contiguous(torch::MemoryFormat::ChannelsLast), u, bias.contiguous(), relu);
}

}  // namespace ptychopinn::nets::winograd_gemm
