#include "ptychopinn/nets/winograd_gemm.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

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

// Channels are transformed 16 at a time (two AVX2 or one AVX-512 register per value), so layers
// need a multiple of 16 channels in and out.
constexpr int64_t kLanes = 16;
constexpr int64_t kTile = 4;   // output tile m
constexpr int64_t kAlpha = 6;  // input tile m + r - 1
constexpr int64_t kPositions = kAlpha * kAlpha;

// Sixteen channels as one value: GCC's vector extension, which each clone compiles to its own
// registers (one AVX-512, two AVX2 or four SSE2 registers). Written out this way because the
// auto-vectorizer left the transforms that store with a runtime stride as scalar code. Loads and
// stores go through memcpy (no alignment assumed); no function takes or returns a Lanes by value,
// so no clone's calling convention differs from another's.
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

inline void load(Lanes& v, const float* p) { std::memcpy(&v, p, sizeof(Lanes)); }
inline void store(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof(Lanes)); }

// v[i] = the 16 lanes at in + i * stride.
template <int kCount>
inline void load_strided(Lanes (&v)[kCount], const float* in, std::ptrdiff_t stride) {
  for (int i = 0; i < kCount; ++i) load(v[i], in + i * stride);
}

// The transforms along one axis, each on 16 lanes; `si` and `so` are the distances between
// successive inputs and outputs. The matrices are the paper's F(4, 3) (section 4.2, with the
// interpolation points 0, +-1, +-2 and infinity):
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]

// out = B^T in (6 -> 6)
inline void input_1d(const float* in, std::ptrdiff_t si, float* out, std::ptrdiff_t so) {
  Lanes d[6];
  load_strided(d, in, si);
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
  const Lanes zero = {};
  for (int k = 0; k < kTile; ++k) {
    Lanes value = v[k] + bias;
    if (relu) value = value < zero ? zero : value;
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
// stride + (t - begin) * channels, `stride` apart to hold a whole tensor's [36, tiles, C] or a block's
// own [36, end - begin, C].
PP_VECTOR_CLONES void input_tiles(const float* src, float* dst, std::ptrdiff_t stride, const Tiling& g,
                                  int64_t channels, int64_t begin, int64_t end) {
  alignas(64) float d[kPositions * kLanes];
  alignas(64) float t[kPositions * kLanes];
  for (int64_t tile = begin; tile < end; ++tile) {
    const int64_t j = tile % g.cols, i = (tile / g.cols) % g.rows, b = tile / (g.cols * g.rows);
    const int64_t h0 = i * kTile - 1, w0 = j * kTile - 1;
    // A tile wholly inside the image is read where it lies; one on the border through a copy with
    // zeros outside. The same values either way, so the same results.
    const bool inside = h0 >= 0 && w0 >= 0 && h0 + kAlpha <= g.height && w0 + kAlpha <= g.width;
    for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
      const float* cells = d;  // cell (r, s) at cells + r * down + s * across
      std::ptrdiff_t down = kAlpha * kLanes, across = kLanes;
      if (inside) {
        cells = src + ((b * g.height + h0) * g.width + w0) * channels + c0;
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
              const float* p = src + ((b * g.height + h) * g.width + w) * channels + c0;
              for (int64_t l = 0; l < kLanes; ++l) cell[l] = p[l];
            }
          }
        }
      }
      for (int64_t s = 0; s < kAlpha; ++s)  // down the columns: t = B^T d
        input_1d(cells + s * across, down, t + s * kLanes, kAlpha * kLanes);
      for (int64_t r = 0; r < kAlpha; ++r)  // along the rows: V = t B, straight into place
        input_1d(t + r * kAlpha * kLanes, kLanes, dst + r * kAlpha * stride + (tile - begin) * channels + c0,
                 stride);
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
// input_tiles lays out V.
PP_VECTOR_CLONES void output_transposed_tiles(const float* src, float* dst, std::ptrdiff_t stride,
                                              const Tiling& g, int64_t channels, int64_t begin, int64_t end) {
  alignas(64) float gy[kTile * kTile * kLanes];
  alignas(64) float t[kAlpha * kTile * kLanes];
  for (int64_t tile = begin; tile < end; ++tile) {
    const int64_t j = tile % g.cols, i = (tile / g.cols) % g.rows, b = tile / (g.cols * g.rows);
    for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
      for (int64_t r = 0; r < kTile; ++r) {
        for (int64_t s = 0; s < kTile; ++s) {
          const float* p = src + ((b * g.height + i * kTile + r) * g.width + j * kTile + s) * channels + c0;
          float* cell = gy + (r * kTile + s) * kLanes;
          for (int64_t l = 0; l < kLanes; ++l) cell[l] = p[l];
        }
      }
      for (int64_t s = 0; s < kTile; ++s)  // down the columns: t = A g (6 x 4)
        output_1d_transposed(gy + s * kLanes, kTile * kLanes, t + s * kLanes, kTile * kLanes);
      for (int64_t r = 0; r < kAlpha; ++r)  // along the rows: dM = t A^T, straight into place
        output_1d_transposed(t + r * kTile * kLanes, kLanes,
                             dst + r * kAlpha * stride + (tile - begin) * channels + c0, stride);
    }
  }
}

