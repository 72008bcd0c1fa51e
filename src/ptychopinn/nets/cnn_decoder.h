#pragma once
// One of the paper CNN's two independent decoders: a base of Conv_Up blocks from the
// bottleneck to N/2 x N/2 x 32 nfs, then the head (the reference's create_decoder_last).
//
// Head, with F the base output [B, 32 nfs, N/2, N/2] and act the decoder's activation:
//   pad_object:   x1 = zero_pad_{N/4}( act(conv1(F[:, :-4])) )              central N/2 block
//     probe_big:  x2 = swish(conv2(Conv_Up_{nfs 2048/N}(F[:, -4:]))) ⊙ (1 − Mcen)   outer ring
//                 output x1 + x2, otherwise x1 (border exactly zero)
//   !pad_object:  act(conv2(Conv_Up_{nfs 2048/N}(F)))                        full resolution
// Child names follow ptycho_torch (blocks.<i>, and the head's conv1 / conv_up_block / conv2 under
// "amp" or "phase"); only the layers a configuration uses exist, as in the Keras graph.
#include <torch/torch.h>

#include <vector>

#include "ptychopinn/nets/cnn_blocks.h"
#include "ptychopinn/nets/cnn_options.h"

namespace ptychopinn::nets {

// Which decoder: its activation (amp_activation or pi * tanh) and its head's name.
enum class DecoderKind { kAmplitude, kPhase };

class CnnDecoderHeadImpl : public torch::nn::Module {
 public:
  CnnDecoderHeadImpl(const CnnOptions& options, DecoderKind kind);
  //   features: [B, 32 nfs, N/2, N/2] -> [B, Cout, N, N] contiguous (NCHW), computed in `format`
  torch::Tensor forward(const torch::Tensor& features,
                        torch::MemoryFormat format = torch::MemoryFormat::Contiguous);
  // Whether the head's own convolutions may run our kernels (apply_conv3x3's own_kernels; on by
  // default); CnnGenerator::set_winograd sets it with the blocks'.
  void set_own_kernels(bool enabled);

 private:
  torch::Tensor activate(const torch::Tensor& x) const;

  CnnOptions options_;
  DecoderKind kind_;
  torch::nn::Conv2d conv1_{nullptr};    // pad_object: the central block
  ConvUpBlock conv_up_block_{nullptr};  // ring branch or full-resolution head
  torch::nn::Conv2d conv2_{nullptr};
  bool own_kernels_ = true;
};
TORCH_MODULE(CnnDecoderHead);

class CnnDecoderImpl : public torch::nn::Module {
 public:
  // Throws std::invalid_argument for invalid options (CnnOptions::validate).
  CnnDecoderImpl(const CnnOptions& options, DecoderKind kind);
  //   features: [B, 128 nfs, 8, 8] (the encoder's output) -> [B, Cout, N, N] contiguous (NCHW),
  //   computed in `format` (memory_layout.h)
  torch::Tensor forward(torch::Tensor features, torch::MemoryFormat format = torch::MemoryFormat::Contiguous);

 private:
  torch::nn::ModuleList block_list_;
  std::vector<ConvUpBlock> blocks_;
  CnnDecoderHead head_{nullptr};
};
TORCH_MODULE(CnnDecoder);

}  // namespace ptychopinn::nets
