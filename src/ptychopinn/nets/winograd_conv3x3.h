#pragma once
// A "same" 3 x 3 convolution (stride 1, one pixel of zero padding) with the Winograd algorithm
// F(4x4, 3x3) of Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, as
// oneDNN implements it: each 6 x 6 input tile and each 3 x 3 kernel are transformed, multiplied
// element by element (36 products where the direct algorithm needs 144 per 4 x 4 output tile and
// channel pair, i.e. 4x fewer multiplications, less the transforms), and transformed back. The
// gradients are Winograd convolutions too (backward-data is a convolution of the output gradient
// with the flipped kernel, backward-weights a correlation of the input with the output gradient),
// which oneDNN provides as its backward-data and backward-weights primitives. LibTorch never selects
// the algorithm; on this network's wide layers it runs 1.4-2.4x faster than the direct oneDNN
// kernels LibTorch calls, forward and backward alike (bench/conv_algorithms). Results agree with
// the direct algorithm to float rounding of a longer sum (around 1e-6 of the output's scale).
//
// Inference keeps the transformed weights between calls and makes them again when the weight or
// bias tensor changes (a new tensor, or an in-place update, which advances its version counter);
// training transforms them in each forward, as every optimiser step changes them. oneDNN has f32
// Winograd only with AVX-512; elsewhere (and in a build without oneDNN's headers) the layers where
// it pays run the portable Winograd of winograd_gemm.h, and the others return nothing, so that the
// caller runs LibTorch's convolution.
#include <torch/torch.h>

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>

namespace ptychopinn::nets {

// Memory the Winograd convolutions of one network share, one layer at a time: the blocked copies of
// a layer's input and output and oneDNN's scratchpad (the transformed tiles, tens of MiB at batch
// 16). Kept between layers and calls, grown to the largest layer and never shrunk: freed and
// allocated afresh each time, such blocks come back from the kernel as new pages whose zeroing cost
// more than the Winograd algorithm saved.
class WinogradWorkspace {
 public:
  enum Slot { kSource = 0, kDestination = 1, kScratchpad = 2 };
  // At least `bytes` of 64-byte aligned memory for `slot`, valid until the next call for that slot.
  void* reserve(Slot slot, std::size_t bytes);
  // Bytes held in all slots.
  std::size_t bytes() const;
  // Held while a layer runs: one forward pass at a time uses the buffers.
  std::mutex& mutex() { return mutex_; }

 private:
  std::mutex mutex_;
  std::array<torch::Tensor, 3> buffers_;
};

class WinogradConv3x3 {
 public:
  // Batches smaller than this run the direct algorithm: at batch 1 the transforms and reorders cost
  // what the fewer multiplications save (bench/conv_algorithms --batch 1).
  static constexpr int64_t kMinBatch = 4;
  // Layers with fewer input or output channels run the direct algorithm (the network's first layer,
  // its heads, the ring branch's 4-channel input): too little work per tile to pay the transforms.
  static constexpr int64_t kMinChannels = 32;
  // Where oneDNN has no Winograd (no AVX-512), the portable one (winograd_gemm.h) runs the layers
  // with at least this many channels in and out (N = 128's 32-channel layers ran 1.5-2.6x faster
  // forward + backward on a 2-core AVX2 machine, 1.2-1.9x in inference at batch 1 to 64; below 16
  // its transforms do not apply) ...
  static constexpr int64_t kMinGemmChannels = 32;
  // ... and at least this many 4 x 4 output tiles (batch x H x W / 16): on a 2-core AVX2 machine
  // every layer of the network at batch 16 (64 tiles and more) ran faster than LibTorch's direct
  // convolution, 1.0-2.2x in inference and 1.2-3.1x forward + backward (bench/conv_algorithms).
  static constexpr int64_t kMinGemmTiles = 64;

  WinogradConv3x3();
  ~WinogradConv3x3();
  WinogradConv3x3(WinogradConv3x3&&) noexcept;
  WinogradConv3x3& operator=(WinogradConv3x3&&) noexcept;

  // conv(x) + bias, then max(0, .) when `relu`, laid out in `format` (ChannelsLast or Contiguous),
  // or std::nullopt when this path does not apply: disabled, x not a 4-d float32 CPU tensor,
  // weight not [out, in, 3, 3] float32 on the CPU, or no bias; with oneDNN's Winograd, a batch
  // below kMinBatch or fewer than kMinChannels channels in or out; without it (no AVX-512), where
  // the portable one does not apply or pay (kMinGemmChannels,
  // kMinGemmTiles, winograd_gemm.h).
  // With autograd on and x, weight or bias requiring gradients, the result carries a backward that
  // gives all three gradients (with oneDNN's Winograd the ReLU is then applied in place after the
  // convolution; the portable one folds it into its forward and backward).
  //   weight: [out, in, 3, 3], bias: [out], x: [B, in, H, W] in any layout
  std::optional<torch::Tensor> forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                       const torch::Tensor& x, torch::MemoryFormat format, bool relu);

  // Off: forward() always returns nothing (for benchmarks and bit-for-bit comparisons with
  // LibTorch's convolution). On by default.
  void set_enabled(bool enabled);
  bool enabled() const;

  // Run with `workspace` (shared with the network's other layers) instead of one of its own.
  void set_workspace(std::shared_ptr<WinogradWorkspace> workspace);

  // Whether this build and CPU have oneDNN's Winograd convolution (false without AVX-512 or without
  // oneDNN's headers at build time). Probes once per object.
  bool available();

  struct State;  // plans and oneDNN objects (opaque)

 private:
  std::optional<torch::Tensor> onednn_forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                              const torch::Tensor& x, torch::MemoryFormat format, bool relu);

  // The portable Winograd (winograd_gemm.h) in channels-last; in inference from transformed weights
  // kept in the state while the parameters stay the same.
  torch::Tensor portable_forward(const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& x, bool relu);
  std::shared_ptr<State> state_;  // made on first use; training graphs share it
  bool enabled_ = true;
  std::shared_ptr<WinogradWorkspace> workspace_;  // made on first use unless set
};

}  // namespace ptychopinn::nets
