#pragma once
// CnnOptions: the shape of the paper CNN — patch size, group size, filter scale, which
// decoder head — and the layer widths that follow from them. Torch-free, so it can be filled from a
// ModelConfig and checked before LibTorch is touched.
#include <vector>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/config/model_config.h"

namespace ptychopinn::nets {

struct CnnOptions {
  // Patch side, px: 64, 128 or 256 (the encoder/decoder depths are defined only for these).
  int N = 64;
  // Patterns per group along one side; the network sees C = gridsize^2 input channels.
  int gridsize = 1;
  // Width multiplier of every convolution (nfs). Default 2.
  int n_filters_scale = 2;
  // One output channel per pattern of the group (true) or a single shared patch (false).
  bool object_big = true;
  // Decode the outer ring outside the central N/2 block too (the "probe.big" border branch).
  bool probe_big = true;
  // Predict the object at N/2 resolution in the central block, zero-padded to N (the paper's
  // head); false predicts the whole N x N patch at full resolution.
  bool pad_object = true;
  // Output activation of the amplitude decoder (the phase decoder always uses pi * tanh).
  config::AmpActivation amp_activation = config::AmpActivation::kSigmoid;

  // The network fields of a ModelConfig (N, gridsize, n_filters_scale, object_big, probe_big,
  // pad_object, amp_activation); nothing is validated here (the generator does it).
  static CnnOptions from(const config::ModelConfig& m);
  // C = gridsize^2: input channels (the patterns of one group).
  int channels_in() const;
  // C if object_big, else 1: channels of each decoder's output.
  int channels_out() const;
  // Throws std::invalid_argument "nets::CnnOptions: <field> = <value>; expected ..." for N outside
  // {64, 128, 256}, gridsize < 1 or n_filters_scale < 1.
  void validate() const;
};

// Feature channels of the decoder base reserved for the outer-ring branch of the pad_object head
// (the TF reference's c_outer; the Torch port's differs).
constexpr int kRingChannels = 4;

// Widths of the encoder's Conv_Pool blocks, already multiplied by n_filters_scale
// (N = 64: nfs * [32, 64, 128]; 128: nfs * [16, 32, 64, 128]; 256: nfs * [8, 16, 32, 64, 128]).
// Each block halves the side, so the bottleneck is always 8 x 8 x 128 nfs.
// Throws std::invalid_argument (see validate) for an unsupported N.
std::vector<int> encoder_filters(const CnnOptions& options);

// Widths of the Conv_Up blocks of each decoder's base, times nfs (N = 64: nfs * [64, 32];
// 128: nfs * [128, 64, 32]; 256: nfs * [256, 128, 64, 32]); the base ends at N/2 x N/2 x 32 nfs.
std::vector<int> decoder_filters(const CnnOptions& options);

// Width of the head's full-resolution Conv_Up block (ring branch, or the pad_object = false head):
// nfs * 2048 / N, i.e. nfs * 32 at N = 64, nfs * 16 at 128, nfs * 8 at 256.
int head_up_filters(const CnnOptions& options);

}  // namespace ptychopinn::nets