// dM [36, tiles, K] = A dY A^T of every 4 x 4 tile of the output gradient dy (channels-last).
torch::Tensor output_transform_transposed(const torch::Tensor& dy) {
  const Tiling g(dy);
  const int64_t channels = dy.size(1), tiles = g.tiles();
  auto dm = torch::empty({kPositions, tiles, channels}, dy.options());
  const float* src = dy.data_ptr<float>();
  float* dst = dm.data_ptr<float>();
  at::parallel_for(0, tiles, 8, [&](int64_t begin, int64_t end) {
    output_transposed_tiles(src, dst + begin * channels, tiles * channels, g, channels, begin, end);
  });
  return dm;
}

// Input channels [begin, end) of weight_transform: g [in, 9, out] (the taps of each input channel,
// output channels innermost) to U [36, in, out], 16 output channels at a time.
PP_VECTOR_CLONES void weight_channels(const float* src, float* dst, int64_t ins, int64_t outs, int64_t begin,
                                      int64_t end) {
  for (int64_t c = begin; c < end; ++c) {
    for (int64_t k0 = 0; k0 < outs; k0 += kLanes) {
      Lanes g[3][3];
      for (int64_t r = 0; r < 3; ++r)
        for (int64_t s = 0; s < 3; ++s) load(g[r][s], src + (c * 9 + r * 3 + s) * outs + k0);
      for (int64_t a = 0; a < kAlpha; ++a) {
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
  for (int64_t c = begin; c < end; ++c) {
    for (int64_t k0 = 0; k0 < outs; k0 += kLanes) {
      Lanes t[3][kAlpha] = {};  // G^T dU
      for (int64_t a = 0; a < kAlpha; ++a) {
        for (int64_t e = 0; e < kAlpha; ++e) {
          Lanes value;
          load(value, src + ((a * kAlpha + e) * ins + c) * outs + k0);
          for (int64_t r = 0; r < 3; ++r) t[r][e] += kG[a][r] * value;
        }
      }
      for (int64_t r = 0; r < 3; ++r) {
        for (int64_t s = 0; s < 3; ++s) {
          Lanes sum = {};
          for (int64_t e = 0; e < kAlpha; ++e) sum += t[r][e] * kG[e][s];
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

// c(p) = a(p) b(p), or a(p)^T b(p) when `transpose_a`, for the 36 positions p, plus c(p) when
// `accumulate`: a [36, rows, inner] (or [36, inner, rows]), b [36, inner, cols], c [36, rows, cols],
// all contiguous. With oneDNN, each product is its single-threaded sgemm and the 36 are shared
// among LibTorch's OpenMP threads: LibTorch's bmm goes to OpenBLAS, whose own thread pool and
// LibTorch's spinning OpenMP threads take the same cores in turn (a third of the time in
// sched_yield and libgomp's spin on 2 cores).
void products_into(const torch::Tensor& a, const torch::Tensor& b, bool transpose_a, torch::Tensor& c,
                   bool accumulate) {
#if PTYCHOPINN_HAVE_ONEDNN
  const int64_t rows = c.size(1), inner = b.size(1), cols = b.size(2);
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* pc = c.data_ptr<float>();
  const int64_t lda = transpose_a ? rows : inner;
  const float beta = accumulate ? 1.0f : 0.0f;
  at::parallel_for(0, kPositions, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const dnnl_status_t status =
          dnnl_sgemm(transpose_a ? 'T' : 'N', 'N', rows, cols, inner, 1.0f, pa + p * rows * inner, lda,
                     pb + p * inner * cols, cols, beta, pc + p * rows * cols, cols);
      TORCH_CHECK(status == dnnl_success, "winograd_gemm: oneDNN's sgemm failed (status ", status, ")");
    }
  });
#else
  const auto left = transpose_a ? a.transpose(1, 2) : a;
  if (accumulate) {
    c.baddbmm_(left, b);
  } else {
    at::bmm_out(c, left, b);
  }
#endif
}

// m(p) = v(p) u(p) for the 36 positions p of a block of `rows` tiles: v(p) at v + p * v_stride
// (rows x ins, rows apart by ins), u [36, ins, outs] contiguous, m(p) at m + p * rows * outs. On the
// calling thread: blocks run in parallel, their products do not.
void block_products(const float* v, std::ptrdiff_t v_stride, const float* u, int64_t rows, int64_t ins,
                    int64_t outs, float* m) {
  for (int64_t p = 0; p < kPositions; ++p) {
#if PTYCHOPINN_HAVE_ONEDNN
    const dnnl_status_t status = dnnl_sgemm('N', 'N', rows, outs, ins, 1.0f, v + p * v_stride, ins,
                                            u + p * ins * outs, outs, 0.0f, m + p * rows * outs, outs);
    TORCH_CHECK(status == dnnl_success, "winograd_gemm: oneDNN's sgemm failed (status ", status, ")");
#else
    const auto f32 = torch::TensorOptions(torch::kFloat);
    auto out = torch::from_blob(m + p * rows * outs, {rows, outs}, f32);
    at::mm_out(out, torch::from_blob(const_cast<float*>(v + p * v_stride), {rows, ins}, f32),
               torch::from_blob(const_cast<float*>(u + p * ins * outs), {ins, outs}, f32));
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

int64_t tiles_per_block(int64_t tiles, int64_t ins, int64_t outs) {
  const int64_t fits = kBlockBytes / (kPositions * (ins + outs) * static_cast<int64_t>(sizeof(float)));
  const int64_t spread = std::max(kMinBlockTiles, (tiles + kMinBlocks - 1) / kMinBlocks);
  return std::min({std::clamp(fits, kMinBlockTiles, kMaxBlockTiles), spread, tiles});
}

// y = the convolution of x (channels-last, a batch or a range of one) with U [36, in, out], plus
// bias (when defined), then max(0, .) when `relu`, a block of tiles at a time. Each block's V goes
// to `saved` ([36, tiles, in], kept for the weight gradient) when given, otherwise to a buffer of
// the thread's own.
void convolve_blocks(const torch::Tensor& x, const torch::Tensor& u, const torch::Tensor& bias, bool relu,
                     torch::Tensor& y, float* saved) {
  const Tiling g(x);
  const int64_t ins = x.size(1), outs = u.size(2), tiles = g.tiles();
  const int64_t block = tiles_per_block(tiles, ins, outs);
  const float* src = x.data_ptr<float>();
  const float* pu = u.data_ptr<float>();
  const float* bias_data = bias.defined() ? bias.data_ptr<float>() : nullptr;
  float* dst = y.data_ptr<float>();
  at::parallel_for(0, (tiles + block - 1) / block, 1, [&](int64_t first, int64_t last) {
    const std::unique_ptr<float[]> v_own(saved ? nullptr : new float[kPositions * block * ins]);
    const std::unique_ptr<float[]> m(new float[kPositions * block * outs]);
    for (int64_t index = first; index < last; ++index) {
      const int64_t begin = index * block, end = std::min(tiles, begin + block), rows = end - begin;
      float* v = saved ? saved + begin * ins : v_own.get();
      const std::ptrdiff_t v_stride = saved ? tiles * ins : rows * ins;
      input_tiles(src, v, v_stride, g, ins, begin, end);
      block_products(v, v_stride, pu, rows, ins, outs, m.get());
      output_tiles(m.get(), rows * outs, dst, bias_data, relu, g, outs, begin, end);
    }
  });
}

// Training keeps V, a few images at a time: a chunk's V and the output gradient's transform dM,
// which backward makes one chunk at a time, stay within this size and come from the heap (glibc
// maps blocks above 32 MiB afresh and the kernel zeroes every page: an eighth of a training step's
// time before the chunks).
constexpr int64_t kChunkBytes = int64_t{8} << 20;

int64_t images_per_chunk(const torch::Tensor& x, int64_t channels) {
  const int64_t per_image =
      kPositions * (x.size(2) / kTile) * (x.size(3) / kTile) * channels * static_cast<int64_t>(sizeof(float));
  return std::max<int64_t>(1, kChunkBytes / per_image);
}

torch::Tensor channels_last_output(const torch::Tensor& x, int64_t channels) {
  return torch::empty({x.size(0), channels, x.size(2), x.size(3)},
                      x.options().memory_format(torch::MemoryFormat::ChannelsLast));
}

// The convolution of channels-last x with transformed kernels u [36, in, out].
torch::Tensor convolve(const torch::Tensor& x, const torch::Tensor& u, const torch::Tensor& bias, bool relu) {
  auto y = channels_last_output(x, u.size(2));
  convolve_blocks(x, u, bias, relu, y, nullptr);
  return y;
}

// Forward keeps each chunk's transformed tiles V for the weight gradient; backward runs over the
// same chunks.
struct Conv : torch::autograd::Function<Conv> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias) {
    const auto input = x.contiguous(torch::MemoryFormat::ChannelsLast);
    const auto u = weight_transform(weight);
    const auto b = bias.contiguous();
    const int64_t batch = input.size(0), outs = weight.size(0);
    const int64_t step = images_per_chunk(input, std::max(input.size(1), outs));
    auto y = channels_last_output(input, outs);
    std::vector<torch::Tensor> saved;
    for (int64_t b0 = 0; b0 < batch; b0 += step) {
      const int64_t n = std::min(step, batch - b0);
      const auto part = input.narrow(0, b0, n);
      auto out = y.narrow(0, b0, n);
      saved.push_back(torch::empty({kPositions, Tiling(part).tiles(), input.size(1)}, input.options()));
      convolve_blocks(part, u, b, false, out, saved.back().data_ptr<float>());
    }
    saved.push_back(weight);
    ctx->save_for_backward(saved);
    ctx->saved_data["step"] = step;
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    if (!grads[0].defined()) return torch::autograd::variable_list(3);
    const auto saved = ctx->get_saved_variables();
    const auto& weight = saved.back();
    const int64_t step = ctx->saved_data["step"].toInt();
    const auto dy = grads[0].contiguous(torch::MemoryFormat::ChannelsLast);
    torch::Tensor dx, dw, db;
    if (ctx->needs_input_grad(0)) {
      // The input gradient: the same convolution of dy with the kernel flipped and its channels
      // swapped.
      dx = convolve(dy, weight_transform(weight.flip({2, 3}).transpose(0, 1)), torch::Tensor(), false);
    }
    if (ctx->needs_input_grad(1)) {
      // dU = sum over the chunks of V^T dM.
      auto du = torch::empty({kPositions, weight.size(1), weight.size(0)}, dy.options());
      for (std::size_t i = 0; i + 1 < saved.size(); ++i) {
        const int64_t b0 = static_cast<int64_t>(i) * step;
        const auto part = dy.narrow(0, b0, std::min(step, dy.size(0) - b0));
        products_into(saved[i], output_transform_transposed(part), true, du, i > 0);
      }
      dw = weight_transform_transposed(du);
    }
    if (ctx->needs_input_grad(2)) db = dy.sum({0, 2, 3});
    return {dx, dw, db};
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
    auto y = Conv::apply(x, weight, bias);
    return relu ? y.relu_() : y;
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
