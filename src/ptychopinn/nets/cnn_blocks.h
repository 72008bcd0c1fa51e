#pragma once
// The two building blocks of the paper CNN (the reference's Conv_Pool_block and
// Conv_Up_block), with Keras "same" semantics. Children are named conv1 / conv2 as in the Python
// ptycho_torch port, so state-dict keys line up and imported weights need no renaming.
#include <torch/torch.h>

#include <memory>

#include "ptychopinn/nets/winograd_conv3x3.h"

namespace ptychopinn::nets {

// A 3 x 3 convolution, stride 1, with Keras padding="same": one zero row/column on every side
// (for an odd kernel at stride 1 "same" is symmetric).
torch::nn::Conv2d same_conv3x3(int64_t in_channels, int64_t out_channels);

// conv(x) for a same_conv3x3. Without autograd, on the CPU in float32, it calls oneDNN directly:
// LibTorch's dispatcher sends a batch of one whose input has at most 20,480 elements (this
// network's first layer, its deepest ones, the ring branch) to its im2col convolution instead,
// which at batch 1 took over a quarter of the generator's time. Same result to rounding.
// With `own_kernels` (the default), layers with few input or output channels where it pays run
// thin_conv3x3.h's matrix-product form instead (the first layer, the ring branch's first layer and
// the heads, in training; the heads in inference); off, LibTorch's convolution only.
torch::Tensor apply_conv3x3(torch::nn::Conv2d& conv, const torch::Tensor& x, bool own_kernels = true);

// max(0, conv(x)) laid out in `format`: through `winograd` where it applies (float32 on the CPU at
// batches of WinogradConv3x3::kMinBatch and more, wide layers, AVX-512; with autograd or without,
// the ReLU fused without), otherwise apply_conv3x3 then an in-place ReLU.
torch::Tensor conv3x3_relu(torch::nn::Conv2d& conv, WinogradConv3x3& winograd, const torch::Tensor& x,
                           torch::MemoryFormat format);

// Keras MaxPool2D((2, 2), padding="same"): stride 2, output ceil(H/2) x ceil(W/2). For an odd side
// Keras pads the bottom/right with -inf, i.e. the last window is the max over what exists, which is
// PyTorch's ceil_mode; for the even sides of this network both equal plain 2 x 2 pooling.
//   x: [B, C, H, W] floating -> [B, C, ceil(H/2), ceil(W/2)]
torch::Tensor same_max_pool2x2(const torch::Tensor& x);

// Keras UpSampling2D((2, 2)): nearest neighbour, each pixel repeated 2 x 2.
//   x: [B, C, H, W] floating -> [B, C, 2H, 2W]
torch::Tensor upsample_nearest2x(const torch::Tensor& x);

// Conv_Pool_block(n): Conv3x3(n) + ReLU, Conv3x3(n) + ReLU, MaxPool 2 x 2.
//   x: [B, in, H, W] -> [B, n, ceil(H/2), ceil(W/2)]
// Activations are computed in `format` (memory_layout.h) at the latest from the first
// convolution's output on, whatever the layout of x.
class ConvPoolBlockImpl : public torch::nn::Module {
 public:
  ConvPoolBlockImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x, torch::MemoryFormat format = torch::MemoryFormat::Contiguous);
  // Whether the convolutions may run with Winograd (WinogradConv3x3; on by default), and
  // the workspace they share with the network's other layers (one of their own unless set).
  void set_winograd(bool enabled);
  void set_winograd_workspace(const std::shared_ptr<WinogradWorkspace>& workspace);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  WinogradConv3x3 winograd1_, winograd2_;  // their Winograd plans
};
TORCH_MODULE(ConvPoolBlock);

// Conv_Up_block(n): Conv3x3(n) + ReLU, Conv3x3(n) + ReLU, nearest upsampling x 2.
//   x: [B, in, H, W] -> [B, n, 2H, 2W], activations in `format` as for ConvPoolBlock
class ConvUpBlockImpl : public torch::nn::Module {
 public:
  ConvUpBlockImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x, torch::MemoryFormat format = torch::MemoryFormat::Contiguous);
  // Whether the convolutions may run with Winograd (WinogradConv3x3; on by default), and
  // the workspace they share with the network's other layers (one of their own unless set).
  void set_winograd(bool enabled);
  void set_winograd_workspace(const std::shared_ptr<WinogradWorkspace>& workspace);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  WinogradConv3x3 winograd1_, winograd2_;  // their Winograd plans
};
TORCH_MODULE(ConvUpBlock);

}  // namespace ptychopinn::nets
