#pragma once
// The paper CNN generator (the TF reference's create_autoencoder): normalised
// diffraction amplitudes of one group in, object amplitude and phase patches out. A plain encoder
// with two independent decoders (amplitude, phase), no skip connections, Keras-default (Glorot
// uniform, zero bias) initialisation.
//
// Including this header gives the whole nets API: CnnOptions, the generator, parameter
// initialisation and counting (parameter_init.h) and the FLOP count (cnn_flops.h).
#include <torch/torch.h>

#include "ptychopinn/nets/cnn_decoder.h"
#include "ptychopinn/nets/cnn_encoder.h"
#include "ptychopinn/nets/cnn_flops.h"
#include "ptychopinn/nets/cnn_options.h"
#include "ptychopinn/nets/memory_layout.h"
#include "ptychopinn/nets/parameter_init.h"

namespace ptychopinn::nets {

// What the generator predicts for a batch of groups; both [B, Cout, N, N] in the module's dtype.
struct CnnOutput {
  // amp_activation in the central N/2 block (sigmoid: (0, 1)); with probe_big the outer ring is the
  // swish branch, otherwise exactly 0 there (pad_object).
  torch::Tensor amplitude;
  // pi * tanh, so (-pi, pi), in the central block; the ring as for amplitude.
  torch::Tensor phase;
};

class CnnGeneratorImpl : public torch::nn::Module {
 public:
  // Builds the layers and draws Glorot-uniform weights from kDefaultInitSeed, so a freshly built
  // generator is the same in every process; call glorot_uniform_init to draw from another seed.
  // (LibTorch's Conv2d constructor first draws its own default weights from the global torch
  // generator, advancing it; those are overwritten, so nothing here depends on the global seed.)
  // Throws std::invalid_argument for invalid options (CnnOptions::validate names the field).
  explicit CnnGeneratorImpl(const CnnOptions& options);

  //   x: [B, C, N, N] normalised diffraction amplitudes (NCHW, C = gridsize^2), in the module's
  //      dtype (float32 unless converted) and on its device
  //   returns amplitude and phase, each [B, Cout, N, N] contiguous (Cout = C if object_big, else 1)
  // Throws std::invalid_argument on a wrong shape, dtype or device.
  // Without autograd on the CPU, a batch larger than inference_chunk() runs as chunks of that many
  // groups (the groups of a batch are independent; the result is the same to float rounding).
  CnnOutput forward(const torch::Tensor& x);

  // Groups per chunk of a forward pass without autograd on the CPU: as many as keep the largest
  // activation within 16 MiB (N = 64: 16 groups, N = 128: 8). Why: glibc's malloc maps every block
  // above 32 MiB afresh, and the kernel zeroes each of its pages on first touch, while the activations
  // of a large batch also leave the caches. Measured on 2 cores (bench/pinn_bench): N = 64 at batch 64
  // ran at 72 patterns/s against 183 at batch 16 (batch 4 to 16 alike), and N = 128 at batch 64 at
  // 27 against 83; chunks give every batch size the rate of the best one.
  int64_t inference_chunk() const;

  const CnnOptions& options() const;

  // The layout of the activations for float32 on the CPU: ChannelsLast (default; about 1.4x faster
  // through oneDNN, see memory_layout.h) or Contiguous (NCHW). Results agree to float rounding;
  // this is for benchmarks and CPUs where NCHW is faster. Other dtypes and devices always use NCHW.
  // Throws std::invalid_argument for any other memory format.
  void set_cpu_memory_format(torch::MemoryFormat format);
  torch::MemoryFormat cpu_memory_format() const;

  // Whether the 3 x 3 convolutions on the CPU may run our own kernels, forward and backward: the
  // wide ones with the Winograd algorithm (winograd_conv3x3.h: 1.4-2.4x faster per layer at
  // batches of 4 and more), the thin ones as matrix products (thin_conv3x3.h). On by default; off,
  // every convolution is LibTorch's.
  void set_winograd(bool enabled);
  bool winograd() const;

 private:
  CnnOutput forward_batch(const torch::Tensor& x);
  // fn(block) for every ConvPoolBlockImpl and ConvUpBlockImpl of the network.
  template <typename Fn>
  void for_each_block(Fn&& fn);

  CnnOptions options_;
  torch::MemoryFormat cpu_memory_format_ = torch::MemoryFormat::ChannelsLast;
  bool winograd_ = true;
  CnnEncoder encoder_{nullptr};
  CnnDecoder decoder_amp_{nullptr};
  CnnDecoder decoder_phase_{nullptr};
};
TORCH_MODULE(CnnGenerator);

}  // namespace ptychopinn::nets
