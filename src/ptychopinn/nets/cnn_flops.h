#pragma once
// The convolutions one forward pass of the paper CNN runs, and its FLOP count, from the layer
// shapes alone (no LibTorch): for benchmarks and the performance notes.
#include <cstdint>
#include <vector>

#include "ptychopinn/nets/cnn_options.h"

namespace ptychopinn::nets {

// One 3 x 3 "same" convolution as run on one input group: its channels and its output side.
struct ConvLayerShape {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t kernel = 3;
  int64_t height = 0;  // output rows (= input rows: stride 1, "same")
  int64_t width = 0;

  int64_t parameters() const { return in_channels * out_channels * kernel * kernel + out_channels; }
  // 2 x multiply-adds; biases and activations are not counted.
  double flops() const;
};

// Every convolution of one forward pass, in order: encoder, then the amplitude decoder, then the
// phase decoder (base blocks, then the head). Throws std::invalid_argument for invalid options.
std::vector<ConvLayerShape> conv_layer_shapes(const CnnOptions& options);

// Forward FLOPs per input group (B = 1): the sum of ConvLayerShape::flops over conv_layer_shapes.
// N = 64, gridsize 1, nfs 2: 1.441e9 with probe_big = false (the paper's 2.25 M-parameter net),
// 1.611e9 with the outer-ring branch. Backward costs about twice the forward.
double forward_flops(const CnnOptions& options);

// Elements of the largest convolution output of one forward pass per input group (B = 1):
// N = 64, nfs 2: 64 x 64 x 64 (the first encoder layers); N = 128: 32 x 128 x 128.
int64_t largest_activation_elements(const CnnOptions& options);

}  // namespace ptychopinn::nets
