#pragma once
// The memory layout the CNN's activations are computed in, and keeping it through autograd.
//
// Why: on the CPU, LibTorch 1.13 runs these convolutions through oneDNN, which takes channels-last
// (NHWC) activations without reordering them, and its CPU ReLU, max-pool and upsampling kernels are
// vectorised for that layout; the paper CNN runs ~1.4x faster channels-last (bench/cnn_bench.cpp).
// But an elementwise backward kernel whose gradient and saved tensor differ in layout is ~40x
// slower than either layout alone, and narrow()'s backward (the decoder head splits its input
// channels) always produces NCHW gradients. So a tensor switched to channels-last also gets a
// gradient hook that brings its gradient to the same layout.
#include <torch/torch.h>

namespace ptychopinn::nets {

// t laid out in `format` (t itself when it already is). When t requires grad, the gradient that
// flows back into it is converted to `format` too (a no-op when it already is). Do not modify the
// result in place: with LibTorch 1.13 a tensor hook followed by an in-place op (relu_) gave wrong
// gradients.
torch::Tensor in_memory_format(const torch::Tensor& t, torch::MemoryFormat format);

// The network input x in `format`, with strides that say so. For a single channel (gridsize 1),
// contiguous(ChannelsLast) returns x unchanged, as its NCHW strides describe the same memory, and
// LibTorch then runs the first convolution NCHW; clone(format) writes channels-last strides.
torch::Tensor input_in_memory_format(const torch::Tensor& x, torch::MemoryFormat format);

// The format for the CNN's activations when its input is x and `cpu_format` is the CPU policy:
// cpu_format for a float32 CPU tensor, Contiguous (NCHW) otherwise (oneDNN does not cover float64,
// and the CUDA path is left to cuDNN's defaults).
torch::MemoryFormat activation_memory_format(const torch::Tensor& x, torch::MemoryFormat cpu_format);

}  // namespace ptychopinn::nets
