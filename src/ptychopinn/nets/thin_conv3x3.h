#pragma once
// A "same" 3 x 3 convolution (stride 1, one pixel of zero padding) for layers with few input or
// few output channels: the network's first layer (1 channel in), the ring branch's first layer (4
// in) and the decoder heads (1 to 4 out). Their multiply-adds are few, but the direct convolution
// LibTorch calls runs them far below the machine's speed (on a 2-core AVX2 machine the 1 -> 32
// layer at 128 x 128 took 80-100 ms forward + backward for 0.45 GFLOP, about 5 GFLOP/s).
//
// Here each layer is one matrix product over all pixels P = B x H x W (channels-last memory, so a
// pixel's channels are one row) plus nine shifted copies, the im2col formulation written for the
// thin side:
//   few inputs:  cols[p, t, c] = x[p + d(t), c] (zero outside), y = cols W_t   ([P, 9 in] x [9 in, out])
//   few outputs: z = x W_z ([P, in] x [in, 9 out]), y[p, o] = sum_t z[p + d(t), t, o]
// where d(t) is tap t's offset (-1, 0 or +1 in each direction). The nine-fold copies are of the
// thin side only. Backward uses the same pieces transposed: the adjoint of "copy shifted by d" is
// "sum shifted by -d". Products are oneDNN's sgemm on ranges of pixels shared among LibTorch's
// threads; the weight gradient sums fixed ranges' partial products in a fixed order, so results do
// not depend on the thread count. (A layer of at most 4,096 pixels is one range, run as a single
// sgemm outside any parallel region, which oneDNN may split among threads itself.)
#include <torch/torch.h>

namespace ptychopinn::nets::thin_conv3x3 {

// Layers this path takes: in or out channels times 9 taps at most this many.
constexpr int64_t kMaxThinTaps = 64;

// Whether conv3x3 applies: a build with oneDNN; x [B, in, H, W], weight [out, in, 3, 3] and bias
// [out], all float32 on the CPU; in x 9 or out x 9 at most kMaxThinTaps.
bool applicable(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// Whether the layer runs faster this way than with LibTorch's convolution: applicable, and either
// training (x, weight or bias requiring gradients, autograd on: 1.1-4x faster forward + backward
// on a 2-core AVX2 machine), few outputs (inference 2-5x), or a single input channel (inference
// 1.0-1.5x). Inference of the other few-input layers is left to LibTorch, whose direct kernel ran
// the ring branch's 4 -> 32 and 4 -> 64 layers 1.5-2.5x faster than the nine-fold copies and a
// product over 36 terms.
bool pays(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// conv2d(x, weight, bias, padding 1) in channels-last memory, differentiable in x, weight and bias.
// Requires applicable(x, weight, bias).
torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

}  // namespace ptychopinn::nets::thin_conv3x3
