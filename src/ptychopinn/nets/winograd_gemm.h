#pragma once
// A "same" 3 x 3 convolution (stride 1, one pixel of zero padding) with the Winograd algorithm
// F(4x4, 3x3) of Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016,
// written as the paper's section 4 writes it for a whole layer: every 6 x 6 input tile d is
// transformed to V = B^T d B and every kernel g to U = G g G^T, the 36 transformed positions each
// become one matrix product M(p) = V(p) U(p) over the channels ([tiles, in] x [in, out]: oneDNN's
// sgemm, one per position, the 36 shared among LibTorch's threads; LibTorch's bmm in a build
// without oneDNN's headers), and each output tile is Y = A^T M A. Per 4 x 4 output tile and
// channel pair that is 36 multiplications where the direct algorithm needs 144.
//
// This is the path for CPUs where oneDNN has no Winograd (it has f32 Winograd only with AVX-512):
// on a 2-core AVX2 machine the network's wide layers train 1.2-2.7x faster than with LibTorch's
// direct convolution (bench/conv_algorithms' third table; WinogradConv3x3 decides where it runs).
// The transforms are our own loops over 16 channels
// at a time, on channels-last (NHWC) memory, compiled for AVX-512 and AVX2 beside the baseline. Each
// thread takes a block of tiles at a time through the input transform, the 36 products and the
// output transform, so that the block's transformed tiles stay in its core's cache.
//
// Backward (section 5 of the paper: the gradients are convolutions too): the input gradient is
// the same Winograd convolution of the output gradient with the flipped, transposed kernel; the
// weight gradient is G^T (sum over tiles of V(p)^T dM(p)) G with dM = A dY A^T, the transposes of
// the forward transforms; the bias gradient is the sum of dY.
//
// Numerics: the transforms' coefficients (up to 8 and 1/24) cost a few bits; results agree with
// the direct algorithm to about 1e-5 of the output's scale (the tests hold both to 1e-4).
#include <torch/torch.h>

namespace ptychopinn::nets::winograd_gemm {

// Whether conv3x3 applies: x [B, in, H, W] and weight [out, in, 3, 3] float32 on the CPU, bias
// [out] float32, H and W multiples of 4.
bool applicable(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// conv2d(x, weight, bias, padding 1), then max(0, .) when `relu`, in channels-last memory.
// Differentiable in x, weight and bias; the ReLU's backward is part of the layer's, read from the
// kept output as the output gradient is transformed.
// Requires applicable(x, weight, bias).
torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                      bool relu);

// Inference with kernels transformed once: U [36, in, out] = G g G^T of every kernel of weight
// [out, in, 3, 3] (out a multiple of 16), which a caller keeps while the weights stay the same ...
torch::Tensor transformed_weights(const torch::Tensor& weight);

// ... and conv3x3(x, weight, bias, relu) from it, without autograd. Requires applicable(x, weight,
// bias) for the weight U was made from.
torch::Tensor conv3x3_transformed(const torch::Tensor& x, const torch::Tensor& u, const torch::Tensor& bias,
                                  bool relu);

}  // namespace ptychopinn::nets::winograd_gemm
